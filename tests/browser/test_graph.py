"""The concept graph page in Chromium: it draws the DAG in layers with every label legible and none on
another, at a desktop's and a phone's width; the search box finds a concept, the buttons zoom, and a
click on a concept leads to its papers."""

import io

import pytest
from django.core.management import call_command

from bibliography.models import Concept, ConceptRelation
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_curation import shot
from tests.dumps import DUMPS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CENTRED = """() => { const p = window.bibliographyGraph.getElementById('ID').renderedPosition();
    const g = document.getElementById('graph');
    return Math.abs(p.x - g.clientWidth / 2) < 5 && Math.abs(p.y - g.clientHeight / 2) < 5; }"""


def test_the_graph_renders_and_a_click_leads_to_papers(page, live_server):
    call_command("import_dumps", str(DUMPS), "--no-progress", stdout=io.StringIO())
    page.goto(f"{live_server.url}/graph/")
    page.wait_for_function("window.bibliographyGraph && window.bibliographyGraph.nodes().length === 38")
    assert page.evaluate("window.bibliographyGraph.edges().length") == ConceptRelation.objects.count()
    shot(page, "08-concept-graph")

    concept = Concept.objects.get(name="Power law decay of kernel eigenvalues")
    page.fill("#graph-controls input[type=search]", "power law decay")  # found, then brought into view
    page.press("#graph-controls input[type=search]", "Enter")
    page.wait_for_function(CENTRED.replace("ID", f"c{concept.pk}"))
    box = page.locator("#graph").bounding_box()
    position = page.evaluate(f"window.bibliographyGraph.getElementById('c{concept.pk}').renderedPosition()")
    page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])
    page.wait_for_url(f"**/graph/concepts/{concept.slug}/")
    assert "Workshop Mathematical and Empirical Understanding" in page.inner_text("#papers")
    shot(page, "09-concept-papers")

    page.click("#papers a")
    page.wait_for_function("window.bibliographyGraph && window.bibliographyGraph.nodes().length === 1")
    shot(page, "10-paper-neighbourhood")


# Every label's box on the screen, and the size its text is drawn at there.
LABELS = """() => window.bibliographyGraph.nodes().map(n => {
    const b = n.renderedBoundingBox({includeNodes: false, includeEdges: false, includeLabels: true});
    return {id: n.id(), x1: b.x1, x2: b.x2, y1: b.y1, y2: b.y2, size: parseFloat(n.renderedStyle("font-size"))};
})"""


def overlapping(labels: list[dict]) -> list[tuple[str, str]]:
    return [
        (a["id"], b["id"])
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if a["x1"] < b["x2"] and b["x1"] < a["x2"] and a["y1"] < b["y2"] and b["y1"] < a["y2"]
    ]


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_every_label_is_legible_and_none_lies_on_another(browser, live_server, width, height):
    call_command("import_dumps", str(DUMPS), "--no-progress", stdout=io.StringIO())
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{live_server.url}/graph/")
    page.wait_for_function("window.bibliographyGraph && window.bibliographyGraph.nodes().length === 38")
    labels = page.evaluate(LABELS)
    assert len(labels) == 38 and overlapping(labels) == []
    assert min(label["size"] for label in labels) >= 11
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    for _ in range(8):  # zooming out stops where labels would become too small to read
        page.click("[data-zoom=out]")
    assert min(label["size"] for label in page.evaluate(LABELS)) >= 11
    page.click("[data-zoom=in]")
    assert page.evaluate("window.bibliographyGraph.zoom()") > page.evaluate("window.bibliographyGraph.minZoom()")
    assert overlapping(page.evaluate(LABELS)) == []

    page.fill("#graph-controls input[type=search]", "kernel eigenvalues")
    page.press("#graph-controls input[type=search]", "Enter")
    assert page.inner_text("#graph-controls output") == "1 concept"
    concept = Concept.objects.get(name="Power law decay of kernel eigenvalues")
    page.wait_for_function(CENTRED.replace("ID", f"c{concept.pk}"))  # brought to the middle of the drawing
    assert page.evaluate(f"window.bibliographyGraph.getElementById('c{concept.pk}').hasClass('match')")
    page.screenshot(path=str(SCREENSHOTS / "curation" / f"graph-{width}.png"))
    context.close()
