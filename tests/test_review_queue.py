"""The review queues: a paper with what was suggested for it and why, each suggestion decided in one
request, bulk decisions bound to a page that lists them, pages that cost the same however long the queue."""

import json
import re

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bibliography.models import Citation, DuplicateCandidate, Paper, PaperConcept
from bibliography.suggesting import tags_suggest
from tests.admin_pages import CHANGELIST, _change_form_data
from tests.factories import make_author, make_authorship, make_concept, make_paper

pytestmark = pytest.mark.django_db

TAGS, CITATIONS, DUPLICATES = "/admin/review/tags/", "/admin/review/citations/", "/admin/review/duplicates/"
DECIDE, CONFIRM = "/admin/review/decide/", "/admin/review/confirm/"


@pytest.fixture
def curator(client):
    user = User.objects.create_user("queue-curator", is_staff=True)
    user.groups.add(Group.objects.get(name="curator"))
    client.force_login(user)
    return user


def suggested(paper, concept, score=0.5, **fields):
    return PaperConcept.objects.create(paper=paper, concept=concept, score=score, source="automatic", **fields)


def decide(client, kind, row_id, decision, *, json_answer=False, **extra):
    data = {"kind": kind, "id": row_id, "decision": decision, "next": TAGS, **extra}
    headers = {"HTTP_ACCEPT": "application/json"} if json_answer else {}
    return client.post(DECIDE, data, **headers)


def test_a_paper_shows_its_authors_its_text_and_why_each_concept_was_suggested(client, curator):
    paper = make_paper(
        title="Denoising diffusion models for images",
        abstract="We train <img src=x onerror=alert(1)> denoising diffusion models on images and sample them.",
        year=2020,
    )
    for position, name in enumerate(["Jonathan Ho", "Ajay Jain", "Pieter Abbeel", "Someone Else"], start=1):
        make_authorship(paper, make_author(name), position)
    category = make_concept("diffusion models", kind="category")
    topic = make_concept("Language models learn concepts sequentially", kind="topic")
    tags_suggest(paper_ids=[paper.pk], concept_slugs=[category.slug, topic.slug])
    assert PaperConcept.objects.filter(paper=paper, status="suggested").count() == 1  # the topic's words are absent

    page = client.get(TAGS).content.decode()

    assert "Denoising diffusion models for images" in page and "Jonathan Ho, Ajay Jain, Pieter Abbeel et al." in page
    assert "<mark>diffusion</mark> <mark>models</mark>" in page  # the excerpt shows where the concept's words are
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page
    assert "diffusion models</a>" in page and '<span class="kind">Category</span>' in page
    assert "Its title or abstract holds every word of “diffusion models” (cover density" in page
    assert page.count('value="accept" class="accept"') == 1 and page.count('value="reject" class="reject"') == 1


def test_one_request_decides_one_tag_and_names_who_decided(client, curator):
    paper, concept = make_paper(title="Queued"), make_concept()
    tag = suggested(paper, concept)

    response = decide(client, "tag", tag.pk, "accept", anchor=f"paper-{paper.pk}")
    assert response.status_code == 302 and response["Location"] == f"{TAGS}#paper-{paper.pk}"
    tag.refresh_from_db()
    assert tag.status == "accepted" and tag.history.latest().history_user == curator

    answer = decide(client, "tag", tag.pk, "undo", json_answer=True)
    assert json.loads(answer.content) == {
        "kind": "tag",
        "id": tag.pk,
        "status": "suggested",
        "label": "Suggested",
        "undoable": True,
    }
    answer = decide(client, "tag", tag.pk, "reject", json_answer=True)
    assert json.loads(answer.content)["status"] == "rejected"
    assert paper.pk not in [p.pk for p in _queue(client)]


def test_ten_suggestions_are_ten_requests(client, curator):
    concepts = [make_concept(), make_concept()]
    tags = [suggested(make_paper(), concept) for _ in range(5) for concept in concepts]
    page = client.get(TAGS).content.decode()
    assert page.count('value="accept" class="accept"') == 10
    for i, tag in enumerate(tags):
        assert decide(client, "tag", tag.pk, "accept" if i % 3 else "reject", json_answer=True).status_code == 200
    assert not PaperConcept.objects.filter(status="suggested").exists()
    assert PaperConcept.objects.filter(status="rejected").count() == 4


def _queue(client, **params):
    return client.get(TAGS, params).context["page"].items


def test_a_page_asks_the_same_queries_whatever_its_papers_bring(client, curator):
    concept = make_concept()

    def queue_with(papers: int, authors: int) -> int:
        PaperConcept.objects.all().delete()
        for _ in range(papers):
            paper = make_paper()
            for position in range(1, authors + 1):
                make_authorship(paper, position=position)
            suggested(paper, concept), suggested(paper, make_concept())
        with CaptureQueriesContext(connection) as queries:
            assert client.get(TAGS).status_code == 200
        return len(queries)

    assert queue_with(2, 1) == queue_with(10, 6)


def test_pages_follow_each_other_by_key_and_a_concept_narrows_them(client, curator):
    concept, other = make_concept("scaling laws"), make_concept()
    papers = [make_paper() for _ in range(12)]
    for paper in papers:
        suggested(paper, concept)
    suggested(papers[0], other)

    first = client.get(TAGS)
    assert [p.pk for p in first.context["page"].items] == [p.pk for p in papers[:10]]
    assert f"after={papers[9].pk}" in first.content.decode()
    second = _queue(client, after=papers[9].pk)
    assert [p.pk for p in second] == [p.pk for p in papers[10:]]
    narrowed = client.get(TAGS, {"concept": other.pk})
    assert [p.pk for p in narrowed.context["page"].items] == [papers[0].pk]
    assert [t.concept_id for t in narrowed.context["page"].items[0].suggestions] == [other.pk]
    assert len(_queue(client, after="not a key", concept="³")) == 10  # a stray parameter is the first page


def test_bulk_decisions_apply_to_what_the_confirmation_listed_and_nothing_else(client, curator):
    concept = make_concept("graph neural networks")
    a, b, c = (suggested(make_paper(title=f"Paper {name}"), concept) for name in "ABC")
    page = client.get(CONFIRM, {"kind": "tag", "decision": "accept", "ids": f"{a.pk},{b.pk}", "next": TAGS})
    listing = page.content.decode()
    assert "These 2 suggested tags will be accepted" in listing and "Paper A" in listing and "Paper C" not in listing
    PaperConcept.objects.filter(pk=b.pk).update(status="rejected")  # another curator, meanwhile

    response = client.post(
        CONFIRM, {"kind": "tag", "decision": "accept", "ids": f"{a.pk},{b.pk}", "next": TAGS, "confirm": "1"}
    )

    assert response.status_code == 302 and response["Location"] == TAGS
    statuses = dict(PaperConcept.objects.values_list("pk", "status"))
    assert statuses == {a.pk: "accepted", b.pk: "rejected", c.pk: "suggested"}


def test_the_paper_lists_accept_action_shows_the_tags_before_accepting(client, curator):
    paper, concept = make_paper(title="Listed"), make_concept("transformers")
    tag = suggested(paper, concept)
    response = client.post(CHANGELIST, {"action": "accept_suggested_tags", "_selected_action": [paper.pk]})
    assert response.status_code == 302 and response["Location"].startswith(f"{CONFIRM}?kind=tag&decision=accept")
    tag.refresh_from_db()
    assert tag.status == "suggested"
    listing = client.get(response["Location"]).content.decode()
    assert "Listed" in listing and "transformers" in listing


def test_suggested_citations_show_the_sentence_they_were_found_in(client, curator):
    citing, cited = make_paper(title="Citing work"), make_paper(title="Attention Is All You Need")
    citation = Citation.objects.create(
        citing=citing, cited=cited, source="automatic", context="We build on the <b>Transformer</b> of Vaswani."
    )
    page = client.get(CITATIONS).content.decode()
    assert "Citing work" in page and "Attention Is All You Need" in page
    assert "We build on the &lt;b&gt;Transformer&lt;/b&gt; of Vaswani." in page

    assert decide(client, "citation", citation.pk, "accept", json_answer=True).status_code == 200
    cited.refresh_from_db()
    assert cited.cited_by_count == 1 and Citation.objects.get().created_by is None  # found, not made by hand


def test_duplicate_candidates_are_compared_side_by_side_and_dismissed_in_one_request(client, curator):
    a, b = make_paper(title="Scaling Laws for Neural Language Models"), make_paper(title="Scaling laws for NLMs")
    candidate = DuplicateCandidate.objects.create(paper_a=a, paper_b=b, reason="title", similarity=0.8)
    page = client.get(DUPLICATES).content.decode()
    assert "Scaling Laws for Neural Language Models" in page and "Scaling laws for NLMs" in page
    assert f"/admin/bibliography/paper/merge/?ids={a.pk},{b.pk}" in page

    assert decide(client, "duplicate", candidate.pk, "dismiss").status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == "dismissed" and candidate.decided_by == curator
    assert not client.get(DUPLICATES).context["page"].items


def test_a_viewer_reads_the_queues_and_decides_nothing(client):
    viewer = User.objects.create_user("queue-viewer", is_staff=True)
    viewer.groups.add(Group.objects.get(name="viewer"))
    client.force_login(viewer)
    tag = suggested(make_paper(), make_concept())
    page = client.get(TAGS)
    assert page.status_code == 200 and 'value="accept"' not in page.content.decode()
    assert decide(client, "tag", tag.pk, "accept").status_code == 403
    assert client.get(CONFIRM, {"kind": "tag", "decision": "accept", "ids": tag.pk}).status_code == 403
    tag.refresh_from_db()
    assert tag.status == "suggested"


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"kind": "paper", "id": 1, "decision": "accept"}, 400),
        ({"kind": "tag", "id": "x", "decision": "accept"}, 400),
        ({"kind": "tag", "id": 1, "decision": "delete"}, 400),
        ({"kind": "duplicate", "id": 1, "decision": "accept"}, 400),
        ({"kind": "tag", "id": 987654, "decision": "accept"}, 404),
    ],
)
def test_a_decision_that_means_nothing_is_refused_in_words(client, curator, data, status):
    assert client.post(DECIDE, data).status_code == status


def test_going_back_never_leaves_the_site(client, curator):
    tag = suggested(make_paper(), make_concept())
    response = decide(client, "tag", tag.pk, "accept", next="https://elsewhere.example/", anchor="x><script>")
    assert response["Location"] == TAGS


def test_a_tag_or_reference_added_by_hand_is_accepted_and_attributed(client, curator):
    paper, concept, cited = make_paper(title="Hand-tagged"), make_concept(), make_paper(title="Cited by hand")
    form = client.get(f"{CHANGELIST}{paper.pk}/change/").content.decode()
    for prefix in ("tags", "citations_made"):
        empty_status = form.split(f'name="{prefix}-__prefix__-status"')[1].split("</select>")[0]
        assert '<option value="accepted" selected>' in empty_status, prefix
    data = _change_form_data(paper) | {
        "tags-TOTAL_FORMS": 1, "tags-INITIAL_FORMS": 0, "tags-0-concept": concept.pk,
        "tags-0-source": "manual", "tags-0-status": "accepted",
        "citations_made-TOTAL_FORMS": 1, "citations_made-INITIAL_FORMS": 0, "citations_made-0-cited": cited.pk,
        "citations_made-0-source": "manual", "citations_made-0-status": "accepted",
    }  # fmt: skip
    assert client.post(f"{CHANGELIST}{paper.pk}/change/", data).status_code == 302
    tag, citation = PaperConcept.objects.get(), Citation.objects.get()
    assert (tag.status, tag.created_by, citation.status, citation.created_by) == ("accepted", curator) * 2
    assert Paper.objects.get(pk=cited.pk).cited_by_count == 1


@pytest.mark.parametrize(
    "queue, job",
    [
        (TAGS, "suggest_tags"),
        (CITATIONS, None),
        ("/admin/review/proposals/", "enrich"),
        (DUPLICATES, "find_duplicates"),
    ],
)
def test_an_empty_queue_says_where_its_items_come_from_and_starts_the_job_that_fills_it(client, curator, queue, job):
    page = client.get(queue)
    empty = re.search(r'<p class="review-empty">(.*?)</p>', page.content.decode(), re.DOTALL)
    assert page.status_code == 200 and empty, queue
    assert "manage.py" not in empty[1]
    if job:  # a job the curator starts here, and follows on its page
        assert f'href="/admin/bibliography/job/add/?kind={job}"' in empty[1]
        form = client.get(f"/admin/bibliography/job/add/?kind={job}").context["adminform"].form
        assert form.initial["kind"] == job
    else:
        assert "whoever runs the imports" in empty[1]
