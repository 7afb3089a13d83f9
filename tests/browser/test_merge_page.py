"""The merge page in Chromium at a desktop's and a phone's size: two records of one paper side by
side, a title and a date chosen from the other record, previewed, then merged; nothing to scroll
sideways and every control inside the window when scrolled to."""

import pytest

from bibliography.models import Paper
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_review_queue import inside
from tests.factories import make_author, make_authorship, make_venue

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_a_merge_keeps_the_values_chosen_side_by_side(log_in, width, height):
    listed = Paper.objects.create(
        title="Tinystories: how small can language models be and still speak coherent english?",
        abstract="Language models (LMs) are powerful tools for natural language processing, but they often "
        "struggle to produce coherent and fluent text when they are small.",
        arxiv_id="2305.07759",
        year=2023,
    )
    published = Paper.objects.create(
        title="TinyStories: How Small Can Language Models Be and Still Speak Coherent English?",
        doi="10.48550/arxiv.2305.07759",
        issued={"date-parts": [[2023, 5, 12]]},
        venue=make_venue("arXiv", kind="repository"),
    )
    make_authorship(published, make_author("Ronen Eldan"), 1)
    make_authorship(published, make_author("Yuanzhi Li"), 2)
    merge_page = f"/admin/bibliography/paper/merge/?ids={listed.pk},{published.pk}"
    _, page = log_in(merge_page, "#merge-compare", width=width, height=height)

    for name in ("title", "date"):
        choice = page.locator(f"input[name=keep_{name}][value='{published.pk}']")
        choice.scroll_into_view_if_needed()
        assert inside(choice.bounding_box(), page.viewport_size)
        choice.check()
    page.click("input[name=preview]")
    page.wait_for_selector("#merge-preview")
    assert f"title from #{published.pk}" in page.inner_text("#merge-preview")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    folder = SCREENSHOTS / "curation"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"merge-{width}.png"), full_page=True)
    merge = page.locator("input[name=merge]")
    merge.scroll_into_view_if_needed()
    assert inside(merge.bounding_box(), page.viewport_size)
    merge.click()
    page.wait_for_selector(".messagelist")

    survivor = Paper.objects.get()
    assert survivor.pk == listed.pk
    assert survivor.title.startswith("TinyStories: How Small") and survivor.published_on.isoformat() == "2023-05-12"
    assert (survivor.arxiv_id, survivor.doi) == ("2305.07759", "10.48550/arxiv.2305.07759")
    assert [a.author.name for a in survivor.authorships.order_by("position")] == ["Ronen Eldan", "Yuanzhi Li"]
