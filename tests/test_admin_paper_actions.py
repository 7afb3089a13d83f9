"""Actions on the papers and citations selected in the admin's lists: tagging with a concept and
removing one, accepting suggested tags, marking reviewed, downloading, deciding citations."""

import pytest

from bibliography.models import Citation, Concept, Paper, PaperConcept
from tests.admin_pages import CHANGELIST
from tests.factories import make_concept, make_paper

pytestmark = pytest.mark.django_db


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
    assert b"1 untitled paper still needs a title first" in response.content
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
