"""A paper's change form in the admin: its inlines (authors and the names they are credited by, tags,
references, key points), identifiers as pasted, citation keys, and what the page costs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bibliography.exporting import export_chunks
from bibliography.formats.registry import EXPORT_FORMATS
from bibliography.models import Authorship, Citation, KeyPoint, Paper, PaperConcept
from tests.admin_pages import CHANGELIST, _change_form_data
from tests.factories import make_author, make_authorship, make_concept, make_paper

pytestmark = pytest.mark.django_db


def test_choosing_the_paper_itself_as_its_reference_is_an_error_on_the_row(client, curator):
    paper = make_paper(title="Self-referential")
    data = _change_form_data(paper) | {
        "citations_made-TOTAL_FORMS": 1,
        "citations_made-INITIAL_FORMS": 0,
        "citations_made-0-cited": paper.pk,
        "citations_made-0-status": "accepted",
        "citations_made-0-source": "manual",
    }
    response = client.post(f"{CHANGELIST}{paper.pk}/change/", data)
    assert response.status_code == 200
    assert "A paper cannot cite itself" in response.content.decode()
    assert not Citation.objects.exists()


def test_swapping_two_key_point_numbers_in_one_save(client, curator):
    talk = make_paper(title="A talk", kind="talk")
    first = talk.keypoints.create(number=1, text="First claim")
    second = talk.keypoints.create(number=2, text="Second claim")
    data = _change_form_data(talk)
    for i, (point, number) in enumerate(((first, 2), (second, 1))):
        data |= {f"keypoints-{i}-id": point.pk, f"keypoints-{i}-number": number, f"keypoints-{i}-text": point.text}
    response = client.post(f"{CHANGELIST}{talk.pk}/change/", data)
    assert response.status_code == 302
    assert dict(talk.keypoints.values_list("text", "number")) == {"First claim": 2, "Second claim": 1}


def test_two_key_points_with_one_number_are_an_error_not_a_500(client, curator):
    talk = make_paper(title="A talk", kind="talk")
    first = talk.keypoints.create(number=1, text="First claim")
    second = talk.keypoints.create(number=2, text="Second claim")
    data = _change_form_data(talk)
    for i, point in enumerate((first, second)):
        data |= {f"keypoints-{i}-id": point.pk, f"keypoints-{i}-number": 1, f"keypoints-{i}-text": point.text}
    response = client.post(f"{CHANGELIST}{talk.pk}/change/", data)
    assert response.status_code == 200
    assert "Please correct the duplicate data for number" in response.content.decode()
    assert sorted(talk.keypoints.values_list("number", flat=True)) == [1, 2]


def test_a_curator_edits_the_name_a_paper_credits_an_author_by(client, curator):
    paper = make_paper(title="Sketch")
    ada, babbage = make_author("Ada Lovelace"), make_author("Charles Babbage")
    first = make_authorship(paper, ada, 1)
    second = Authorship.objects.create(paper=paper, author=babbage, position=2, credited={"name": "C. Babbage",
                                       "family": "Babbage", "given": "C."})  # fmt: skip
    page = client.get(f"{CHANGELIST}{paper.pk}/change/").content.decode()
    assert 'value="C. Babbage"' in page
    data = _change_form_data(paper)
    for i, row in enumerate((first, second)):
        data |= {f"authorships-{i}-author": row.author_id, f"authorships-{i}-position": row.position}
        data |= {f"authorships-{i}-role": "author"}
    data |= {"authorships-0-credited_as": "de Lovelace, Augusta Ada", "authorships-1-credited_as": ""}

    response = client.post(f"{CHANGELIST}{paper.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    first.refresh_from_db(), second.refresh_from_db()
    assert first.credited == {
        "name": "de Lovelace, Augusta Ada", "family": "Lovelace", "given": "Augusta Ada", "particle": "de",
    }  # fmt: skip
    assert first.credited_name == "de Lovelace, Augusta Ada" and second.credited is None


def test_identifiers_are_read_as_pasted_and_errors_are_in_plain_words(client, curator):
    holder = make_paper(title="The Holder", arxiv_id="2401.00001")
    paper = make_paper(title="Pasted")
    url = f"{CHANGELIST}{paper.pk}/change/"
    pasted = _change_form_data(paper) | {
        "doi": "https://doi.org/10.48550/arXiv.2305.07759",
        "arxiv_id": "arXiv:2305.07759v2",
    }
    assert client.post(url, pasted).status_code == 302
    paper.refresh_from_db()
    assert (paper.doi, paper.arxiv_id) == ("10.48550/arxiv.2305.07759", "2305.07759")

    for change, said in [
        ({"doi": "10."}, "is not a DOI"),
        ({"arxiv_id": "2401.00001"}, f'<a href="{CHANGELIST}{holder.pk}/change/">The Holder</a> has this identifier'),
        ({"review_reason": "check the authors"}, "Say why the paper needs review; or, when it no longer does"),
        ({"issued": "2019-05-01", "year": "2020"}, ""),  # the date sets the year: nothing to say
    ]:
        page = client.post(url, _change_form_data(paper) | change).content.decode()
        assert "Constraint" not in page and "violated" not in page
        assert said in page, change


def test_a_tag_score_outside_0_to_1_is_an_error_on_the_row(client, curator):
    paper, concept = make_paper(title="Scored"), make_concept()
    data = _change_form_data(paper) | {
        "tags-TOTAL_FORMS": 1, "tags-INITIAL_FORMS": 0, "tags-0-concept": concept.pk, "tags-0-score": "1.5",
        "tags-0-source": "manual", "tags-0-status": "accepted",
    }  # fmt: skip
    page = client.post(f"{CHANGELIST}{paper.pk}/change/", data).content.decode()
    assert "Ensure this value is less than or equal to 1" in page and not PaperConcept.objects.exists()


def test_a_paper_saved_in_the_admin_has_a_key_made_from_its_authors(client, curator):
    paper = make_paper(title="Notes on the Engine", year=1843)
    make_authorship(paper, make_author("Ada Lovelace"))
    data = _change_form_data(paper) | {"issued": "1843"}
    data |= {"authorships-0-author": paper.authorships.get().author_id, "authorships-0-position": 1}
    data |= {"authorships-0-role": "author"}
    assert client.post(f"{CHANGELIST}{paper.pk}/change/", data).status_code == 302
    paper.refresh_from_db()
    assert paper.citation_key == "lovelace1843notes"


def test_a_talks_page_asks_the_same_few_queries_however_many_rows_it_has(client, curator):
    def talk(points: int):
        paper = make_paper(title=f"A talk with {points} points", kind="talk", item_type="speech")
        concepts = [make_concept() for _ in range(4)]
        for n in range(1, points + 1):
            KeyPoint.objects.create(paper=paper, number=n, text=f"Point {n}. " * 20).concepts.set(concepts[: n % 4 + 1])
        for n in range(1, 6):
            Authorship.objects.create(paper=paper, author=make_author(), position=n)
        for concept in concepts:
            PaperConcept.objects.create(paper=paper, concept=concept, status="suggested", score=0.5)
        Citation.objects.create(citing=paper, cited=make_paper(), status="accepted")
        return paper

    def queries(paper) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"{CHANGELIST}{paper.pk}/change/")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    small, large = talk(3), talk(30)
    queries(small)  # the first page a process serves also fills its caches (content types)
    assert queries(small) == queries(large) <= 20  # no query per row of any inline
    page = client.get(f"{CHANGELIST}{large.pk}/change/").content.decode()
    assert page.count('class="fits-content"') == 30 + 1  # each key point's box fits its text (and the blank row's)
    assert 'rows="10"' not in page.split('id="keypoints-group"')[1].split("</fieldset>")[0]


def test_a_provisional_key_follows_the_paper_once_a_curator_gives_it_an_author_and_a_year(client, curator):
    paper = make_paper(title="Notes on the Analytical Engine")
    assert client.post(f"{CHANGELIST}{paper.pk}/change/", _change_form_data(paper)).status_code == 302
    paper.refresh_from_db()
    assert (paper.citation_key, paper.citation_key_provisional) == ("anonndnotes", True)

    make_authorship(paper, make_author("Ada Lovelace"))
    data = _change_form_data(paper) | {"issued": "1843"}
    data |= {"authorships-0-author": paper.authorships.get().author_id, "authorships-0-position": 1}
    data |= {"authorships-0-role": "author"}
    assert client.post(f"{CHANGELIST}{paper.pk}/change/", data).status_code == 302
    paper.refresh_from_db()
    assert (paper.citation_key, paper.citation_key_provisional) == ("lovelace1843notes", True)
    assert list(paper.key_aliases.values_list("key", flat=True)) == ["anonndnotes"]
    assert client.post(f"{CHANGELIST}{paper.pk}/change/", data | {"title": "Sketch of the Engine"}).status_code == 302
    paper.refresh_from_db()
    assert paper.citation_key == "lovelace1843sketch"  # not used yet: it follows the record

    "".join(export_chunks(Paper.objects.filter(pk=paper.pk), EXPORT_FORMATS["bibtex"]))
    assert client.post(f"{CHANGELIST}{paper.pk}/change/", data | {"title": "Notes, again"}).status_code == 302
    paper.refresh_from_db()
    assert (paper.citation_key, paper.citation_key_provisional) == ("lovelace1843sketch", False)  # exported: kept


def test_a_key_typed_by_a_curator_is_kept_whatever_the_record_becomes(client, curator):
    paper = make_paper(title="Notes on the Analytical Engine", year=1843)
    make_authorship(paper, make_author("Ada Lovelace"))
    data = _change_form_data(paper) | {"citation_key": "ada-notes"}
    data |= {"authorships-0-author": paper.authorships.get().author_id, "authorships-0-position": 1}
    data |= {"authorships-0-role": "author", "authorships-0-id": paper.authorships.get().pk}
    assert client.post(f"{CHANGELIST}{paper.pk}/change/", data).status_code == 302
    assert client.post(f"{CHANGELIST}{paper.pk}/change/", data | {"issued": "1842"}).status_code == 302
    paper.refresh_from_db()
    assert (paper.year, paper.citation_key, paper.citation_key_provisional) == (1842, "ada-notes", False)


def test_new_author_rows_left_without_a_position_come_after_the_others_in_row_order(client, curator):
    paper = make_paper(title="Notes on the Engine")
    existing = [make_authorship(paper, make_author(name), position) for position, name in ((1, "Ada"), (2, "Babbage"))]
    menabrea, lardner = make_author("Luigi Menabrea"), make_author("Dionysius Lardner")
    data = _change_form_data(paper) | {"authorships-TOTAL_FORMS": 4}
    for i, row in enumerate(existing):
        data |= {f"authorships-{i}-author": row.author_id, f"authorships-{i}-position": row.position}
        data |= {f"authorships-{i}-role": "author"}
    for i, author in ((2, menabrea), (3, lardner)):
        data |= {f"authorships-{i}-author": author.pk, f"authorships-{i}-position": ""}
        data |= {f"authorships-{i}-role": "author"}

    assert client.post(f"{CHANGELIST}{paper.pk}/change/", data).status_code == 302

    order = list(paper.authorships.order_by("position").values_list("author__name", "position"))
    assert order == [("Ada", 1), ("Babbage", 2), ("Luigi Menabrea", 3), ("Dionysius Lardner", 4)]
