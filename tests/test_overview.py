"""The library at a glance: the numbers the charts of the admin's index and a concept's page draw,
read in a bounded number of queries."""

import json

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext

from bibliography import overview
from bibliography.models import Concept, ImportRun, Paper, PaperConcept
from tests.factories import make_concept, make_paper

pytestmark = pytest.mark.django_db


def test_the_numbers_are_the_librarys(seed):
    numbers = overview.library_overview()
    by_year = dict(Paper.objects.exclude(year=None).values_list("year").annotate(n=Count("id")))
    assert [(row["year"], row["papers"]) for row in numbers["years"]] == sorted(by_year.items())
    assert not any(row["estimated"] for row in numbers["years"])
    runs = ImportRun.objects.filter(status="succeeded")
    assert {row["format"]: row["papers"] for row in numbers["formats"]} == dict(
        runs.values_list("format").annotate(n=Sum("created"))
    )
    assert sum(row["created"] for row in numbers["imports"]) == sum(runs.values_list("created", flat=True)) > 0
    assert sum(row["files"] for row in numbers["imports"]) == runs.count()
    top = numbers["concepts"]
    assert 0 < len(top) <= overview.SHOWN_CONCEPTS
    assert [row["papers"] for row in top] == sorted((row["papers"] for row in top), reverse=True)
    first = Concept.objects.with_paper_counts().get(slug=top[0]["slug"])
    assert first.kind != "category" and first.paper_count_with_descendants == top[0]["papers"]


def test_a_concepts_papers_per_year_count_its_descendants_papers(client):
    broad, narrow = make_concept(name="Scaling"), make_concept(name="Scaling laws")
    narrow.parents.add(broad)
    for year, concept in ((2020, broad), (2020, narrow), (2021, narrow), (2019, None)):
        paper = make_paper(year=year)
        if concept:
            PaperConcept.objects.create(paper=paper, concept=concept, status="accepted")
    page = client.get(f"/graph/concepts/{broad.slug}/")
    data = json.loads(page.content.decode().split('id="chart-data" type="application/json">')[1].split("</script>")[0])
    assert [(row["year"], row["papers"]) for row in data["years"]] == [(2020, 2), (2021, 1)]


def test_the_admin_index_asks_as_many_queries_for_a_thousand_papers_as_for_ten(client, curator):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/admin/")
        assert page.status_code == 200 and 'id="chart-years"' in page.content.decode()
        return len(ctx.captured_queries)

    for n in range(10):
        make_paper(year=2000 + n % 3)
    few = queries()
    Paper.objects.bulk_create(
        [Paper(title=f"Paper {n}", title_key=f"paper {n}", year=2000 + n % 3) for n in range(1000)]
    )
    assert queries() == few  # one count per year, however many papers each has
