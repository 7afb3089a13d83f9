"""The curation admin on the imported seed dumps: queues, search, filters, actions, merging, history."""

import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bibliography.models import (
    Authorship,
    Citation,
    Concept,
    ConceptAlias,
    ConceptRelation,
    DuplicateCandidate,
    Paper,
    PaperAlias,
    PaperConcept,
    PaperLink,
    SourceRecord,
)
from tests.factories import make_author, make_authorship, make_concept, make_paper
from tests.test_importers import DUMPS

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/bibliography/paper/"


@pytest.fixture
def seed():
    call_command("import_dumps", str(DUMPS), "--no-progress", stdout=io.StringIO())


@pytest.fixture
def curator(client):
    user = User.objects.create_user("cur", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="curator"))
    client.force_login(user)
    return user


def merge_form(page, **changes) -> dict:
    """What the merge page sends when its Merge button is pressed, as it was previewed (with changes)."""
    context = page.context
    survivor = context["survivor"].pk
    data = {"ids": context["ids"], "survivor": survivor, "shown_survivor": survivor, "previewed": context["previewed"]}
    data["merge"] = "1"
    for name, _, cells in context["rows"]:
        data |= {f"keep_{name}": cell.paper.pk for cell in cells if cell.chosen and not cell.blank}
    return {key: value for key, value in (data | changes).items() if value is not None}


def titles(response) -> list[str]:
    return [str(p) for p in response.context["cl"].result_list]


def test_index_shows_the_review_queue_with_counts(client, curator, seed):
    make_paper(title="Needs a look", needs_review=True, review_reason="check venue")
    response = client.get("/admin/")
    queues = {label: count for label, count, _, _ in response.context["queues"]}
    assert queues["Papers that need review"] == 11
    assert queues["Suggested citations"] == 0
    assert b'id="review-queue"' in response.content
    assert b"?needs_review__exact=1" in response.content


def test_full_text_search_over_titles_abstracts_and_authors(client, curator, seed):
    found = titles(client.get(CHANGELIST, {"q": "induction head"}))
    assert any(t.startswith("What needs to go right for an induction head?") for t in found)
    by_author = titles(client.get(CHANGELIST, {"q": "Percy Liang"}))
    assert by_author == ["Workshop Mathematical and Empirical Understanding of Foundation Models (ME-FoMo)"]
    stemmed = titles(client.get(CHANGELIST, {"q": "phase transition"}))  # "transitions" in the text
    assert stemmed


def test_untitled_papers_show_their_provisional_label(client, curator, seed):
    found = titles(client.get(CHANGELIST, {"needs_review__exact": "1"}))
    assert len(found) == 10 and all(t.startswith("[untitled] ") for t in found)


def test_filters(client, curator, seed):
    scaling = Concept.objects.get(slug="scaling")
    talk_only = titles(client.get(CHANGELIST, {"concept": scaling.pk}))
    assert talk_only == ["Workshop Mathematical and Empirical Understanding of Foundation Models (ME-FoMo)"]
    assert len(titles(client.get(CHANGELIST, {"source_file": "004_b4ca87912f4c4db7.txt"}))) == 50  # first page
    assert client.get(CHANGELIST, {"source_file": "004_b4ca87912f4c4db7.txt"}).context["cl"].result_count == 82
    assert client.get(CHANGELIST, {"year": "2023"}).context["cl"].result_count == 1
    assert client.get(CHANGELIST, {"kind__exact": "talk"}).context["cl"].result_count == 1
    assert client.get(CHANGELIST, {"tag_status": "accepted"}).context["cl"].result_count == 1


def test_changelist_queries_do_not_grow_with_the_page(client, curator):
    for i in range(5):
        make_authorship(make_paper(title=f"Paper {i}"))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(CHANGELIST).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(40):
        make_authorship(make_paper(title=f"More {i}"))
    assert count() == few


def test_tag_action_shows_a_concept_page_then_tags(client, curator, seed):
    papers = list(Paper.objects.filter(sources__import_run__format="listing")[:3])
    concept = Concept.objects.get(slug="scaling")
    data = {"action": "tag_with_concept", "_selected_action": [p.pk for p in papers]}
    page = client.post(CHANGELIST, data)
    assert page.status_code == 200 and b"Tag papers with a concept" in page.content
    done = client.post(CHANGELIST, {**data, "apply": "1", "concept": concept.pk}, follow=True)
    assert b"3 new tags" in done.content
    tags = PaperConcept.objects.filter(concept=concept, paper__in=papers)
    assert {(t.source, t.status, t.created_by_id) for t in tags} == {("manual", "accepted", curator.pk)}
    assert tags.first().history.first().history_user == curator


def test_accept_and_reject_suggested_tags_of_selected_papers(client, curator):
    paper, concept, other = make_paper(), make_concept(), make_concept()
    PaperConcept.objects.create(paper=paper, concept=concept, status="suggested", source="automatic", score=0.4)
    PaperConcept.objects.create(paper=paper, concept=other, status="rejected", source="automatic", score=0.9)
    confirmation = client.post(CHANGELIST, {"action": "accept_suggested_tags", "_selected_action": [paper.pk]})
    page = client.get(confirmation["Location"])
    assert [tag.concept for tag in page.context["listed"]] == [concept]  # the rejected one is not proposed again
    assert paper.tags.filter(status="suggested").exists()  # nothing changes before the curator confirms
    client.post(confirmation["Location"], {"confirm": "1"} | dict(page.context["request"].GET.items()))
    assert dict(paper.tags.values_list("concept_id", "status")) == {concept.pk: "accepted", other.pk: "rejected"}


def test_mark_reviewed_leaves_untitled_papers_flagged(client, curator):
    titled = make_paper(needs_review=True, review_reason="check")
    untitled = make_paper(title="", needs_review=True, review_reason="no title")
    response = client.post(
        CHANGELIST, {"action": "mark_reviewed", "_selected_action": [titled.pk, untitled.pk]}, follow=True
    )
    assert b"1 untitled papers still need a title first" in response.content
    titled.refresh_from_db(), untitled.refresh_from_db()
    assert (titled.needs_review, untitled.needs_review) == (False, True)


def test_citation_changelist_accepts_and_counts_follow(client, curator):
    a, b, c = make_paper(), make_paper(), make_paper()
    Citation.objects.create(citing=a, cited=c, status="suggested", source="automatic")
    Citation.objects.create(citing=b, cited=c, status="suggested", source="automatic")
    client.post(
        "/admin/bibliography/citation/",
        {"action": "accept", "_selected_action": list(Citation.objects.values_list("pk", flat=True))},
    )
    c.refresh_from_db()
    assert c.cited_by_count == 2
    client.post(
        "/admin/bibliography/citation/", {"action": "reject", "_selected_action": [Citation.objects.get(citing=a).pk]}
    )
    c.refresh_from_db()
    assert c.cited_by_count == 1


def test_concept_changelist_counts_papers_with_descendants(client, curator, seed):
    response = client.get("/admin/bibliography/concept/", {"q": "scaling"})
    rows = {c.slug: (c.paper_count, c.paper_count_with_descendants) for c in response.context["cl"].result_list}
    assert rows["scaling"] == (0, 1)  # the talk is tagged with topics below the category
    page = response.content.decode()
    assert '<td class="field-paper_count_shown">0</td><td class="field-papers_with_descendants">1</td>' in page
    assert "bibliography.Paper.None" not in page


def test_a_cycle_made_in_the_admin_is_refused_with_a_message(client, curator):
    a, b = make_concept(name="Learning", slug="learning"), make_concept(name="Deep learning", slug="deep")
    client.post("/admin/bibliography/conceptrelation/add/", {"parent": a.pk, "child": b.pk})
    response = client.post("/admin/bibliography/conceptrelation/add/", {"parent": b.pk, "child": a.pk})
    assert response.status_code == 200
    assert "would create a cycle" in response.content.decode()
    assert Concept.objects.get(pk=a.pk).parents.count() == 0


class TestMerge:
    def duplicates(self):
        concept = make_concept()
        keep = make_paper(title="Scaling Laws", doi="10.1/keep")
        extra = make_paper(title="Scaling laws.", abstract="Longer abstract.", arxiv_id="2401.00001")
        shared, own = make_author("Shared Person"), make_author("Only On Extra")
        make_authorship(keep, shared, 1)
        make_authorship(extra, shared, 1)
        make_authorship(extra, own, 2)
        PaperConcept.objects.create(paper=keep, concept=concept, status="suggested", score=0.2)
        PaperConcept.objects.create(paper=extra, concept=concept, status="accepted", score=0.9, source="manual")
        citer, cited = make_paper(), make_paper()
        Citation.objects.create(citing=citer, cited=extra, status="accepted")
        Citation.objects.create(citing=extra, cited=cited, status="accepted")
        Citation.objects.create(citing=extra, cited=keep, status="accepted")  # becomes a self-citation
        PaperLink.objects.create(paper=extra, url="https://github.com/a/b", kind="code")
        return keep, extra, citer, cited

    def test_merge_page_previews_then_merges_everything_into_the_survivor(self, client, curator):
        keep, extra, citer, cited = self.duplicates()
        redirect = client.post(CHANGELIST, {"action": "merge_papers", "_selected_action": [keep.pk, extra.pk]})
        page = client.get(redirect.url)
        assert page.status_code == 200
        preview = page.content.decode()
        assert "1 authors move over" in preview and "1 tags combined" in preview and "1 links move over" in preview
        assert Paper.objects.filter(pk=extra.pk).exists()  # a preview writes nothing

        done = client.post(reverse("admin:bibliography_paper_merge"), merge_form(page))
        assert done.status_code == 302
        keep.refresh_from_db()
        assert not Paper.objects.filter(pk=extra.pk).exists()
        assert [a.author.name for a in keep.authorships.order_by("position")] == ["Shared Person", "Only On Extra"]
        tag = keep.tags.get()
        assert (tag.status, tag.source, tag.score) == ("accepted", "manual", 0.9)
        assert keep.arxiv_id == "2401.00001" and keep.doi == "10.1/keep"
        assert list(keep.references.all()) == [cited]
        assert list(keep.cited_by.all()) == [citer]
        assert keep.cited_by_count == 1
        assert keep.links.get().url == "https://github.com/a/b"
        alias = PaperAlias.objects.get(old_id=extra.pk)
        assert alias.paper == keep and alias.arxiv_id == "2401.00001" and alias.merged_by == curator
        assert "merged" in keep.history.first().history_change_reason

    def test_a_later_import_of_the_merged_record_lands_on_the_survivor(self, client, curator, tmp_path):
        from tests.test_importers import ABSTRACT, HEADER, write

        listing = write(tmp_path, HEADER + f"Scaling Laws Revisited\n\n{ABSTRACT}\n")
        call_command("import_dumps", str(listing), "--no-progress", stdout=io.StringIO())
        gone = Paper.objects.get(title="Scaling Laws Revisited")
        keep = make_paper(title="Scaling laws revisited (journal version)")
        page = client.get(
            reverse("admin:bibliography_paper_merge"), {"ids": f"{keep.pk},{gone.pk}", "survivor": keep.pk}
        )
        client.post(reverse("admin:bibliography_paper_merge"), merge_form(page))
        out = io.StringIO()
        call_command("import_dumps", str(listing), "--no-progress", stdout=out)
        assert "0 created" in out.getvalue()
        assert Paper.objects.count() == 1
        assert SourceRecord.objects.get().paper == keep

    def test_a_viewer_cannot_merge(self, client, seed):
        viewer = User.objects.create_user("v", password="pw", is_staff=True)
        viewer.groups.add(Group.objects.get(name="viewer"))
        client.force_login(viewer)
        ids = ",".join(str(pk) for pk in Paper.objects.values_list("pk", flat=True)[:2])
        assert client.get(reverse("admin:bibliography_paper_merge"), {"ids": ids}).status_code == 403
        assert client.get(CHANGELIST).status_code == 200


class TestDuplicates:
    def test_candidates_are_found_merged_or_dismissed_for_good(self, client, curator):
        a = make_paper(title="Attention Is All You Need")
        b = make_paper(title="Attention is all you need!")
        c = make_paper(title="", abstract="Identical abstract text.", needs_review=True, review_reason="no title")
        d = make_paper(title="Something else", abstract="identical abstract TEXT")
        make_paper(title="Totally unrelated work")
        call_command("find_duplicates", stdout=io.StringIO())
        pairs = {(x.paper_a_id, x.paper_b_id): x.reason for x in DuplicateCandidate.objects.all()}
        assert pairs == {(a.pk, b.pk): "title", (c.pk, d.pk): "abstract"}

        page = client.get("/admin/bibliography/duplicatecandidate/", {"status__exact": "open"})
        assert b"merge" in page.content and b"not a duplicate" in page.content
        candidate = DuplicateCandidate.objects.get(reason="title")
        client.post(f"/admin/bibliography/duplicatecandidate/{candidate.pk}/dismiss/")
        DuplicateCandidate.objects.filter(reason="abstract").delete()
        call_command("find_duplicates", stdout=io.StringIO())
        assert DuplicateCandidate.objects.get(reason="title").status == "dismissed"
        assert DuplicateCandidate.objects.filter(reason="abstract", status="open").count() == 1


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


def _change_form_data(paper: Paper) -> dict:
    data = {
        "title": paper.title,
        "abstract": paper.abstract,
        "kind": paper.kind,
        "item_type": paper.item_type,
        "venue": paper.venue_id or "",
        "issued": "",
        "extra": "{}",
        "doi": paper.doi or "",
        "arxiv_id": paper.arxiv_id or "",
        "review_reason": paper.review_reason,
    }
    if paper.needs_review:
        data["needs_review"] = "on"
    prefixes = {
        "authorships": Authorship.objects.filter(paper=paper),
        "tags": PaperConcept.objects.filter(paper=paper),
        "citations_made": Citation.objects.filter(citing=paper),
        "citations_received": Citation.objects.filter(cited=paper),
        "keypoints": paper.keypoints.all(),
        "notes": paper.notes.all(),
        "paper_keywords": paper.paper_keywords.all(),
        "links": paper.links.all(),
        "sources": paper.sources.all(),
    }
    for prefix, rows in prefixes.items():
        rows = list(rows)
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = len(rows)
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = row.pk
            if prefix == "links":
                data.update(
                    {f"{prefix}-{i}-url": row.url, f"{prefix}-{i}-kind": row.kind, f"{prefix}-{i}-paper": paper.pk}
                )
            if prefix == "sources":
                data[f"{prefix}-{i}-paper"] = paper.pk
            if prefix == "notes":
                data[f"{prefix}-{i}-text"] = row.text
    return data


def test_groups_curator_edits_and_viewer_reads():
    curator, viewer = Group.objects.get(name="curator"), Group.objects.get(name="viewer")
    codes = set(curator.permissions.values_list("codename", flat=True))
    assert {"change_paper", "delete_paper", "add_paperconcept", "change_citation", "view_importrun"} <= codes
    assert not {"change_importrun", "add_user", "change_user"} & codes
    viewing = set(viewer.permissions.values_list("codename", flat=True))
    assert "view_paper" in viewing and "view_historicalpaper" in viewing
    assert all(code.startswith("view_") for code in viewing)


def test_large_changelists_show_an_estimate_instead_of_counting(client, curator, monkeypatch):
    from bibliography import searching

    Paper.objects.bulk_create([Paper(title=f"Bulk {i}", title_key=f"bulk {i}") for i in range(60)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE bibliography_paper")
    monkeypatch.setattr(searching, "EXACT_COUNT_LIMIT", 10)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(CHANGELIST)
    assert response.context["cl"].result_count >= 10
    # no query counts the list (a row's own tag count, in its subquery, is not the list's)
    assert not [q for q in ctx.captured_queries if '"__count"' in q["sql"]]


def test_two_parent_and_child_rows_that_make_a_cycle_are_not_saved(client, curator):
    a = make_concept(name="Alpha", slug="alpha")
    b = make_concept(name="Beta", slug="beta")
    data = {
        "name": "Alpha",
        "slug": "alpha",
        "description": "",
        "kind": "topic",
        "parent_relations-TOTAL_FORMS": 1,
        "parent_relations-INITIAL_FORMS": 0,
        "parent_relations-0-parent": b.pk,
        "child_relations-TOTAL_FORMS": 1,
        "child_relations-INITIAL_FORMS": 0,
        "child_relations-0-child": b.pk,
    }
    data["name"] = "Alpha renamed"
    response = client.post(f"/admin/bibliography/concept/{a.pk}/change/", data)
    assert response.status_code == 200  # the form again, with the reason: nothing of the save is kept
    page = response.content.decode()
    assert "would create a cycle: “Beta” would be both above and below “Alpha renamed”" in page
    assert "added successfully" not in page and "changed successfully" not in page
    assert not a.parents.exists() and not a.children.exists()
    a.refresh_from_db()
    assert a.name == "Alpha"


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


def test_a_keywords_papers_are_one_click_from_the_keyword_list(client, curator):
    from bibliography.models import Keyword, PaperKeyword

    tagged = make_paper(title="Tagged")
    make_paper(title="Other")
    word = Keyword.objects.create(name="<b>bold</b> words")
    PaperKeyword.objects.create(paper=tagged, keyword=word)
    listing = client.get("/admin/bibliography/keyword/").content.decode()
    assert f'href="{CHANGELIST}?keyword={word.pk}"' in listing
    assert "&lt;b&gt;bold&lt;/b&gt; words" in listing
    assert titles(client.get(CHANGELIST, {"keyword": word.pk})) == ["Tagged"]
    assert titles(client.get(CHANGELIST, {"keyword": "³"})) == ["Other", "Tagged"]


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
    from bibliography.models import Authorship, Citation, KeyPoint, PaperConcept

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


@pytest.mark.parametrize(("action", "media_type", "marker"), [
    ("export_bibtex", "application/x-bibtex", "title = {Chosen one}"),
    ("export_csljson", "application/vnd.citationstyles.csl+json", '"title": "Chosen one"'),
    ("export_ris", "application/x-research-info-systems", "TI  - Chosen one"),
])  # fmt: skip
def test_the_selected_papers_download_in_each_format(client, curator, action, media_type, marker):
    chosen = [make_paper(title="Chosen one"), make_paper(title="Chosen two")]
    left = make_paper(title="Left out")
    response = client.post(CHANGELIST, {"action": action, "_selected_action": [p.pk for p in chosen]})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(media_type)
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    assert marker in body and "Chosen two" in body and left.title not in body


def test_concept_autocomplete_ranks_the_exact_name_first_and_shows_the_kind(client, curator):
    make_concept(name="Language models learn concepts sequentially during training", slug="lm-sequential", kind="topic")
    make_concept(name="Multilingual language understanding", slug="multilingual", kind="topic")
    make_concept(name="language", slug="language", kind="category")
    response = client.get(
        "/admin/autocomplete/",
        {"term": "language", "app_label": "bibliography", "model_name": "keypoint", "field_name": "concepts"},
    )
    texts = [result["text"] for result in response.json()["results"]]
    assert texts == [
        "language (category)",
        "Language models learn concepts sequentially during training (topic)",
        "Multilingual language understanding (topic)",
    ]


def test_a_concept_is_removed_from_the_selected_papers_after_a_page_that_lists_them(client, curator):
    concept = make_concept(name="Scaling", slug="scaling-laws")
    tagged = [make_paper(title=f"Tagged {n}") for n in range(2)]
    untouched = make_paper(title="Tagged elsewhere")
    for paper, status in zip([*tagged, untouched], ["accepted", "suggested", "accepted"], strict=True):
        PaperConcept.objects.create(paper=paper, concept=concept, status=status)
    chosen = {"action": "remove_concept", "_selected_action": [p.pk for p in tagged]}
    page = client.post(CHANGELIST, chosen)
    assert page.status_code == 200 and b"Remove a concept from papers" in page.content
    assert b"Tagged 0" in page.content and b"Tagged elsewhere" not in page.content
    assert PaperConcept.objects.count() == 3  # nothing happens before the concept is chosen
    done = client.post(CHANGELIST, {**chosen, "apply": "1", "concept": concept.pk}, follow=True)
    assert "Removed “Scaling” from 2 papers" in done.content.decode()
    assert list(PaperConcept.objects.values_list("paper_id", flat=True)) == [untouched.pk]
    assert PaperConcept.history.filter(history_type="-").count() == 2  # the history keeps what was removed


class TestMergeChoices:
    """The merge page compares the papers side by side and keeps, per field, the value chosen."""

    def two_records(self):
        from tests.factories import make_venue

        first = make_paper(title="Scaling laws", doi="10.1/first", year=2019, venue=make_venue("arXiv"), abstract="")
        second = make_paper(
            title="Scaling Laws for Neural Language Models", doi="10.1/second", issued={"date-parts": [[2020, 1, 23]]},
            venue=make_venue("NeurIPS"), abstract="We study empirical scaling laws.",
        )  # fmt: skip
        make_authorship(first, make_author("Jared Kaplan"))
        return first, second

    def test_each_field_keeps_the_value_chosen_on_the_page(self, client, curator):
        first, second = self.two_records()
        url = reverse("admin:bibliography_paper_merge")
        page = client.get(url, {"ids": f"{first.pk},{second.pk}"})
        html = page.content.decode()
        for value in ("Scaling laws", "Scaling Laws for Neural Language Models", "10.1/first", "10.1/second",
                      "2020-01-23", "NeurIPS", "Jared Kaplan", "We study empirical scaling laws."):  # fmt: skip
            assert value in html, value
        assert f'name="keep_title" value="{second.pk}"' in html and f'name="keep_doi" value="{first.pk}"' in html

        choices = {"keep_title": second.pk, "keep_date": second.pk, "keep_venue": second.pk, "preview": "1"}
        preview = client.post(url, merge_form(page, merge=None) | choices)
        assert f"title from #{second.pk}" in preview.content.decode()
        done = client.post(url, merge_form(preview))

        assert done.status_code == 302 and done["Location"].endswith(f"/{first.pk}/change/")
        first.refresh_from_db()
        assert (first.title, first.doi, first.published_on.isoformat(), first.venue.name) == (
            "Scaling Laws for Neural Language Models", "10.1/first", "2020-01-23", "NeurIPS",
        )  # fmt: skip
        assert first.abstract == "We study empirical scaling laws."  # blank on the survivor: the other's
        assert PaperAlias.objects.get(old_id=second.pk).doi == "10.1/second"

    def test_a_choice_changed_after_the_preview_merges_nothing_until_previewed(self, client, curator):
        first, second = self.two_records()
        url = reverse("admin:bibliography_paper_merge")
        page = client.get(url, {"ids": f"{first.pk},{second.pk}"})

        changed = client.post(url, merge_form(page, survivor=second.pk))
        assert changed.status_code == 200 and Paper.objects.filter(pk=first.pk).exists()
        html = changed.content.decode()
        assert "changed since the preview" in html and f"What the merge does to #{second.pk}" in html

        first.title = "Scaling laws (edited meanwhile)"
        first.save()
        stale = client.post(url, merge_form(changed))
        assert stale.status_code == 200 and "changed since the preview" in stale.content.decode()

        done = client.post(url, merge_form(stale))
        assert done.status_code == 302 and not Paper.objects.filter(pk=first.pk).exists()
        assert Paper.objects.get(pk=second.pk).title == "Scaling Laws for Neural Language Models"  # its own

    def test_a_merged_papers_old_address_leads_to_the_survivor(self, client, curator):
        first, second = self.two_records()
        page = client.get(reverse("admin:bibliography_paper_merge"), {"ids": f"{first.pk},{second.pk}"})
        client.post(reverse("admin:bibliography_paper_merge"), merge_form(page))
        old = client.get(f"{CHANGELIST}{second.pk}/change/")
        assert old.status_code == 302 and old["Location"] == f"{CHANGELIST}{first.pk}/change/"
        assert f"Paper #{second.pk} was merged into this one" in client.get(old["Location"]).content.decode()
        assert client.get(f"{CHANGELIST}987654321/change/").status_code == 302  # unknown: Django's own answer


class TestPaperList:
    """The list a curator works from: who wrote it, its identifiers and tags at a glance, dates
    drilled down from a year to its months, venue and date set on many papers at once."""

    def test_each_row_shows_first_authors_identifiers_and_accepted_tags(self, client, curator):
        paper = make_paper(title="Listed paper", doi="10.1/listed", arxiv_id="2401.00002")
        for position, name in enumerate(["Ada Lovelace", "Charles Babbage", "Mary Somerville", "Luigi Menabrea"], 1):
            make_authorship(paper, make_author(name), position)
        concept, other = make_concept(), make_concept()
        PaperConcept.objects.create(paper=paper, concept=concept, status="accepted")
        PaperConcept.objects.create(paper=paper, concept=other, status="suggested")
        rows = client.get(CHANGELIST).content.decode().split("<tr")
        row = next(r for r in rows if "Listed paper</a>" in r)
        assert "Ada Lovelace, Charles Babbage, Mary Somerville et al." in row
        assert '<span class="identifier">10.1/listed</span> <span class="identifier">2401.00002</span>' in row
        assert '<td class="field-tags_accepted">1</td>' in row

    def test_a_year_drills_down_to_its_months(self, client, curator):
        make_paper(title="March", issued={"date-parts": [[2021, 3, 4]]})
        make_paper(title="March too", issued={"date-parts": [[2021, 3, 30]]})
        make_paper(title="October", issued={"date-parts": [[2021, 10, 1]]})
        make_paper(title="Year only", year=2021)
        make_paper(title="Other year", issued={"date-parts": [[2020, 3, 4]]})
        assert "?month=" not in client.get(CHANGELIST).content.decode()  # no year chosen: no months offered
        page = client.get(CHANGELIST, {"year": "2021"})
        assert page.context["cl"].result_count == 4
        html = page.content.decode()
        assert "March" in html and "October" in html and "?month=3&amp;year=2021" in html
        assert titles(client.get(CHANGELIST, {"year": "2021", "month": "3"})) == ["March too", "March"]
        assert client.get(CHANGELIST, {"year": "2021", "month": "13"}).context["cl"].result_count == 4

    def test_venue_and_date_are_set_on_the_selected_papers_after_a_page_that_lists_them(self, client, curator):
        from tests.factories import make_venue

        neurips = make_venue("NeurIPS")
        a, b = make_paper(title="First", issued={"date-parts": [[2019, 5, 1]]}), make_paper(title="Second")
        selected = {"action": "set_venue_or_date", "_selected_action": [a.pk, b.pk]}
        page = client.post(CHANGELIST, selected).content.decode()
        assert "Give these 2 papers a venue, a date, or both" in page and "First" in page and "Second" in page

        empty = client.post(CHANGELIST, selected | {"apply": "1", "venue": "", "issued": ""}).content.decode()
        assert "Choose a venue, a date, or both." in empty
        bad = client.post(CHANGELIST, selected | {"apply": "1", "issued": "next spring"}).content.decode()
        assert "write a date as 2020" in bad

        done = client.post(CHANGELIST, selected | {"apply": "1", "venue": neurips.pk, "issued": "2020-12"})
        assert done.status_code == 302
        for paper in (a, b):
            paper.refresh_from_db()
            assert (paper.venue, paper.year, paper.published_on, paper.issued) == (
                neurips, 2020, None, {"date-parts": [[2020, 12]]},
            )  # fmt: skip
            assert paper.history.first().history_user == curator
        again = client.post(CHANGELIST, selected | {"apply": "1", "venue": neurips.pk})
        assert again.status_code == 302 and a.history.count() == 2  # nothing to change: no new history


class TestHistoryInWords:
    """A paper's history page lists its own changes and those of its authors, tags and key points,
    from a baseline recorded at import, with who and why, and no "None" placeholders."""

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
    assert (paper.citation_key, paper.citation_key_provisional) == ("lovelace1843notes", False)
    assert list(paper.key_aliases.values_list("key", flat=True)) == ["anonndnotes"]
    title = "Notes on the Analytical Engine"
    assert client.post(f"{CHANGELIST}{paper.pk}/change/", data | {"title": title + "!"}).status_code == 302
    paper.refresh_from_db()
    assert paper.citation_key == "lovelace1843notes"  # a real key never moves again


class TestConceptsAndAuthorsBecomeOne:
    """Renaming a concept moves its slug and keeps the old one as an alias; concepts and authors that
    are one are merged after a page that shows what each brings, leaving aliases and history."""

    def test_a_renamed_concepts_slug_follows_and_the_old_one_still_answers(self, client, curator):
        from rest_framework.test import APIClient

        concept = make_concept("Scaling laws", slug="scaling-laws")
        data = {"name": "Neural scaling laws", "slug": "scaling-laws", "description": "", "kind": "topic"}
        data |= {f"{p}-{k}": v for p in ("parent_relations", "child_relations")
                 for k, v in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))}  # fmt: skip
        assert client.post(f"/admin/bibliography/concept/{concept.pk}/change/", data).status_code == 302
        concept.refresh_from_db()
        assert concept.slug == "neural-scaling-laws" and concept.aliases.get().slug == "scaling-laws"
        old = APIClient().get("/api/concepts/scaling-laws/?fields=slug")
        assert old.status_code == 301 and old["Location"] == "/api/concepts/neural-scaling-laws/?fields=slug"
        hand_made = make_concept("Grokking", slug="grok")
        hand_made.rename("Grokking (delayed generalisation)")
        hand_made.save()
        assert hand_made.slug == "grok"  # a slug chosen by hand stays

    def test_concepts_merge_with_their_tags_relations_and_key_points(self, client, curator):
        parent, child = make_concept("learning", slug="learning"), make_concept("in-context", slug="icl")
        keep, gone = make_concept("scaling", slug="scaling"), make_concept("Scaling laws", slug="scaling-laws")
        ConceptRelation.objects.create(parent=parent, child=gone)
        ConceptRelation.objects.create(parent=gone, child=child)
        both, only_gone = make_paper(title="Both"), make_paper(title="Only gone")
        PaperConcept.objects.create(paper=both, concept=keep, status="suggested", score=0.2)
        PaperConcept.objects.create(paper=both, concept=gone, status="accepted", score=0.9, source="manual")
        PaperConcept.objects.create(paper=only_gone, concept=gone, status="accepted")
        talk = make_paper(title="A talk", kind="talk")
        talk.keypoints.create(number=1, text="Loss falls as a power law").concepts.add(gone)

        selected = {"action": "merge_concepts", "_selected_action": [keep.pk, gone.pk]}
        page = client.post("/admin/bibliography/concept/", selected).content.decode()
        assert "2 tags (2 papers accepted)" in page and "parents: learning" in page and "1 key points" in page
        done = client.post("/admin/bibliography/concept/", selected | {"survivor": keep.pk, "merge": "1"})

        assert done.status_code == 302 and not Concept.objects.filter(pk=gone.pk).exists()
        assert dict(keep.tags.values_list("paper__title", "status")) == {"Both": "accepted", "Only gone": "accepted"}
        assert list(keep.parents.all()) == [parent] and list(keep.children.all()) == [child]
        assert list(talk.keypoints.get().concepts.all()) == [keep]
        assert ConceptAlias.objects.get(slug="scaling-laws").concept == keep
        assert keep.history.first().history_user == curator

    def test_a_merge_that_would_close_a_cycle_changes_nothing(self, client, curator):
        top, middle, bottom = make_concept("top"), make_concept("middle"), make_concept("bottom")
        ConceptRelation.objects.create(parent=top, child=middle)
        ConceptRelation.objects.create(parent=middle, child=bottom)
        selected = {"action": "merge_concepts", "_selected_action": [top.pk, bottom.pk]}
        page = client.post("/admin/bibliography/concept/", selected | {"survivor": top.pk, "merge": "1"}, follow=True)
        assert "Nothing merged: merging would create a cycle" in page.content.decode()
        assert Concept.objects.count() == 3 and ConceptRelation.objects.count() == 2

    def test_authors_merge_and_each_paper_keeps_the_name_it_printed(self, client, curator):
        from rest_framework.test import APIClient

        from bibliography.models import Author, AuthorAlias

        keep, gone = make_author("Ada Lovelace"), make_author("A. A. Lovelace")
        gone.orcid = "0000-0002-1825-0097"
        gone.save()
        first, second, both = make_paper(title="Notes"), make_paper(title="Sketch"), make_paper(title="Both")
        make_authorship(first, keep), make_authorship(second, gone)
        make_authorship(both, keep, 1), make_authorship(both, gone, 2)

        selected = {"action": "merge_authors", "_selected_action": [keep.pk, gone.pk]}
        assert "0000-0002-1825-0097" in client.post("/admin/bibliography/author/", selected).content.decode()
        client.post("/admin/bibliography/author/", selected | {"survivor": keep.pk, "merge": "1"})

        assert not Author.objects.filter(pk=gone.pk).exists()
        keep.refresh_from_db()
        assert keep.orcid == "0000-0002-1825-0097"
        sketch = second.authorships.get()
        assert sketch.author == keep and sketch.credited_name == "A. A. Lovelace"  # as the paper printed it
        assert list(both.authorships.values_list("author_id", "position")) == [(keep.pk, 1)]
        assert AuthorAlias.objects.get(old_id=gone.pk).author == keep
        old = APIClient().get(f"/api/authors/{gone.pk}/")
        assert old.status_code == 301 and old["Location"] == f"/api/authors/{keep.pk}/"


class TestLookalikes:
    """A paper that looks like another is said so when saved, and imports queue their lookalikes."""

    def test_saving_a_paper_like_another_warns_with_links_and_queues_the_pair(self, client, curator):
        first = make_paper(title="Scaling Laws for Neural Language Models", year=2020)
        make_paper(title="Scaling Laws for Neural Language Models", year=2023)  # another year: another paper
        data = {"title": "Scaling laws for neural language model", "abstract": "", "kind": "article",
                "item_type": "article-journal", "issued": "2020", "extra": "{}"}  # fmt: skip
        for prefix in ("authorships", "tags", "citations_made", "citations_received", "keypoints",
                       "paper_keywords", "links", "sources", "notes"):  # fmt: skip
            data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
        page = client.post(f"{CHANGELIST}add/", data, follow=True).content.decode()
        new = Paper.objects.get(title="Scaling laws for neural language model")
        assert "This paper looks like" in page
        assert (
            f'<a href="{CHANGELIST}{first.pk}/change/">#{first.pk} Scaling Laws for Neural Language Models</a>' in page
        )
        assert f"/admin/bibliography/paper/merge/?ids={first.pk},{new.pk}" in page
        assert page.count("merge…</a>") == 1  # the 2023 paper is not proposed
        pair = DuplicateCandidate.objects.get()
        assert (pair.paper_a, pair.paper_b, pair.status) == (first, new, "open")

        pair.status = "dismissed"
        pair.save()
        again = client.post(f"{CHANGELIST}{new.pk}/change/", _change_form_data(new) | {"issued": "2020"}, follow=True)
        assert "This paper looks like" not in again.content.decode()  # a curator said they differ

    def test_an_import_queues_the_lookalikes_of_its_new_papers(self, tmp_path):
        from tests.test_importers import ABSTRACT, HEADER, write

        make_paper(title="Scaling Laws for Neural Language Models")
        listing = write(tmp_path, HEADER + f"Scaling Laws for Neural Language Model\n\n{ABSTRACT}\n")
        out = io.StringIO()
        call_command("import_dumps", str(listing), "--no-progress", stdout=out)
        assert "1 possible duplicates of the new papers found" in out.getvalue()
        assert DuplicateCandidate.objects.get().reason == "title"

    def test_a_bulk_import_leaves_its_duplicates_to_a_later_run_and_says_so(self, tmp_path, monkeypatch):
        from bibliography.management.commands import import_dumps
        from tests.test_importers import ABSTRACT, HEADER, write

        monkeypatch.setattr(import_dumps, "DUPLICATES_AT_MOST", 1)
        newest = make_paper(title="Scaling Laws for Neural Language Models").pk
        other = "\nAnother paper entirely\n\nIts own abstract, which is long enough to be read.\n"
        listing = write(tmp_path, HEADER + f"Scaling Laws for Neural Language Model\n\n{ABSTRACT}\n{other}")
        out = io.StringIO()
        call_command("import_dumps", str(listing), "--no-progress", stdout=out)
        assert f"run `manage.py find_duplicates --since-id {newest}`" in out.getvalue()
        assert not DuplicateCandidate.objects.exists()
        call_command("find_duplicates", "--since-id", str(newest), stdout=io.StringIO())
        assert DuplicateCandidate.objects.get().reason == "title"


class TestNotes:
    """Notes on a paper: written on its page, signed and dated, in its history, found by the search
    of the admin and of the API."""

    def test_a_note_is_signed_searchable_and_in_the_history(self, client, curator):
        from rest_framework.test import APIClient

        from bibliography.models import Note

        paper = make_paper(title="Grokking", abstract="Generalization beyond overfitting.")
        make_paper(title="Other paper")
        data = _change_form_data(paper) | {"notes-TOTAL_FORMS": 1, "notes-INITIAL_FORMS": 0}
        data |= {"notes-0-text": "Check the weight decay ablation <b>before</b> citing."}
        assert client.post(f"{CHANGELIST}{paper.pk}/change/", data).status_code == 302
        note = Note.objects.get()
        assert (note.paper, note.created_by) == (paper, curator)

        assert titles(client.get(CHANGELIST, {"q": "ablation"})) == ["Grokking"]
        api = APIClient()
        assert [p["title"] for p in api.get("/api/papers/", {"search": "ablation"}).json()["results"]] == ["Grokking"]
        listed = api.get("/api/notes/", {"paper": paper.pk}).json()["results"]
        assert [(n["text"], n["created_by"]) for n in listed] == [(note.text, "cur")]
        page = client.get(f"{CHANGELIST}{paper.pk}/change/").content.decode()
        assert "&lt;b&gt;before&lt;/b&gt;" in page
        history = client.get(f"{CHANGELIST}{paper.pk}/history/").context["timeline"]
        assert any(
            line.startswith("note “Check the weight decay") and line.endswith("added") for line in history[0].what
        )

    def test_the_api_signs_a_note_with_its_writer_and_refuses_a_blank_one(self, client, curator):
        from rest_framework.test import APIClient

        from bibliography.models import Note

        paper = make_paper(title="Noted")
        api = APIClient()
        api.force_authenticate(curator)
        assert api.post("/api/notes/", {"paper": paper.pk, "text": "  "}, format="json").status_code == 400
        made = api.post("/api/notes/", {"paper": paper.pk, "text": "Read section 4"}, format="json")
        assert made.status_code == 201 and made.json()["created_by"] == "cur"
        assert Note.objects.get().created_by == curator
        assert APIClient().post("/api/notes/", {"paper": paper.pk, "text": "anonymous"}, format="json").status_code in (
            401, 403,
        )  # fmt: skip


def _form_controls(page: str) -> list[tuple]:
    """Every control a browser would submit or show, as (tag, name, value, state): what a form
    renderer must keep, whatever whitespace it writes."""
    from html.parser import HTMLParser

    controls = []

    class Controls(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag in ("input", "select", "textarea", "option") and attrs.get("name") != "csrfmiddlewaretoken":
                state = tuple(sorted(k for k in ("checked", "selected", "required", "disabled") if k in attrs))
                controls.append((tag, attrs.get("name"), attrs.get("value"), attrs.get("class"), state))

    Controls().feed(page)
    return controls


def test_widgets_rendered_by_jinja2_are_the_widgets_django_renders(client, curator, settings):
    from bibliography.models import KeyPoint, PaperConcept

    paper = make_paper(title="A talk", kind="talk", item_type="speech")
    make_authorship(paper, make_author("Ada Lovelace"))
    concept = make_concept()
    KeyPoint.objects.create(paper=paper, number=1, text="First & <b>only</b> point").concepts.set([concept])
    PaperConcept.objects.create(paper=paper, concept=concept, status="suggested", score=0.5)
    url = f"{CHANGELIST}{paper.pk}/change/"
    assert settings.FORM_RENDERER == "config.form_renderer.JinjaWidgets"
    fast = client.get(url).content.decode()
    settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
    slow = client.get(url).content.decode()
    assert _form_controls(fast) == _form_controls(slow)
    assert len(_form_controls(fast)) > 60
    assert "First &amp; &lt;b&gt;only&lt;/b&gt; point</textarea>" in fast  # escaped, as Django escapes it
    assert fast.count("related-widget-wrapper") == slow.count("related-widget-wrapper") > 0
