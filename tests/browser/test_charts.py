"""The charts of the admin's index and a concept's page in Chromium, at a desktop's and a phone's
width: drawn by Chart.js with the library's numbers, nothing wider than the window."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from bibliography.models import Concept, Paper
from tests.browser.conftest import SCREENSHOTS
from tests.dumps import DUMPS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DRAWN = """id => { const c = window.bibliographyCharts[id];
    return {labels: c.data.labels, values: c.data.datasets.map(d => d.data), height: c.height}; }"""


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_the_admin_index_charts_the_library(log_in, live_server, width, height):
    call_command("import_dumps", str(DUMPS), "--no-progress", stdout=io.StringIO())
    _, page = log_in("/admin/", "#library-charts", width=width, height=height)
    page.wait_for_function("window.bibliographyCharts && Object.keys(window.bibliographyCharts).length === 4")
    years = page.evaluate(f"({DRAWN})('chart-years')")
    by_year = sorted(Paper.objects.exclude(year=None).values_list("year").annotate(n=Count("id")))
    assert (years["labels"], years["values"]) == ([y for y, _ in by_year], [[n for _, n in by_year]])
    assert years["height"] > 100  # drawn, not a collapsed box
    imports = page.evaluate(f"({DRAWN})('chart-imports')")
    assert sum(imports["values"][0]) == Paper.objects.count()  # every bundled paper was created by an import
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    folder = SCREENSHOTS / "curation"
    folder.mkdir(parents=True, exist_ok=True)
    page.locator("#library-charts").scroll_into_view_if_needed()
    page.screenshot(path=str(folder / f"index-charts-{width}.png"), full_page=True)

    concept = Concept.objects.with_paper_counts().exclude(kind="category").order_by("-paper_count_with_descendants")[0]
    page.goto(f"{live_server.url}/graph/concepts/{concept.slug}/")
    page.wait_for_function("window.bibliographyCharts && window.bibliographyCharts['chart-years']")
    drawn = page.evaluate(f"({DRAWN})('chart-years')")
    assert sum(drawn["values"][0]) == Paper.objects.tagged_with([concept.pk]).exclude(year=None).count() > 0
