"""A curator's day in a real Chromium: log in, search, tag through the bulk action, merge two
duplicates on the confirmation page, and read the history. Screenshots of each step go to
`screenshots/curation/` (git-ignored) for a person to look at."""

import io
import re

import pytest
from django.core.management import call_command

from bibliography.models import Concept, Paper, PaperAlias, PaperConcept
from tests.browser.conftest import SCREENSHOTS
from tests.dumps import DUMPS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def shot(page, name: str) -> None:
    folder = SCREENSHOTS / "curation"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_a_curators_day(live_server, log_in):
    call_command("import_dumps", str(DUMPS), "--no-progress", stdout=io.StringIO())
    first = Paper.objects.create(title="Attention Is All You Need", abstract="Transformers, first listing.")
    second = Paper.objects.create(title="Attention is all you need!", abstract="")

    # 1. log in and see the review queue
    curator, page = log_in("/admin/", "#review-queue")
    assert page.inner_text("#review-queue").count("Papers that need review") == 1
    shot(page, "01-index-review-queue")

    # 2. search
    page.goto(f"{live_server.url}/admin/bibliography/paper/")
    page.fill("#searchbar", "induction head")
    page.press("#searchbar", "Enter")
    page.wait_for_selector("#result_list")
    assert "What needs to go right for an induction head?" in page.inner_text("#result_list")
    shot(page, "02-search")

    # 3. tag it with a concept through the bulk action and its intermediate page
    page.check("#result_list tbody tr:first-child input.action-select")
    page.select_option("select[name=action]", "tag_with_concept")
    page.click("button[name=index]")
    page.wait_for_selector("#bulk-form")
    page.click("#bulk-form .select2-selection")
    page.fill(".select2-search__field", "scaling")
    page.locator(".select2-results__option", has_text=re.compile(r"^scaling \((category|topic)\)$")).click()
    shot(page, "03-tag-choose-concept")
    page.click("input[name=apply]")
    page.wait_for_selector(".messagelist")
    assert "1 new tag," in page.inner_text(".messagelist")
    shot(page, "04-tagged")
    tagged = Paper.objects.get(title__startswith="What needs to go right for an induction head?")
    assert PaperConcept.objects.filter(paper=tagged, concept=Concept.objects.get(slug="scaling")).exists()

    # 4. merge two duplicates through the confirmation page
    page.goto(f"{live_server.url}/admin/bibliography/paper/?q=attention+need")
    for row_id in (first.pk, second.pk):
        page.check(f"#result_list input.action-select[value='{row_id}']")
    page.select_option("select[name=action]", "merge_papers")
    page.click("button[name=index]")
    page.wait_for_selector("#merge-form")
    page.check(f"#merge-compare input[name=survivor][value='{second.pk}']")
    page.click("input[name=preview]")
    page.wait_for_selector("#merge-preview")
    assert f"values taken from the merged papers: abstract from #{first.pk}" in page.inner_text("#merge-preview")
    shot(page, "05-merge-confirmation")
    page.click("input[name=merge]")
    page.wait_for_selector(".messagelist")
    assert re.search(rf"Merged #{first.pk} into", page.inner_text(".messagelist"))
    shot(page, "06-merged")
    assert not Paper.objects.filter(pk=first.pk).exists()
    assert Paper.objects.get(pk=second.pk).abstract == "Transformers, first listing."
    assert PaperAlias.objects.get(old_id=first.pk).paper_id == second.pk

    # 5. the history says who merged what
    page.click("a.historylink")
    page.wait_for_selector("#change-history")
    history = page.inner_text("#change-history")
    assert curator.username in history and f"merged #{first.pk} into this paper" in history
    shot(page, "07-history")
