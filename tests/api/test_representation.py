"""A paper's JSON, defined once (api/representation.py): what it holds, in one query, and the schema made from it."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.representation import PAPER, PAPER_DETAIL, paper_documents
from bibliography.models import Citation, KeyPoint, Paper, PaperConcept, PaperLink, SourceRecord, Venue
from tests.factories import make_author, make_authorship, make_concept, make_paper

pytestmark = pytest.mark.django_db

BASE = "http://testserver/api/papers/"


def built(ids, detail: bool) -> dict[int, dict]:
    return {pk: json.loads(text) for pk, text in paper_documents(ids, base_url=BASE, detail=detail).items()}


def edge_cases() -> list[int]:
    """Papers with every kind of related row, nulls, ties, untitled neighbours and odd timestamps."""
    venue = Venue.objects.create(name="Journal of Things", short_name="JoT", kind="journal", year=2021)
    first = make_paper(title="Ünïcode “quotes” and \\ backslashes\ttabs", venue=venue, year=2021, doi="10.1/x")
    untitled = make_paper(title="", abstract="Words " * 20, needs_review=True, review_reason="no title")
    plain = make_paper(title="Plain", published_on=datetime.date(2020, 2, 29))
    for position, name in enumerate(["Zoë Zed", "Al Alpha", "Mo Mid"], 1):
        make_authorship(first, make_author(name), position=position)
    a, b = make_concept("Beta", slug="beta"), make_concept("alpha", slug="alpha")
    for concept, score, status in [(a, 0.5, "accepted"), (b, None, "accepted"), (make_concept(), 0.25, "suggested")]:
        PaperConcept.objects.create(paper=first, concept=concept, score=score, status=status)
    PaperLink.objects.create(paper=first, url="https://github.com/x/y", kind="code")
    PaperLink.objects.create(paper=first, url="https://x.org", kind="project")
    Citation.objects.create(citing=first, cited=untitled, status="accepted", context="see", intent="uses")
    Citation.objects.create(citing=plain, cited=first, status="suggested", source="automatic")
    Citation.objects.create(citing=untitled, cited=plain, status="rejected")
    point = KeyPoint.objects.create(paper=first, number=2, text="Second")
    KeyPoint.objects.create(paper=first, number=1, text="First")
    point.concepts.set([a, b])
    run = SourceRecord.objects.model._meta.get_field("import_run").related_model.objects.create(
        file_name="f.txt", sha256="", format="listing", started_at=timezone.now(), status="succeeded"
    )
    for month, day, on in [(3, 20, None), (1, 5, datetime.date(2024, 1, 5)), (None, None, None)]:
        SourceRecord.objects.create(
            import_run=run, paper=first, file_name="f.txt", line_number=day or 1, raw_hash=f"{day}",
            listed_month=month, listed_day=day, listed_on=on,
        )  # fmt: skip
    whole_second = timezone.now().replace(microsecond=0)
    Paper.objects.filter(pk=plain.pk).update(created_at=whole_second, updated_at=whole_second)
    return [first.pk, untitled.pk, plain.pk]


def test_every_field_of_a_paper_with_every_kind_of_related_row():
    ids = edge_cases()
    first, untitled, plain = (built(ids, detail=True)[pk] for pk in ids)
    assert list(first) == list(PAPER_DETAIL.fields)
    venue = Venue.objects.get()
    assert first["title"] == "Ünïcode “quotes” and \\ backslashes\ttabs"
    assert first["url"] == f"{BASE}{ids[0]}/"
    assert first["venue"] == {
        "id": venue.pk,
        "name": "Journal of Things",
        "short_name": "JoT",
        "kind": "journal",
        "year": 2021,
    }
    assert [(a["name"], a["position"], a["role"], a["credited_as"]) for a in first["authors"]] == [
        ("Zoë Zed", 1, "author", None), ("Al Alpha", 2, "author", None), ("Mo Mid", 3, "author", None),
    ]  # fmt: skip
    # unscored first (as PostgreSQL sorts NULL in a descending order), then by name
    assert [(c["slug"], c["score"], c["status"]) for c in first["concepts"]] == [
        ("alpha", None, "accepted"), ("beta", 0.5, "accepted"),
    ]  # fmt: skip
    assert [t["score"] for t in first["suggested_tags"]] == [0.25]
    assert first["links"] == [
        {"url": "https://github.com/x/y", "kind": "code"},
        {"url": "https://x.org", "kind": "project"},
    ]
    assert first["doi"] == "10.1/x" and first["year"] == 2021 and first["title_is_provisional"] is False
    # citations both ways, a rejected one left out, an untitled neighbour shown by its label
    assert [(r["paper"]["id"], r["status"], r["intent"], r["context"]) for r in first["references"]] == [
        (ids[1], "accepted", "uses", "see")
    ]
    assert first["references"][0]["paper"]["title"].startswith("[untitled] Words")
    assert [(c["paper"]["id"], c["paper"]["title"], c["source"]) for c in first["cited_by"]] == [
        (ids[2], "Plain", "automatic")
    ]
    assert untitled["references"] == []  # its citation of `plain` was rejected
    assert [(k["number"], k["text"], k["concepts"]) for k in first["key_points"]] == [
        (1, "First", []),
        (2, "Second", ["beta", "alpha"]),
    ]  # fmt: skip  (by name, in the database's byte order: "Beta" before "alpha")
    assert [(p["listed"], p["listed_on"]) for p in first["provenance"]] == [
        ("Mar 20", None), ("Jan 5, 2024", "2024-01-05"), ("", None),
    ]  # fmt: skip
    assert untitled["title"].startswith("[untitled] Words Words") and untitled["title_is_provisional"] is True
    assert plain["published_on"] == "2020-02-29" and plain["issued"] == {"date-parts": [[2020, 2, 29]]}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", plain["created_at"])  # DRF's way: no zero fraction
    assert first["created_at"].endswith("Z")


def test_a_list_entry_is_the_detail_without_the_detail_fields():
    ids = edge_cases()
    summary, detail = built(ids, detail=False), built(ids, detail=True)
    for pk in ids:
        assert list(summary[pk]) == list(PAPER.fields)
        assert summary[pk] == {name: detail[pk][name] for name in PAPER.fields}


def test_fields_keeps_those_and_the_id_in_one_query():
    ids = edge_cases()
    chosen = paper_documents(ids, base_url=BASE, fields=("id", "title", "authors"))
    assert {pk: list(json.loads(doc)) for pk, doc in chosen.items()} == {pk: ["id", "title", "authors"] for pk in ids}
    assert json.loads(chosen[ids[1]])["title"].startswith("[untitled]")


def test_the_schema_describes_the_same_fields(anon):
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["components"]["schemas"]
    assert list(schema["PaperList"]["properties"]) == list(PAPER.fields)
    assert list(schema["PaperDetail"]["properties"]) == list(PAPER_DETAIL.fields)
    assert schema["PaperDetail"]["properties"]["references"]["items"]["$ref"].endswith("/CitationSummary")


def test_a_page_of_documents_is_one_query():
    ids = [make_paper().pk for _ in range(30)]
    paper_documents(ids[:1], base_url=BASE, detail=True)  # prepares the statement on this connection
    with CaptureQueriesContext(connection) as queries:
        documents = paper_documents(ids, base_url=BASE, detail=True)
    assert len(documents) == 30
    assert [q["sql"].split(" (")[0] for q in queries] == ["EXECUTE paper_documents_detail"]


def test_a_partial_get_carries_the_whole_records_etag(anon, seed):
    paper = Paper.objects.filter(title__gt="").first()
    whole = anon.get(f"/api/papers/{paper.pk}/")
    partial = anon.get(f"/api/papers/{paper.pk}/", {"fields": "title"})
    assert partial.json() == {"id": paper.pk, "title": paper.title}
    assert whole["ETag"] == partial["ETag"]


def test_connections_keep_one_plan_for_the_prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"
