"""The concept graph page in Chromium: it draws the DAG, and a click on a concept leads to its papers."""

import io

import pytest
from django.core.management import call_command

from bibliography.models import Concept
from tests.browser.test_curation import shot
from tests.dumps import DUMPS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_graph_renders_and_a_click_leads_to_papers(page, live_server):
    call_command("import_dumps", str(DUMPS), "--no-progress", stdout=io.StringIO())
    page.goto(f"{live_server.url}/graph/")
    page.wait_for_function("window.bibliographyGraph && window.bibliographyGraph.nodes().length === 38")
    assert page.evaluate("window.bibliographyGraph.edges().length") == 30
    shot(page, "08-concept-graph")

    concept = Concept.objects.get(name="Power law decay of kernel eigenvalues")
    box = page.locator("#graph").bounding_box()
    position = page.evaluate(f"window.bibliographyGraph.getElementById('c{concept.pk}').renderedPosition()")
    page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])
    page.wait_for_url(f"**/graph/concepts/{concept.slug}/")
    assert "Workshop Mathematical and Empirical Understanding" in page.inner_text("#papers")
    shot(page, "09-concept-papers")

    page.click("#papers a")
    page.wait_for_function("window.bibliographyGraph && window.bibliographyGraph.nodes().length === 1")
    shot(page, "10-paper-neighbourhood")
