"""schemathesis against /api/schema/: generated requests, valid and not, for every operation of the API.

Every check schemathesis has runs (its default: all of them): whatever it sends, anonymously or as a
curator, the API answers without a server error, with a status, headers and body the schema
declares; it accepts what the schema says is valid and refuses what it says is not; it answers a
method it lacks with 405. Bounded: a few examples per operation, so it runs in every test run.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from bibliography.models import Author, Citation, KeyPoint, PaperConcept
from tests.factories import make_author, make_authorship, make_concept, make_paper

from .conftest import _client_for

REFERENCES: dict = {}


def with_known_records(case) -> None:
    """Generated valid requests name records that exist: a random id or slug would name nothing, and
    a random cursor or a reused Idempotency-Key is invalid by design (cursors come from `next` links;
    test_bad_requests.py tries broken ones). Invalid requests are sent as generated."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if case.headers is not None:
        # a key names one request: the same random key drawn for another body is refused by design
        # (test_sync.py sends keys as clients do)
        case.headers.pop("Idempotency-Key", None)
    if isinstance(case.query, dict):
        case.query.pop("cursor", None)
        if case.query.get("concept"):
            case.query["concept"] = REFERENCES["concept"]
        # what OpenAPI 3.0 cannot say: counts are JSON (no format), relevance needs something searched
        if case.query.get("group_by"):
            case.query.pop("format", None)
        searched = any(str(case.query.get(name, "")).strip() for name in ("search", "similar_to"))
        if "relevance" in str(case.query.get("ordering", "")) and not searched:
            case.query["similar_to"] = "scaling"
    if isinstance(case.body, dict):
        for name, value in REFERENCES.items():
            if name in case.body:
                case.body[name] = value


@pytest.fixture
def api_data(db):
    # Requests go through the WSGI handler, which closes the connection after each one; the test's
    # transaction lives on it. Django's test client does the same as this.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    papers = [make_paper(title=f"Paper {n}", year=2020 + n) for n in range(3)]
    make_authorship(papers[0], make_author("Ada Lovelace"))
    concept = make_concept("Scaling", slug="scaling")
    PaperConcept.objects.create(paper=papers[0], concept=concept, status="accepted", score=0.5)
    Citation.objects.create(citing=papers[0], cited=papers[1], status="suggested")
    KeyPoint.objects.create(paper=papers[2], number=1, text="A point.")
    fresh = make_paper(title="Fresh")
    REFERENCES.update(
        paper=fresh.pk,
        citing=fresh.pk,
        cited=papers[1].pk,
        concept=concept.slug,
        concepts=[concept.slug],
        parents=[concept.slug],
        authors=[Author.objects.get(name="Ada Lovelace").pk],
        venue=None,
    )
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def curator_token(db):
    return _client_for("curator")._credentials["HTTP_AUTHORIZATION"]


# The WSGI transport asks for gzip and does not unpack it as HTTP clients do (compression has its
# own test in test_writes.py).
PLAIN = {"Accept-Encoding": "identity"}

# Read once, at collection: drawing the schema needs no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_anonymous_requests(case, api_data):
    with_known_records(case)
    case.call_and_validate(headers=PLAIN)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_curator_requests(case, api_data, curator_token):
    with_known_records(case)
    case.call_and_validate(headers={"Authorization": curator_token, **PLAIN})
