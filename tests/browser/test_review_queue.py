"""The tag review queue in Chromium at a desktop's and a phone's size, on the bundled dumps with the
suggester's own suggestions: ten tags decided in ten clicks, every decision control inside the window,
nothing to scroll sideways, and the keyboard deciding the next one."""

import io

import pytest
from django.core.management import call_command

from bibliography.models import PaperConcept
from tests.browser.conftest import SCREENSHOTS
from tests.dumps import DUMPS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def inside(box, viewport) -> bool:
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= viewport["width"]
        and (box["y"] + box["height"] <= viewport["height"])
    )


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_ten_suggested_tags_in_ten_clicks(log_in, width, height):
    call_command("import_dumps", str(DUMPS), "--no-progress", stdout=io.StringIO())
    call_command("suggest_tags", stdout=io.StringIO())
    waiting = PaperConcept.objects.filter(status="suggested")
    assert waiting.count() >= 11
    user, page = log_in("/admin/review/tags/", ".review-paper", width=width, height=height)
    folder = SCREENSHOTS / "curation"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"review-queue-{width}.png"))

    clicks = 0
    for _ in range(10):
        # the row by its id: "the first suggested row" is another row once this one is accepted
        row_id = page.locator('.decision[data-status="suggested"]').first.locator("input[name=id]").input_value()
        row = page.locator(f'.decision:has(input[name=id][value="{row_id}"])')
        accept = row.locator("button.accept")
        row.evaluate("row => row.scrollIntoView({block: 'center', behavior: 'instant'})")
        assert inside(accept.bounding_box(), page.viewport_size)
        assert inside(row.locator("button.reject").bounding_box(), page.viewport_size)
        accept.click()
        clicks += 1
        page.wait_for_selector(f'.decision:has(input[name=id][value="{row_id}"])[data-status="accepted"]')
    assert clicks == 10
    assert PaperConcept.history.filter(status="accepted", history_user=user).values("id").distinct().count() == 10
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing to scroll sideways
    page.screenshot(path=str(folder / f"review-queue-{width}-decided.png"))

    # the keyboard: j moves to the next waiting suggestion, r rejects it
    page.keyboard.press("j")
    focused = page.evaluate("document.activeElement.closest('.decision')?.querySelector('input[name=id]').value")
    assert focused is not None
    page.keyboard.press("r")
    page.wait_for_selector(f'.decision:has(input[name=id][value="{focused}"])[data-status="rejected"]')
    assert PaperConcept.objects.get(pk=int(focused)).status == "rejected"


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_proposals_are_decided_one_click_each_beside_what_the_paper_holds(log_in, width, height):
    import json

    from bibliography.formats import openalex
    from bibliography.models import Paper, Proposal
    from bibliography.proposing import offered, proposals, proposals_save
    from tests.test_enriching import STATE_OF_OA

    call_command("import_dumps", str(DUMPS), "--no-progress", stdout=io.StringIO())
    record = openalex.work_record(STATE_OF_OA, json.dumps(STATE_OF_OA), 1, "OpenAlex API", None)
    papers = list(Paper.objects.filter(doi__isnull=True).order_by("pk")[:3])
    found = []
    for paper in papers:
        why = "OpenAlex, by title search: title 84% alike; first author unknown here; year unknown here"
        found += proposals(paper, offered(paper, record, [], "", blanks=True), source="OpenAlex", reason=why,
                           url="https://openalex.org/W2741809807")  # fmt: skip
    assert proposals_save(found) >= 12
    _, page = log_in("/admin/review/proposals/", ".review-paper", width=width, height=height)
    folder = SCREENSHOTS / "curation"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"review-proposals-{width}.png"))

    doi = page.locator(".decision", has=page.locator(".concept", has_text="DOI")).first
    doi.evaluate("row => row.scrollIntoView({block: 'center', behavior: 'instant'})")
    assert inside(doi.locator("button.accept").bounding_box(), page.viewport_size)
    assert "10.7717/peerj.4375" in doi.inner_text() and "nothing" in doi.inner_text()
    doi.locator("button.accept").click()
    page.wait_for_selector('.decision[data-status="accepted"]')
    assert doi.locator("button.undo").count() == 0  # an accepted value is the paper's: edited there
    assert doi.locator(".proposed-change dd").first.inner_text() == "10.7717/peerj.4375"  # now, without a reload
    assert Paper.objects.get(pk=papers[0].pk).doi == "10.7717/peerj.4375"

    venue = page.locator('.decision[data-status="suggested"]', has=page.locator(".concept", has_text="Venue")).first
    venue.evaluate("row => row.scrollIntoView({block: 'center', behavior: 'instant'})")
    assert inside(venue.locator("button.reject").bounding_box(), page.viewport_size)
    venue_id = venue.locator("input[name=id]").input_value()
    venue.locator("button.reject").click()
    page.wait_for_selector(f'.decision:has(input[name=id][value="{venue_id}"])[data-status="rejected"] button.undo')
    assert Proposal.objects.get(pk=int(venue_id)).status == "rejected"
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing to scroll sideways
