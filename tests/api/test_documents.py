"""The JSON PostgreSQL builds (api/documents.py) is exactly what the serializers say a paper is."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from api.documents import paper_documents
from api.serializers import PaperDetailSerializer, PaperListSerializer
from api.views import paper_detail_queryset, paper_list_queryset
from bibliography.models import Citation, KeyPoint, Paper, PaperConcept, PaperLink, SourceRecord, Venue
from tests.factories import make_author, make_authorship, make_concept, make_paper

pytestmark = pytest.mark.django_db

BASE = "http://testserver/api/papers/"


def serialized(serializer_class, queryset) -> dict[int, dict]:
    context = {"request": Request(APIRequestFactory().get("/api/papers/"))}
    rows = serializer_class(queryset, many=True, context=context).data
    return {row["id"]: json.loads(JSONRenderer().render(row)) for row in rows}


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


def test_seed_papers_are_the_same_either_way(seed):
    ids = list(Paper.objects.values_list("id", flat=True))
    assert len(ids) == 184
    assert built(ids, detail=False) == serialized(PaperListSerializer, paper_list_queryset().filter(pk__in=ids))
    assert built(ids, detail=True) == serialized(PaperDetailSerializer, paper_detail_queryset().filter(pk__in=ids))


def test_edge_cases_are_the_same_either_way():
    ids = edge_cases()
    detail = built(ids, detail=True)
    assert detail == serialized(PaperDetailSerializer, paper_detail_queryset().filter(pk__in=ids))
    assert built(ids, detail=False) == serialized(PaperListSerializer, paper_list_queryset().filter(pk__in=ids))
    first = detail[ids[0]]
    assert [c["slug"] for c in first["concepts"]] == ["alpha", "beta"]  # unscored first, as the ORM orders them
    assert first["references"][0]["paper"]["title"].startswith("[untitled] Words")
    assert [p["listed"] for p in first["provenance"]] == ["Mar 20", "Jan 5, 2024", ""]
    assert detail[ids[2]]["created_at"].endswith(":00Z") or "." not in detail[ids[2]]["created_at"]


def test_a_page_of_documents_is_one_query():
    ids = [make_paper().pk for _ in range(30)]
    paper_documents(ids[:1], base_url=BASE, detail=True)  # prepares the statement on this connection
    with CaptureQueriesContext(connection) as queries:
        documents = paper_documents(ids, base_url=BASE, detail=True)
    assert len(documents) == 30
    assert [q["sql"].split(" (")[0] for q in queries] == ["EXECUTE paper_documents_detail"]


def test_the_api_serves_them_with_the_serializers_etag(anon, seed):
    paper = Paper.objects.filter(title__gt="").first()
    response = anon.get(f"/api/papers/{paper.pk}/")
    slow = anon.get(f"/api/papers/{paper.pk}/", {"fields": ",".join(PaperDetailSerializer.Meta.fields)})
    assert response.json() == slow.json()
    assert response["ETag"] == slow["ETag"]


def test_connections_keep_one_plan_for_the_prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"
