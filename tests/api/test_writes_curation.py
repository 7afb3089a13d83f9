"""Curation through the API: tags accepted and rejected, citations and their counts, concepts with
their parents and slugs, and papers merged."""

import json
from unittest.mock import ANY

import pytest

from bibliography.models import Concept, Paper, PaperAlias, PaperConcept
from tests.factories import make_concept, make_paper

pytestmark = pytest.mark.django_db


def test_tagging_accepting_and_rejecting(curator):
    paper, concept = make_paper(), make_concept(slug="scaling-x")
    response = curator.post(f"/api/papers/{paper.pk}/concepts/", {"concept": "scaling-x", "score": 0.7}, format="json")
    assert response.status_code == 201, response.content
    tag = PaperConcept.objects.get(paper=paper, concept=concept)
    assert (tag.status, tag.source, tag.score, tag.created_by) == ("accepted", "manual", 0.7, curator.user)
    rejected = curator.patch(f"/api/tags/{tag.pk}/", {"status": "rejected"}, format="json")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert tag.history.first().history_user == curator.user
    unknown = curator.post(f"/api/papers/{paper.pk}/concepts/", {"concept": "nope"}, format="json")
    assert unknown.status_code == 400


def test_accepting_a_citation_updates_cited_by_count(curator, anon):
    a, b = make_paper(), make_paper()
    created = curator.post("/api/citations/", {"citing": a.pk, "cited": b.pk, "status": "suggested"}, format="json")
    citation_id = created.json()["id"]
    curator.patch(f"/api/citations/{citation_id}/", {"status": "accepted", "intent": "uses"}, format="json")
    assert anon.get(f"/api/papers/{b.pk}/").json()["cited_by_count"] == 1
    curator.delete(f"/api/citations/{citation_id}/")
    assert anon.get(f"/api/papers/{b.pk}/").json()["cited_by_count"] == 0


def test_concept_parents_and_cycles(curator):
    top = make_concept(name="Top", slug="top")
    child = curator.post("/api/concepts/", {"name": "Child", "slug": "child", "parents": ["top"]}, format="json")
    assert child.status_code == 201 and child.json()["parents"] == ["top"]
    cycle = curator.patch("/api/concepts/top/", {"parents": ["child"]}, format="json")
    assert cycle.status_code == 409 and "would create a cycle" in cycle.json()["detail"]
    assert cycle.json()["errors"] == {"parents": [ANY]}
    itself = curator.patch("/api/concepts/top/", {"parents": ["top"]}, format="json")
    assert itself.status_code == 409 and itself.json()["errors"] == {"parents": ["A concept cannot be its own parent."]}
    assert not top.parents.exists()
    counts = curator.get("/api/concepts/top/").json()
    assert counts["children"] == ["child"] and counts["paper_count_with_descendants"] == 0


def test_merge_through_the_api_uses_the_admins_merge(curator, anon):
    keep, gone = make_paper(title="Kept"), make_paper(title="Gone", doi="10.1000/gone")
    response = curator.post(f"/api/papers/{keep.pk}/merge/", {"others": [gone.pk]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["doi"] == "10.1000/gone"
    assert PaperAlias.objects.get(old_id=gone.pk).paper == keep
    assert anon.get(f"/api/papers/{gone.pk}/").status_code == 301
    missing = curator.post(f"/api/papers/{keep.pk}/merge/", {"others": [987654]}, format="json")
    assert missing.status_code == 400


def test_a_merge_through_the_api_keeps_the_values_it_names(curator):
    keep, gone = make_paper(title="Short title", year=2019), make_paper(title="The Full Title", year=2020)
    for keep_what, field in [({"titel": gone.pk}, "titel"), ({"title": 987654}, "987654")]:
        refused = curator.post(f"/api/papers/{keep.pk}/merge/", {"others": [gone.pk], "keep": keep_what}, format="json")
        assert refused.status_code == 400 and field in json.dumps(refused.json()), refused.json()
    assert Paper.objects.filter(pk=gone.pk).exists()

    body = {"others": [gone.pk], "keep": {"title": gone.pk, "date": keep.pk}}
    merged = curator.post(f"/api/papers/{keep.pk}/merge/", body, format="json").json()
    assert (merged["id"], merged["title"], merged["issued"]) == (keep.pk, "The Full Title", {"date-parts": [[2019]]})


def test_concept_lookup_by_slug_or_prefixed_id(anon):
    concept = make_concept(slug="by-slug")
    assert anon.get(f"/api/concepts/id:{concept.pk}/").json()["slug"] == "by-slug"
    assert anon.get("/api/concepts/by-slug/").json()["id"] == concept.pk
    assert Concept.objects.count() == 1


def test_a_slug_that_is_another_concepts_id_names_one_concept_everywhere(anon, curator):
    first = make_concept(name="First", slug="first")
    numbered = make_concept(name="Numbered", slug=str(first.pk))
    paper = make_paper(title="Tagged")
    assert anon.get(f"/api/concepts/{first.pk}/").json()["id"] == numbered.pk
    assert anon.get(f"/api/concepts/id:{first.pk}/").json()["id"] == first.pk
    tagged = curator.post(f"/api/papers/{paper.pk}/concepts/", {"concept": str(first.pk)}, format="json")
    assert tagged.status_code == 201, tagged.content
    assert list(paper.tags.values_list("concept_id", flat=True)) == [numbered.pk]
    assert [t["paper"] for t in anon.get("/api/tags/", {"concept": f"id:{numbered.pk}"}).json()["results"]] == [
        paper.pk
    ]
    by_filter = anon.get("/api/papers/", {"concept": f"id:{numbered.pk}"}).json()["results"]
    assert [p["id"] for p in by_filter] == [paper.pk]
