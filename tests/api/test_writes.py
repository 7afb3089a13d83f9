"""Writing through the API: who may, what is validated, and that no update is silently lost."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command

from bibliography.models import Citation, Concept, Paper, PaperAlias, PaperConcept
from tests.factories import make_author, make_concept, make_paper

pytestmark = pytest.mark.django_db


def write_requests():
    """Every write endpoint, as (name, method, url, body) built from fresh objects."""
    paper, other, concept = make_paper(), make_paper(), make_concept(slug="perm-concept")
    tag = PaperConcept.objects.create(paper=paper, concept=make_concept(), status="suggested")
    citation = Citation.objects.create(citing=paper, cited=other, status="suggested")
    author = make_author()
    duplicate, doomed = make_paper(), make_paper()
    return [
        ("create paper", "post", "/api/papers/", {"title": "New paper"}),
        ("update paper", "patch", f"/api/papers/{paper.pk}/", {"title": "Renamed"}),
        ("delete paper", "delete", f"/api/papers/{doomed.pk}/", None),
        ("tag paper", "post", f"/api/papers/{paper.pk}/concepts/", {"concept": "perm-concept"}),
        ("accept tag", "patch", f"/api/tags/{tag.pk}/", {"status": "accepted"}),
        ("create citation", "post", "/api/citations/", {"citing": other.pk, "cited": paper.pk}),
        ("reject citation", "patch", f"/api/citations/{citation.pk}/", {"status": "rejected"}),
        ("create author", "post", "/api/authors/", {"name": "Grace Hopper"}),
        ("update author", "patch", f"/api/authors/{author.pk}/", {"name": "Grace B. Hopper"}),
        ("create concept", "post", "/api/concepts/", {"name": "Optimisation", "slug": "optimisation"}),
        ("update concept", "patch", f"/api/concepts/{concept.slug}/", {"description": "About it."}),
        ("merge papers", "post", f"/api/papers/{paper.pk}/merge/", {"others": [duplicate.pk]}),
    ]


@pytest.mark.parametrize(
    "who, allowed",
    [("anon", False), ("viewer", False), ("curator", True), ("superuser", True)],
)
def test_permission_matrix(request, who, allowed):
    client = request.getfixturevalue(who)
    for name, method, url, body in write_requests():
        response = getattr(client, method)(url, body, format="json")
        if allowed:
            assert response.status_code in (200, 201, 204), (who, name, response.status_code, response.content)
        else:
            expected = 401 if who == "anon" else 403
            assert response.status_code == expected, (who, name, response.status_code, response.content)


def test_everyone_reads(anon, viewer):
    make_paper()
    for client in (anon, viewer):
        for url in [
            "/api/papers/",
            "/api/authors/",
            "/api/concepts/",
            "/api/tags/",
            "/api/citations/",
            "/api/venues/",
            "/api/keypoints/",
            "/api/import-runs/",
        ]:
            assert client.get(url).status_code == 200, url


def test_create_a_paper_with_ordered_authors(curator):
    first, second = make_author("Ada Lovelace"), make_author("Alan Turing")
    body = {"title": "On Engines", "doi": "https://doi.org/10.1000/ENG", "authors": [second.pk, first.pk]}
    response = curator.post("/api/papers/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert [a["name"] for a in data["authors"]] == ["Alan Turing", "Ada Lovelace"]
    assert data["doi"] == "10.1000/eng"
    assert Paper.objects.get(pk=data["id"]).title_key == "on engines"


def test_validation_errors_name_the_field(curator):
    response = curator.post("/api/papers/", {"title": ""}, format="json")
    assert response.status_code == 400 and "title" in response.json()["detail"]
    response = curator.post("/api/papers/", {"title": "X", "arxiv_id": "not-an-id"}, format="json")
    assert response.status_code == 400 and "arxiv_id" in response.json()["detail"]


def test_constraint_violations_are_409_not_500(curator):
    make_paper(doi="10.1000/taken")
    response = curator.post("/api/papers/", {"title": "Copy", "doi": "10.1000/taken"}, format="json")
    assert response.status_code == 409 and "doi" in response.json()["detail"]
    a, b = make_paper(), make_paper()
    Citation.objects.create(citing=a, cited=b)
    again = curator.post("/api/citations/", {"citing": a.pk, "cited": b.pk}, format="json")
    assert again.status_code == 409 and "citation_unique_pair" in again.json()["detail"]
    self_citation = curator.post("/api/citations/", {"citing": a.pk, "cited": a.pk}, format="json")
    assert self_citation.status_code == 400


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
    assert cycle.status_code == 400 and "would create a cycle" in cycle.json()["detail"]
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


class TestNoLostUpdates:
    def test_etag_and_if_match(self, curator):
        paper = make_paper(title="First")
        etag = curator.get(f"/api/papers/{paper.pk}/")["ETag"]
        ok = curator.patch(f"/api/papers/{paper.pk}/", {"title": "Second"}, format="json", HTTP_IF_MATCH=etag)
        assert ok.status_code == 200 and ok["ETag"] != etag
        stale = curator.patch(f"/api/papers/{paper.pk}/", {"title": "Third"}, format="json", HTTP_IF_MATCH=etag)
        assert stale.status_code == 412
        paper.refresh_from_db()
        assert paper.title == "Second"

    def test_tags_and_concepts_honour_if_match_too(self, curator):
        concept = make_concept(slug="etag-c")
        etag = curator.get("/api/concepts/etag-c/")["ETag"]
        concept.description = "changed elsewhere"
        concept.save()
        stale = curator.patch("/api/concepts/etag-c/", {"name": "X"}, format="json", HTTP_IF_MATCH=etag)
        assert stale.status_code == 412


def test_tokens_are_issued_by_a_management_command(db):
    from django.contrib.auth.models import User

    User.objects.create_user("script")
    out = io.StringIO()
    call_command("drf_create_token", "script", stdout=out)
    assert "Generated token" in out.getvalue()


def test_anonymous_clients_are_throttled(anon, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import AnonRateThrottle

    cache.clear()
    original = AnonRateThrottle.THROTTLE_RATES
    AnonRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "3/minute"}
    try:
        codes = [anon.get("/api/venues/").status_code for _ in range(5)]
    finally:
        AnonRateThrottle.THROTTLE_RATES = original
        cache.clear()
    assert codes == [200, 200, 200, 429, 429]


def test_concept_lookup_by_id_or_slug(anon):
    concept = make_concept(slug="by-slug")
    assert anon.get(f"/api/concepts/{concept.pk}/").json()["slug"] == "by-slug"
    assert anon.get("/api/concepts/by-slug/").json()["id"] == concept.pk
    assert Concept.objects.count() == 1


def test_curators_can_set_a_citation_key_the_database_checks(curator):
    make_paper(title="Holder", citation_key="held2020")
    paper = make_paper(title="Mine")

    assert curator.patch(f"/api/papers/{paper.pk}/", {"citation_key": "mine2021"}, format="json").status_code == 200
    taken = curator.patch(f"/api/papers/{paper.pk}/", {"citation_key": "held2020"}, format="json")
    bad = curator.patch(f"/api/papers/{paper.pk}/", {"citation_key": "has space"}, format="json")
    blank = curator.patch(f"/api/papers/{paper.pk}/", {"citation_key": ""}, format="json")

    assert taken.status_code == 400 and "citation_key" in taken.json()["detail"]
    assert bad.status_code in (400, 409)
    assert blank.status_code == 200
    assert curator.get(f"/api/papers/{paper.pk}/").json()["citation_key"] == "mine2021"
