"""A paper's history page in the admin: who changed what, in words, from the baseline its import
recorded."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bibliography.merging import paper_merge
from bibliography.models import Paper, PaperConcept
from tests.admin_pages import CHANGELIST, _change_form_data
from tests.factories import make_author, make_authorship, make_concept, make_paper, make_venue

pytestmark = pytest.mark.django_db


def test_history_pages_show_who_changed_what(client, curator, seed):
    paper = Paper.objects.filter(sources__import_run__format="listing").first()
    client.post(
        f"{CHANGELIST}{paper.pk}/change/",
        {
            **_change_form_data(paper),
            "title": paper.title + " (corrected)",
        },
    )
    paper.refresh_from_db()
    assert paper.title.endswith("(corrected)")
    history = client.get(f"{CHANGELIST}{paper.pk}/history/")
    assert history.status_code == 200
    assert b"cur" in history.content
    assert paper.history.first().history_user == curator


class TestHistoryInWords:
    """A paper's history page lists its own changes and those of its authors, tags and key points,
    from a baseline recorded at import, with who and why, and no "None" placeholders."""

    def test_dates_venues_types_and_decided_suggestions_read_as_a_person_writes_them(self, client, curator):
        paper = make_paper(title="Notes on the Engine", item_type="article-journal")
        neurips = make_venue("NeurIPS")
        data = _change_form_data(paper) | {"issued": "2019-03", "venue": neurips.pk, "item_type": "paper-conference"}
        assert client.post(f"{CHANGELIST}{paper.pk}/change/", data).status_code == 302
        (tag,) = PaperConcept.objects.bulk_create(  # as suggest_tags writes them: no history of their own
            [PaperConcept(paper=paper, concept=make_concept("music"), score=0.4, source="automatic")]
        )
        answer = client.post("/admin/review/decide/", {"kind": "tag", "id": tag.pk, "decision": "accept"})
        assert answer.status_code in (200, 302)

        page = client.get(f"{CHANGELIST}{paper.pk}/history/")
        said = [line for entry in page.context["timeline"] for line in entry.what]
        assert "date: — → 2019-03" in said and "venue: — → NeurIPS" in said
        assert "type: journal article → conference paper" in said
        assert "tag “music”: status suggested → accepted" in said
        html = page.content.decode()
        assert "date-parts" not in html and f"→ {neurips.pk}<" not in html and "article-journal" not in html

    def test_a_key_made_again_is_logged_with_the_save_that_changed_the_record(self, client, curator):
        paper = make_paper(title="Notes on the Engine")
        authorship = make_authorship(paper, make_author("Ada Lovelace"))
        data = _change_form_data(paper) | {"issued": "1843", "authorships-0-id": authorship.pk}
        data |= {"authorships-0-author": authorship.author_id, "authorships-0-position": 1}
        data |= {"authorships-0-role": "author", "authorships-INITIAL_FORMS": 1}
        assert client.post(f"{CHANGELIST}{paper.pk}/change/", data).status_code == 302
        assert client.post(f"{CHANGELIST}{paper.pk}/change/", data | {"issued": "1842"}).status_code == 302

        timeline = client.get(f"{CHANGELIST}{paper.pk}/history/").context["timeline"]
        said = [line for entry in timeline for line in entry.what if entry.who == "cur"]
        assert "citation key: lovelace1843notes → lovelace1842notes" in said and "year: 1843 → 1842" in said
        assert "citation key: — → lovelace1843notes" in said
        assert not [line for line in said if "→ —" in line or "provisional" in line]

    def test_the_first_edit_of_an_imported_paper_shows_what_it_changed(self, client, curator, seed):
        paper = Paper.objects.filter(sources__import_run__format="listing").exclude(title="").first()
        old_title = paper.title
        client.post(f"{CHANGELIST}{paper.pk}/change/", _change_form_data(paper) | {"title": "A corrected title"})
        page = client.get(f"{CHANGELIST}{paper.pk}/history/")
        timeline = page.context["timeline"]
        assert timeline[0].who == "cur" and f"title: {old_title} → A corrected title" in timeline[0].what
        assert timeline[-1].why.startswith("imported from ") and timeline[-1].who == ""
        html = page.content.decode()
        assert "None" not in html.split('id="content-main"')[1]
        assert "an import or a command" in html

    def test_author_order_tags_and_key_points_are_listed_on_the_papers_history(self, client, curator):
        talk = make_paper(title="A talk", kind="talk")
        ada, babbage = make_author("Ada Lovelace"), make_author("Charles Babbage")
        first, second = make_authorship(talk, ada, 1), make_authorship(talk, babbage, 2)
        talk.keypoints.create(number=1, text="Engines can compose music")
        tag = PaperConcept.objects.create(paper=talk, concept=make_concept("music"), score=0.4, source="automatic")

        data = _change_form_data(talk)
        for i, (row, position) in enumerate(((first, 2), (second, 1))):
            data |= {f"authorships-{i}-author": row.author_id, f"authorships-{i}-position": position}
            data |= {f"authorships-{i}-role": "author"}
        data |= {"keypoints-0-number": 1, "keypoints-0-text": "Engines can weave patterns"}
        data |= {"tags-0-concept": tag.concept_id, "tags-0-score": "0.4", "tags-0-source": "automatic"}
        data |= {"tags-0-status": "accepted"}
        assert client.post(f"{CHANGELIST}{talk.pk}/change/", data).status_code == 302

        latest = client.get(f"{CHANGELIST}{talk.pk}/history/").context["timeline"][0]
        assert latest.who == "cur"
        assert "author Ada Lovelace: position 1 → 2" in latest.what
        assert "author Charles Babbage: position 2 → 1" in latest.what
        assert "tag “music”: status suggested → accepted" in latest.what
        assert "key point 1: text Engines can compose music → Engines can weave patterns" in latest.what

    def test_the_history_page_reads_a_fixed_number_of_queries(self, client, curator):
        paper = make_paper(title="Often tagged")

        def history_queries(tags: int) -> int:
            for _ in range(tags):
                PaperConcept.objects.create(paper=paper, concept=make_concept(), status="accepted")
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"{CHANGELIST}{paper.pk}/history/").status_code == 200
            return len(queries)

        history_queries(0)  # Django caches content types on the first page it shows
        assert history_queries(2) == history_queries(12)


def test_a_merged_edited_and_rekeyed_papers_history_reads_as_sentences(client, curator):
    """The page as a curator reads it: each change a sentence in words, none a stored value."""
    survivor = make_paper(title="Rethinking the value of network pruning", item_type="article")
    preprint = make_paper(title="Rethinking the value of network pruning (preprint)", year=2018)
    authorship = make_authorship(preprint, make_author("Zhuang Liu"))
    paper_merge(into=survivor, others=[preprint], by=curator, keep={"date": preprint.pk})
    survivor.refresh_from_db()
    authorship.refresh_from_db()
    data = _change_form_data(survivor) | {"issued": "2019", "item_type": "paper-conference"}
    data |= {"authorships-0-id": authorship.pk, "authorships-0-author": authorship.author_id}
    data |= {"authorships-0-position": 1, "authorships-0-role": "author", "authorships-INITIAL_FORMS": 1}
    assert client.post(f"{CHANGELIST}{survivor.pk}/change/", data).status_code == 302

    page = client.get(f"{CHANGELIST}{survivor.pk}/history/").content.decode()
    text = " ".join(page.replace("&nbsp;", " ").split())
    assert f"merged #{preprint.pk} into this paper" in text and "date: — → 2018" in text
    assert "date: 2018 → 2019" in text and "type: article (preprint, working paper) → conference paper" in text
    assert "citation key: — → liu2019rethinking" in text and "author Zhuang Liu recorded, position 1" in text
    for raw in ("date-parts", "paper-conference", "{'", "None", "citation key provisional"):
        assert raw not in text, raw
