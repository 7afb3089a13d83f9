"""The bundled talk's admin page (30 key points) in Chromium at a desktop's and a phone's width:
each key point's box as tall as its text, nothing wider than the window, and on a phone each row of
the page's tables a card."""

import io

import pytest
from django.core.management import call_command

from bibliography.models import Paper
from tests.browser.conftest import SCREENSHOTS
from tests.dumps import DUMPS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_talk_page_fits_its_key_points(log_in, width):
    call_command("import_dumps", str(DUMPS), "--no-progress", stdout=io.StringIO())
    talk = Paper.objects.get(kind="talk")
    _, page = log_in(f"/admin/bibliography/paper/{talk.pk}/change/", "#keypoints-group", width=width, superuser=True)
    boxes = page.eval_on_selector_all(
        "#keypoints-group textarea.fits-content",
        "els => els.filter(e => e.offsetParent)"
        ".map(e => [e.scrollHeight, e.clientHeight, e.getBoundingClientRect().height])",
    )
    assert len(boxes) == talk.keypoints.count() == 30
    line = page.eval_on_selector("#keypoints-group textarea", "e => parseFloat(getComputedStyle(e).lineHeight) || 16")
    for scroll_height, client_height, height in boxes:
        assert scroll_height <= client_height + 2  # the whole text shows: no scroll bar inside the box
        assert height < 24 * line  # and no ten-row box around a one-line point
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # no inline (authors, tags, key points, …) hides its columns behind a sideways scroll
    cut = page.eval_on_selector_all(
        ".inline-group", "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.id)"
    )
    assert cut == []
    if width == 390:  # each key point's card says what its boxes are
        labels = page.eval_on_selector_all("#keypoints-group td.field-text", "els => els.map(e => e.dataset.label)")
        assert set(labels) == {"Text"}
    folder = SCREENSHOTS / "curation"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"talk-{width}.png"), full_page=True)
    page.locator("#keypoints-group").scroll_into_view_if_needed()
    page.screenshot(path=str(folder / f"talk-{width}-key-points.png"))
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 23_000  # the page was 23,000 px tall with a ten-row box per key point
