"""Writing through the API: who may, what is validated, and that no update is silently lost."""

import io
import json
from unittest.mock import ANY

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from api.representation import LISTED_AUTHORS
from bibliography.citation_keys import keys_assign
from bibliography.models import (
    Author,
    Authorship,
    Citation,
    Concept,
    KeyPoint,
    Note,
    Paper,
    PaperAlias,
    PaperConcept,
    Proposal,
)
from tests.factories import make_author, make_concept, make_paper, make_venue

pytestmark = pytest.mark.django_db


def write_requests():
    """Every write operation of the API, as (name, method, path template, url, body) on fresh objects."""
    paper, other, concept = make_paper(), make_paper(), make_concept(slug="perm-concept")
    tag = PaperConcept.objects.create(paper=paper, concept=make_concept(), status="suggested")
    doomed_tag = PaperConcept.objects.create(paper=other, concept=make_concept(), status="suggested")
    citation = Citation.objects.create(citing=paper, cited=other, status="suggested")
    doomed_citation = Citation.objects.create(citing=other, cited=paper, status="suggested")
    author, venue = make_author(), make_venue()
    point = KeyPoint.objects.create(paper=paper, number=1, text="First")
    doomed_point = KeyPoint.objects.create(paper=paper, number=2, text="Second")
    doomed_concept = make_concept()
    note = Note.objects.create(paper=paper, text="Check the proofs")
    doomed_note = Note.objects.create(paper=paper, text="Outdated")
    proposal = Proposal.objects.create(paper=paper, field="volume", value="12", value_digest="x", source="OpenAlex")
    duplicate, doomed, third = make_paper(), make_paper(), make_paper()
    P, ID = "/api/papers/", "{id}/"  # noqa: N806
    return [
        ("create paper", "post", P, P, {"title": "New paper"}),
        ("replace paper", "put", P + ID, f"{P}{paper.pk}/", {"title": "Replaced", "kind": "article"}),
        ("update paper", "patch", P + ID, f"{P}{paper.pk}/", {"title": "Renamed"}),
        ("delete paper", "delete", P + ID, f"{P}{doomed.pk}/", None),
        ("tag paper", "post", P + ID + "concepts/", f"{P}{paper.pk}/concepts/", {"concept": "perm-concept"}),
        ("merge papers", "post", P + ID + "merge/", f"{P}{paper.pk}/merge/", {"others": [duplicate.pk]}),
        ("create tag", "post", "/api/tags/", "/api/tags/", {"paper": other.pk, "concept": "perm-concept"}),
        ("replace tag", "put", "/api/tags/{id}/", f"/api/tags/{tag.pk}/",
         {"paper": paper.pk, "concept": tag.concept.slug, "status": "rejected", "source": "manual"}),
        ("accept tag", "patch", "/api/tags/{id}/", f"/api/tags/{tag.pk}/", {"status": "accepted"}),
        ("delete tag", "delete", "/api/tags/{id}/", f"/api/tags/{doomed_tag.pk}/", None),
        ("create citation", "post", "/api/citations/", "/api/citations/", {"citing": third.pk, "cited": paper.pk}),
        ("replace citation", "put", "/api/citations/{id}/", f"/api/citations/{citation.pk}/",
         {"citing": paper.pk, "cited": other.pk, "status": "accepted"}),
        ("reject citation", "patch", "/api/citations/{id}/", f"/api/citations/{citation.pk}/", {"status": "rejected"}),
        ("delete citation", "delete", "/api/citations/{id}/", f"/api/citations/{doomed_citation.pk}/", None),
        ("create author", "post", "/api/authors/", "/api/authors/", {"name": "Grace Hopper"}),
        ("replace author", "put", "/api/authors/{id}/", f"/api/authors/{author.pk}/", {"name": "Grace Hopper"}),
        ("update author", "patch", "/api/authors/{id}/", f"/api/authors/{author.pk}/", {"name": "Grace B. Hopper"}),
        ("create venue", "post", "/api/venues/", "/api/venues/", {"name": "ICML", "kind": "conference"}),
        ("replace venue", "put", "/api/venues/{id}/", f"/api/venues/{venue.pk}/",
         {"name": "ICLR", "kind": "conference"}),
        ("update venue", "patch", "/api/venues/{id}/", f"/api/venues/{venue.pk}/", {"short_name": "V"}),
        ("create concept", "post", "/api/concepts/", "/api/concepts/",
         {"name": "Optimisation", "slug": "optimisation"}),
        ("replace concept", "put", "/api/concepts/{id}/", f"/api/concepts/{concept.slug}/",
         {"name": "Perm", "slug": "perm-concept", "kind": "topic"}),
        ("update concept", "patch", "/api/concepts/{id}/", f"/api/concepts/{concept.slug}/", {"description": "About."}),
        ("delete concept", "delete", "/api/concepts/{id}/", f"/api/concepts/{doomed_concept.slug}/", None),
        ("create key point", "post", "/api/keypoints/", "/api/keypoints/",
         {"paper": other.pk, "number": 1, "text": "A"}),
        ("replace key point", "put", "/api/keypoints/{id}/", f"/api/keypoints/{point.pk}/",
         {"paper": paper.pk, "number": 1, "text": "Changed"}),
        ("update key point", "patch", "/api/keypoints/{id}/", f"/api/keypoints/{point.pk}/", {"text": "Edited"}),
        ("delete key point", "delete", "/api/keypoints/{id}/", f"/api/keypoints/{doomed_point.pk}/", None),
        ("create note", "post", "/api/notes/", "/api/notes/", {"paper": other.pk, "text": "Read section 4"}),
        ("replace note", "put", "/api/notes/{id}/", f"/api/notes/{note.pk}/", {"paper": paper.pk, "text": "Checked"}),
        ("update note", "patch", "/api/notes/{id}/", f"/api/notes/{note.pk}/", {"text": "Proofs checked"}),
        ("delete note", "delete", "/api/notes/{id}/", f"/api/notes/{doomed_note.pk}/", None),
        ("reject proposal", "patch", "/api/proposals/{id}/", f"/api/proposals/{proposal.pk}/", {"status": "rejected"}),
    ]  # fmt: skip


# Writes by POST that only read: anyone may call them.
READS_BY_POST = {("post", "/api/papers/batch/")}


@pytest.mark.parametrize(
    "who, allowed",
    [("anon", False), ("viewer", False), ("curator", True), ("superuser", True)],
)
def test_permission_matrix(request, who, allowed):
    client = request.getfixturevalue(who)
    for name, method, _, url, body in write_requests():
        before = _state()
        response = getattr(client, method)(url, body, format="json")
        if allowed:
            assert response.status_code in (200, 201, 204), (who, name, response.status_code, response.content)
            assert _state() != before, (who, name, "answered success but changed nothing")
        else:
            expected = 401 if who == "anon" else 403
            assert response.status_code == expected, (who, name, response.status_code, response.content)
            assert _state() == before, (who, name, "refused but changed something")


def _state() -> str:
    """A digest of every row the API can write."""
    with connection.cursor() as cursor:
        parts = []
        tables = [
            "paper",
            "paperconcept",
            "citation",
            "author",
            "venue",
            "concept",
            "keypoint",
            "authorship",
            "note",
            "proposal",
        ]
        for table in tables:
            cursor.execute(
                f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM bibliography_{table} t"
            )
            parts.append(cursor.fetchone()[0])
    return "".join(parts)


def test_the_matrix_covers_every_write_operation_of_the_schema(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if method in ("post", "put", "patch", "delete")
    }
    covered = {(method, template) for _, method, template, _, _ in write_requests()}
    assert operations - READS_BY_POST == covered


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


def test_a_papers_people_are_written_with_roles_names_and_credits(curator):
    ada = make_author("Ada Lovelace")
    body = {
        "title": "Sketch of the Analytical Engine",
        "authors": [
            {"name": "Luigi Menabrea"},
            {"id": ada.pk, "role": "translator", "credited_as": "A. A. L."},
            {"name": "  Charles   Babbage ", "role": "editor"},
        ],
    }
    response = curator.post("/api/papers/", body, format="json")
    assert response.status_code == 201, response.content
    assert [(a["name"], a["role"], a["credited_as"]) for a in response.json()["authors"]] == [
        ("Luigi Menabrea", "author", None),
        ("Ada Lovelace", "translator", "A. A. L."),
        ("Charles Babbage", "editor", None),
    ]
    paper = Paper.objects.get(pk=response.json()["id"])
    again = curator.post("/api/papers/", {"title": "Notes", "authors": [{"name": "charles babbage"}]}, format="json")
    assert [a["id"] for a in again.json()["authors"]] == [paper.authorships.get(position=3).author_id]  # the same
    bibtex = curator.get(f"/api/papers/{paper.pk}/?format=bibtex").content.decode()
    assert "translator = {L., A. A.}" in bibtex and "editor = {Babbage, Charles}" in bibtex


@pytest.mark.parametrize(
    "authors, message",
    [
        ([{"id": 999999}], "authors[0]: no author with id 999999"),
        ([{"name": "Y"}, {"name": "X", "role": "ghost"}], "authors[1]: role must be one of"),
        ([{"name": ""}], "authors[0]: a name is text"),
        ([{"role": "editor"}], "authors[0]: give an author's id or a name"),
        ([{"name": "X", "position": 2}], "authors[0]: position is read-only"),
        ([{"name": "X", "affiliation": "Y"}], "authors[0]: unknown field 'affiliation'"),
        ("Ada", "a list of author ids"),
        ([{"id": {"nested": 1}}], "authors[0]: no author with id"),
        (["12"], "authors[0]: no author with id 12"),
        ([{"name": "Ada"}, {"name": "ada"}], "an author appears twice"),
    ],
)
def test_bad_people_are_400s_that_say_which(curator, authors, message):
    response = curator.post("/api/papers/", {"title": "T", "authors": authors}, format="json")
    assert response.status_code == 400, response.content
    assert message in response.json()["detail"]
    assert not Paper.objects.filter(title="T").exists()


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

    @pytest.mark.parametrize("path", ["/api/papers/{paper}/", "/api/concepts/{concept}/"])
    def test_the_etag_is_the_whole_records_and_if_none_match_gives_304(self, curator, path):
        paper, concept = make_paper(title="First"), make_concept(slug="etag-whole")
        url = path.format(paper=paper.pk, concept=concept.slug)
        whole = curator.get(url)["ETag"]
        partial = curator.get(url, {"fields": "id"})
        assert partial.json().keys() == {"id"} and partial["ETag"] == whole
        assert curator.get(url, HTTP_IF_NONE_MATCH=whole).status_code == 304
        assert curator.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200
        ok = curator.patch(url, {"name" if "concepts" in url else "title": "Next"}, format="json", HTTP_IF_MATCH=whole)
        assert ok.status_code == 200, ok.content

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


def test_curators_can_set_a_citation_key_the_database_checks(curator):
    make_paper(title="Holder", citation_key="held2020")
    paper = make_paper(title="Mine")

    assert curator.patch(f"/api/papers/{paper.pk}/", {"citation_key": "mine2021"}, format="json").status_code == 200
    taken = curator.patch(f"/api/papers/{paper.pk}/", {"citation_key": "held2020"}, format="json")
    bad = curator.patch(f"/api/papers/{paper.pk}/", {"citation_key": "has space"}, format="json")
    blank = curator.patch(f"/api/papers/{paper.pk}/", {"citation_key": ""}, format="json")

    assert taken.status_code == 409 and "citation_key" in taken.json()["detail"]  # another paper holds it
    assert bad.status_code == 400 and "citation_key" in bad.json()["errors"]
    assert blank.status_code == 200
    assert curator.get(f"/api/papers/{paper.pk}/").json()["citation_key"] == "mine2021"


def test_a_tag_score_outside_0_to_1_is_a_400_on_the_field(curator):
    paper, concept = make_paper(), make_concept(slug="scored")
    response = curator.post(f"/api/papers/{paper.pk}/concepts/", {"concept": "scored", "score": 1.5}, format="json")
    assert response.status_code == 400 and "score" in response.json()["detail"]
    response = curator.post("/api/tags/", {"paper": paper.pk, "concept": concept.slug, "score": -0.1}, format="json")
    assert response.status_code == 400 and "score" in response.json()["detail"]


def test_a_doi_or_arxiv_id_another_paper_has_is_a_409_naming_that_paper(curator):
    holder = make_paper(title="The Holder", doi="10.1000/held", arxiv_id="2401.01234")
    for body in (
        {"title": "Copy", "doi": "https://doi.org/10.1000/HELD"},
        {"title": "Copy", "arxiv_id": "2401.01234v3"},
    ):
        response = curator.post("/api/papers/", body, format="json")
        assert response.status_code == 409, response.content
        assert f"paper {holder.pk}" in response.json()["detail"] and "The Holder" in response.json()["detail"]
    same = curator.patch(f"/api/papers/{holder.pk}/", {"doi": "10.1000/held"}, format="json")
    assert same.status_code == 200  # its own DOI is not another's


def test_reading_writes_nothing_and_papers_get_their_key_when_made(anon, curator):
    unkeyed = make_paper(title="Made in a shell")  # no creation path gave it a key
    with CaptureQueriesContext(connection) as queries:
        listing = anon.get("/api/papers/?format=bibtex").content.decode()
        single = anon.get(f"/api/papers/{unkeyed.pk}/?format=csljson").json()
    assert not [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert f"@misc{{paper{unkeyed.pk}," in listing and single[0]["id"] == f"paper{unkeyed.pk}"
    unkeyed.refresh_from_db()
    assert unkeyed.citation_key is None

    body = {"title": "Sketch of the Engine", "year": 1843, "authors": [{"name": "Ada Lovelace"}]}
    assert curator.post("/api/papers/", body, format="json").json()["citation_key"] == "lovelace1843sketch"
    curator.patch(f"/api/papers/{unkeyed.pk}/", {"year": 2020}, format="json")
    unkeyed.refresh_from_db()
    assert unkeyed.citation_key == "anon2020made"  # an older paper gets its key with its first write


def test_a_token_is_accepted_as_bearer_too(curator):
    token = curator._credentials["HTTP_AUTHORIZATION"].split()[1]
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert bearer.post("/api/papers/", {"title": "By bearer"}, format="json").status_code == 201
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert wrong.post("/api/papers/", {"title": "Refused"}, format="json").status_code == 401


def test_api_answers_are_gzipped_for_clients_that_ask_and_keep_their_etag_usable(curator, anon):
    paper = make_paper(title="Compressed " * 30, abstract="words " * 400)
    zipped = anon.get(f"/api/papers/{paper.pk}/", HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip" and int(zipped["Content-Length"]) < 1000
    etag = zipped["ETag"]
    assert etag.startswith("W/")  # compressed answers carry weak ETags; they name the same record
    ok = curator.patch(f"/api/papers/{paper.pk}/", {"title": "Next"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200, ok.content
    admin = anon.get("/admin/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in admin  # pages with a CSRF token stay uncompressed (BREACH)


def test_browsers_on_other_sites_may_call_the_api_only_from_origins_named_in_settings(anon, settings):
    paper = make_paper(title="Shared")
    closed = anon.get(f"/api/papers/{paper.pk}/", HTTP_ORIGIN="https://lab.example.org")
    assert "Access-Control-Allow-Origin" not in closed  # none by default
    settings.CORS_ALLOWED_ORIGINS = ["https://lab.example.org"]
    allowed = anon.get(f"/api/papers/{paper.pk}/", HTTP_ORIGIN="https://lab.example.org")
    assert allowed["Access-Control-Allow-Origin"] == "https://lab.example.org"
    assert "etag" in allowed["Access-Control-Expose-Headers"].lower()  # scripts in the page can read it
    preflight = anon.options(
        f"/api/papers/{paper.pk}/",
        HTTP_ORIGIN="https://lab.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, if-match",
    )
    assert preflight.status_code == 200 and "if-match" in preflight["Access-Control-Allow-Headers"]
    other = anon.get(f"/api/papers/{paper.pk}/", HTTP_ORIGIN="https://elsewhere.example")
    assert "Access-Control-Allow-Origin" not in other
    admin = anon.get("/admin/login/", HTTP_ORIGIN="https://lab.example.org")
    assert "Access-Control-Allow-Origin" not in admin  # the API's paths only


def test_an_untitled_papers_document_patched_back_keeps_it_untitled(curator, db):
    """A script reads a paper, changes one field and sends the document back: the provisional label
    it was served as the title of an untitled paper is not stored as its title."""
    paper = make_paper(title="", abstract="Quasiparticle interference in layered materials " * 3,
                       needs_review=True, review_reason="no title")  # fmt: skip
    document = curator.get(f"/api/papers/{paper.pk}/").json()
    assert document["title_is_provisional"] and document["title"].startswith("[untitled] Quasiparticle")

    changed = curator.patch(f"/api/papers/{paper.pk}/", {**document, "volume": "12"}, format="json")

    assert changed.status_code == 200, changed.json()
    paper.refresh_from_db()
    assert (paper.title, paper.volume) == ("", "12")
    assert changed.json()["title_is_provisional"] is True
    named = curator.patch(f"/api/papers/{paper.pk}/", {"title": "Quasiparticles"}, format="json")
    assert named.status_code == 200 and Paper.objects.get(pk=paper.pk).title == "Quasiparticles"


@pytest.mark.parametrize(
    ("field", "value"),
    [("published_on", "9999-12-31"), ("year", 3000), ("citation_key", "a b"), ("arxiv_id", "2399.01234"),
     ("arxiv_id", "hep-th/9913001"), ("published_on", "1399-12-31")],
)  # fmt: skip
def test_a_value_the_databases_rules_refuse_is_a_400_naming_the_field(curator, field, value):
    paper = make_paper(title="Kept", year=2020)
    response = curator.patch(f"/api/papers/{paper.pk}/", {field: value}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    paper.refresh_from_db()
    assert (paper.year, paper.citation_key, paper.arxiv_id) == (2020, None, None)


def test_every_check_constraint_refusal_is_a_400_naming_fields_of_its_model():
    """Whatever reaches the database past the serializers: each rule names fields its model has."""
    from django.db.models import CheckConstraint

    from api.errors import _fields_of

    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if isinstance(constraint, CheckConstraint):
                fields = _fields_of(constraint.condition)
                names = {f.name for f in model._meta.get_fields()} | {f.attname for f in model._meta.concrete_fields}
                assert fields and set(fields) <= names, (constraint.name, fields)


def test_a_rule_broken_in_the_database_answers_400_with_its_message(db):
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from api.errors import exception_handler

    paper = make_paper(title="Kept", year=2020)
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        Paper.objects.filter(pk=paper.pk).update(year=3000, issued=None, published_on=None)
    request = Request(APIRequestFactory().patch("/api/papers/1/"))
    response = exception_handler(refused.value, {"request": request})
    assert response.status_code == 400
    assert response.data["errors"] == {"year": ["The year must be between 1400 and 2200."]}


def _rich_paper():
    paper = make_paper(title="A {Rich} record", year=2021, venue=make_venue("Journal of Round Trips", kind="journal"))
    paper.issued = {"date-parts": [[2021, 3]]}
    paper.extra = {"note": "kept", "archive": "/z-wcorg/"}
    paper.volume = "12"
    paper.save()
    ada, alan = make_author("Ada Lovelace"), make_author("Alan Turing")
    Authorship.objects.create(paper=paper, author=ada, position=1)
    Authorship.objects.create(paper=paper, author=alan, position=2, role="editor")
    concept = make_concept("Scaling", slug="scaling")
    PaperConcept.objects.create(paper=paper, concept=concept, status="accepted", score=0.5)
    keys_assign([paper])
    return paper


@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_document_read_and_sent_back_changes_nothing(curator, method):
    paper = _rich_paper()
    read = curator.get(f"/api/papers/{paper.pk}/")
    versions = paper.history.count()

    sent = getattr(curator, method)(f"/api/papers/{paper.pk}/", read.json(), format="json")

    assert sent.status_code == 200, sent.content
    again = curator.get(f"/api/papers/{paper.pk}/")
    assert again.json() == read.json() and again["ETag"] == read["ETag"] == sent["ETag"]
    assert paper.history.count() == versions


@pytest.mark.parametrize("method", ["put", "patch"])
def test_every_record_read_and_sent_back_is_left_as_it_was(curator, method):
    paper = _rich_paper()
    parent = make_concept("Learning", slug="learning")
    child = curator.post("/api/concepts/", {"name": "Deep", "slug": "deep", "parents": ["learning"]}, format="json")
    other = make_paper(title="Cited")
    created = {
        "notes": curator.post("/api/notes/", {"paper": paper.pk, "text": "Read it."}, format="json"),
        "tags": curator.post("/api/tags/", {"paper": paper.pk, "concept": parent.slug}, format="json"),
        "citations": curator.post("/api/citations/", {"citing": paper.pk, "cited": other.pk}, format="json"),
        "keypoints": curator.post(
            "/api/keypoints/",
            {"paper": paper.pk, "number": 1, "text": "A point.", "concepts": ["learning"]},
            format="json",
        ),
    }
    addresses = [f"/api/{kind}/{response.json()['id']}/" for kind, response in created.items()]
    addresses += [
        f"/api/concepts/{child.json()['slug']}/",
        f"/api/venues/{paper.venue_id}/",
        f"/api/authors/{paper.authorships.first().author_id}/",
    ]
    for address in addresses:
        read = curator.get(address)
        sent = getattr(curator, method)(address, read.json(), format="json", HTTP_IF_MATCH=read["ETag"])
        again = curator.get(address)
        assert sent.status_code == 200, (address, sent.content)
        assert again.json() == read.json() and again["ETag"] == read["ETag"] == sent["ETag"], address


def test_put_replaces_the_record_and_patch_merges(curator):
    paper = _rich_paper()
    patched = curator.patch(f"/api/papers/{paper.pk}/", {"title": "Renamed"}, format="json").json()
    assert patched["abstract"] and len(patched["authors"]) == 2 and patched["venue"]["name"]

    put = curator.put(f"/api/papers/{paper.pk}/", {"title": "Only a title"}, format="json")

    assert put.status_code == 200, put.content
    document = put.json()
    assert (document["title"], document["abstract"], document["authors"], document["venue"]) == (
        "Only a title",
        "",
        [],
        None,
    )
    assert (document["year"], document["issued"], document["extra"], document["volume"]) == (None, None, {}, "")
    assert document["citation_key"] == patched["citation_key"]  # documents cite it: a PUT keeps it
    assert [t["slug"] for t in document["concepts"]] == ["scaling"]  # tags are not the record's fields


def test_put_judges_a_record_by_what_it_replaces_it_with(curator):
    flagged = make_paper(title="Flagged", needs_review=True, review_reason="check the year")
    untitled = make_paper(title="", needs_review=True, review_reason="no title in the listing")

    reason_alone = curator.put(f"/api/papers/{flagged.pk}/", {"title": "T", "review_reason": "why"}, format="json")
    no_title = curator.put(f"/api/papers/{untitled.pk}/", {"abstract": "Only an abstract."}, format="json")

    # a reason without needs_review is cleared, as in a create; PUT leaves needs_review false
    assert reason_alone.status_code == 200, reason_alone.content
    assert (reason_alone.json()["needs_review"], reason_alone.json()["review_reason"]) == (False, "")
    assert no_title.status_code == 400 and "title" in no_title.json()["errors"]


def test_a_field_a_write_does_not_take_is_refused_by_name(curator):
    paper = _rich_paper()
    read = curator.get(f"/api/papers/{paper.pk}/").json()

    unknown = curator.patch(f"/api/papers/{paper.pk}/", {"colour": "red"}, format="json")
    changed = curator.patch(f"/api/papers/{paper.pk}/", {"keywords": ["new"], "title": "T"}, format="json")
    unchanged = curator.patch(f"/api/papers/{paper.pk}/", {"keywords": read["keywords"], "title": "T"}, format="json")
    renamed = curator.patch(
        f"/api/papers/{paper.pk}/", {"authors": [{**read["authors"][0], "name": "Someone Else"}]}, format="json"
    )

    assert unknown.status_code == 400 and "no such field" in unknown.json()["errors"]["colour"][0]
    assert changed.status_code == 400 and "read-only" in changed.json()["errors"]["keywords"][0]
    assert unchanged.status_code == 200 and unchanged.json()["title"] == "T"
    assert renamed.status_code == 400 and "authors[0]: author" in renamed.json()["detail"]
    assert curator.patch("/api/concepts/scaling/", {"paper_count": 7}, format="json").status_code == 400


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_writers_naming_the_same_new_person_at_once_make_one_author(curator):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    papers = [make_paper(title=f"Parallel {n}") for n in range(6)]
    token = curator._credentials["HTTP_AUTHORIZATION"]

    def write(paper):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=token)
        try:
            body = {"authors": [{"name": "Grace Brewster Hopper"}, {"name": f"Only on {paper.pk}"}]}
            return client.patch(f"/api/papers/{paper.pk}/", body, format="json").status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(write, papers)) == [200] * 6
    assert Author.objects.filter(name="Grace Brewster Hopper").count() == 1
    assert Authorship.objects.filter(author__name="Grace Brewster Hopper").count() == 6


class TestValidators:
    """What a cache or a polling script relies on: every GET has a validator that names the content."""

    def test_the_etag_is_the_same_whatever_host_name_the_client_used(self, anon):
        paper = make_paper(title="Hosted")
        names = [anon.get(f"/api/papers/{paper.pk}/", HTTP_HOST=host) for host in ("localhost", "127.0.0.1")]
        assert names[0].json()["url"] != names[1].json()["url"]
        assert names[0]["ETag"] == names[1]["ETag"]
        assert (
            anon.get(f"/api/papers/{paper.pk}/", HTTP_HOST="127.0.0.1", HTTP_IF_NONE_MATCH=names[0]["ETag"]).status_code
            == 304
        )

    def test_a_304_carries_the_validator_it_was_asked_with_and_no_body_type(self, anon):
        paper = make_paper(title="Cached " * 40, abstract="words " * 300)
        zipped = anon.get(f"/api/papers/{paper.pk}/", HTTP_ACCEPT_ENCODING="gzip")
        assert zipped["ETag"].startswith("W/")

        again = anon.get(f"/api/papers/{paper.pk}/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=zipped["ETag"])

        assert again.status_code == 304 and again["ETag"] == zipped["ETag"]
        assert "Content-Type" not in again and again.content == b""

    @pytest.mark.parametrize(
        "path", ["/api/papers/", "/api/papers/?format=bibtex", "/api/papers/{paper}/?format=bibtex",
                 "/api/papers/{paper}/?format=ris", "/api/concepts/", "/api/authors/"],
    )  # fmt: skip
    def test_lists_and_exports_carry_an_etag_that_changes_with_their_content(self, anon, curator, path):
        paper = make_paper(title="Listed")
        make_concept("Listed concept")
        url = path.format(paper=paper.pk)
        first = anon.get(url)
        assert first.status_code == 200 and first["ETag"]
        assert anon.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        curator.patch(f"/api/papers/{paper.pk}/", {"title": "Listed again"}, format="json")
        Concept.objects.update(description="changed")
        Author.objects.create(name="Newly Listed")
        second = anon.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert second.status_code == 200 and second["ETag"] != first["ETag"]

    @pytest.mark.parametrize(
        ("accept", "answered"),
        [("application/json;q=0, application/x-bibtex;q=0.5", "application/x-bibtex"),
         ("application/x-bibtex;q=0.2, application/json;q=0.9", "application/json"),
         ("application/x-research-info-systems, application/json;q=0.1", "application/x-research-info-systems"),
         ("*/*;q=0.1, application/x-bibtex", "application/x-bibtex")],
    )  # fmt: skip
    def test_accept_q_values_choose_the_format(self, anon, accept, answered):
        paper = make_paper(title="Negotiated")
        response = anon.get(f"/api/papers/{paper.pk}/", HTTP_ACCEPT=accept)
        assert response.status_code == 200 and response["Content-Type"].startswith(answered)

    def test_nothing_acceptable_is_a_406(self, anon):
        assert anon.get("/api/papers/", HTTP_ACCEPT="application/json;q=0").status_code == 406


def test_a_paper_takes_a_collaborations_author_list_but_not_an_endless_one(curator):
    from api.serializers.paper_fields import MAX_PEOPLE

    paper = make_paper(title="Observation of a new particle")
    people = [{"name": f"Physicist {n} Collaborator"} for n in range(MAX_PEOPLE + 1)]
    too_many = curator.patch(f"/api/papers/{paper.pk}/", {"authors": people}, format="json")
    collaboration = curator.patch(f"/api/papers/{paper.pk}/", {"authors": people[:3000]}, format="json")

    assert too_many.status_code == 400 and "at most 10,000" in too_many.json()["detail"]
    assert collaboration.status_code == 200 and len(collaboration.json()["authors"]) == 3000
    assert Author.objects.filter(name__startswith="Physicist ").count() == 3000


def test_a_list_names_a_papers_first_authors_and_its_row_sent_back_keeps_them_all(anon, curator):
    paper = make_paper(title="A collaboration")
    people = [make_author(f"Member Number{n}") for n in range(LISTED_AUTHORS + 5)]
    Authorship.objects.bulk_create(Authorship(paper=paper, author=a, position=n) for n, a in enumerate(people, 1))

    row = anon.get("/api/papers/").json()["results"][0]
    detail = anon.get(f"/api/papers/{paper.pk}/").json()
    assert (len(row["authors"]), row["author_count"]) == (LISTED_AUTHORS, LISTED_AUTHORS + 5)
    assert row["authors"] == detail["authors"][:LISTED_AUTHORS] and len(detail["authors"]) == detail["author_count"]

    for method in ("put", "patch"):
        sent = getattr(curator, method)(f"/api/papers/{paper.pk}/", row, format="json")
        assert sent.status_code == 200, sent.content
        assert paper.authorships.count() == LISTED_AUTHORS + 5
    edited = curator.patch(
        f"/api/papers/{paper.pk}/",
        {"authors": [a["id"] for a in row["authors"][1:]], "author_count": row["author_count"]},
        format="json",
    )
    assert edited.status_code == 400 and "author_count" in edited.json()["errors"]["authors"][0]
    fewer = curator.patch(f"/api/papers/{paper.pk}/", {"authors": detail["authors"][:3]}, format="json")
    assert fewer.status_code == 200 and paper.authorships.count() == 3
