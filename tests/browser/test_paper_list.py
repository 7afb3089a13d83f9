"""The paper list in Chromium: on a phone its filters come before the rows, in a box of their own
above the search bar, and the concept filter narrows as one types; at a desktop's and a phone's
width nothing scrolls sideways (each paper a card where the table would not fit)."""

import io

import pytest
from django.core.management import call_command

from tests.browser.conftest import SCREENSHOTS
from tests.dumps import DUMPS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_the_paper_list_at_a_desktops_and_a_phones_width(log_in, width, height):
    call_command("import_dumps", str(DUMPS), "--no-progress", stdout=io.StringIO())
    _, page = log_in("/admin/bibliography/paper/", "#result_list", width=width, height=height)

    filters, rows = page.locator("#changelist-filter").bounding_box(), page.locator("#result_list").bounding_box()
    if width == 390:
        assert filters["y"] < rows["y"] and filters["y"] < height  # reachable without scrolling past 50 rows
        # a box of its own, as tall as its filters up to 45% of the screen, apart from the search bar
        toolbar = page.locator("#toolbar").bounding_box()
        assert filters["y"] + filters["height"] + 8 <= toolbar["y"]
        content = page.eval_on_selector("#changelist-filter", "e => e.scrollHeight")
        assert filters["height"] >= min(content, 0.45 * height) - 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # every column of every row in view, without a sideways scroll of the list's frame
    frame = page.eval_on_selector("#changelist .results", "e => [e.scrollWidth, e.clientWidth]")
    assert frame[0] <= frame[1] + 1
    first = page.locator("#result_list tbody tr").first
    for column in (".field-display_title", ".field-updated_at"):
        box = first.locator(column).bounding_box()
        assert box["x"] + box["width"] <= width
    assert first.locator(".field-updated_at").is_visible()
    concepts = page.locator("details[data-filter-title^='concept'] li")
    shown = concepts.evaluate_all("lis => lis.filter(li => !li.hidden).length")
    box = page.locator("details[data-filter-title^='concept'] input.filter-search")
    box.scroll_into_view_if_needed()
    box.fill("scal")
    narrowed = concepts.evaluate_all("lis => lis.filter(li => !li.hidden).map(li => li.textContent.trim())")
    assert 0 < len(narrowed) < shown and all("scal" in name.lower() for name in narrowed)
    folder = SCREENSHOTS / "curation"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"paper-list-{width}.png"))
