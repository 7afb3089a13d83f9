"""Who may write through the API: every write operation of the schema against anonymous, viewer,
curator and superuser, judged by its effect; tokens, throttling and other sites' browsers."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from drf_spectacular.generators import SchemaGenerator
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from bibliography import attachments
from bibliography.models import Citation, KeyPoint, Note, PaperConcept, Proposal
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
    file = attachments.attach(paper, attachments.read(SimpleUploadedFile("old.txt", b"outdated notes")))
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
        ("replace author", "put", "/api/authors/{id}/", f"/api/authors/{author.pk}/", {"name": "Grace M. Hopper"}),
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
        ("attach file", "post", "/api/attachments/", "/api/attachments/",
         {"paper": paper.pk, "file": SimpleUploadedFile("new.txt", b"new notes")}),
        ("remove file", "delete", "/api/attachments/{id}/", f"/api/attachments/{file.pk}/", None),
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
        uploads = any(isinstance(value, SimpleUploadedFile) for value in (body or {}).values())
        response = getattr(client, method)(url, body, format="multipart" if uploads else "json")
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
            "attachment",
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


def test_tokens_are_issued_by_a_management_command(db):
    User.objects.create_user("script")
    out = io.StringIO()
    call_command("drf_create_token", "script", stdout=out)
    assert "Generated token" in out.getvalue()


def test_anonymous_clients_are_throttled(anon, settings):
    cache.clear()
    original = AnonRateThrottle.THROTTLE_RATES
    AnonRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "3/minute"}
    try:
        codes = [anon.get("/api/venues/").status_code for _ in range(5)]
    finally:
        AnonRateThrottle.THROTTLE_RATES = original
        cache.clear()
    assert codes == [200, 200, 200, 429, 429]


def test_a_token_is_accepted_as_bearer_too(curator):
    token = curator._credentials["HTTP_AUTHORIZATION"].split()[1]
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert bearer.post("/api/papers/", {"title": "By bearer"}, format="json").status_code == 201
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert wrong.post("/api/papers/", {"title": "Refused"}, format="json").status_code == 401


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
