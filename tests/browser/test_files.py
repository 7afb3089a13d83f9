"""A curator attaches a real PDF on a paper's page in Chromium, at a desktop's and a phone's width,
and finds the paper by a sentence inside it."""

from pathlib import Path

import pytest

from bibliography.models import Attachment
from tests.browser.conftest import SCREENSHOTS
from tests.factories import make_paper

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PDF = Path(__file__).resolve().parent.parent / "data" / "real" / "pdf" / "shinyama-naacl06.pdf"


@pytest.mark.parametrize("width", [1280, 390])
def test_a_curator_attaches_a_pdf_and_finds_the_paper_by_a_sentence_in_it(log_in, width):
    paper = make_paper(title="Preemptive information extraction", doi="10.3115/1220835.1220873")
    make_paper(title="Another paper")
    _, page = log_in(f"/admin/bibliography/paper/{paper.pk}/change/", "#id_new_files", width=width)
    assert page.get_attribute("#id_new_files", "multiple") is not None  # several files at once
    doi = page.locator('a[href="https://doi.org/10.3115/1220835.1220873"]')
    assert doi.count() == 1 and doi.get_attribute("rel") == "noopener noreferrer"
    page.set_input_files("#id_new_files", str(PDF))
    page.click("input[name=_continue]")
    page.wait_for_selector("#attachments-group a:has-text('shinyama-naacl06.pdf')")
    row = page.inner_text("#attachments-group")
    assert "8 pages; 29," in row and "characters read." in row
    group = page.eval_on_selector("#attachments-group", "e => [e.scrollWidth, e.clientWidth]")
    assert group[0] <= group[1] + 1  # the files' table fits its box: nothing hidden sideways
    folder = SCREENSHOTS / "curation"
    folder.mkdir(parents=True, exist_ok=True)
    page.locator("#attachments-group").scroll_into_view_if_needed()
    page.screenshot(path=str(folder / f"files-{width}.png"))

    kept = Attachment.objects.get()
    opened = page.request.get(page.url.split("/admin/")[0] + f"/admin/bibliography/paper/file/{kept.pk}/")
    assert opened.status == 200 and opened.body() == PDF.read_bytes()

    page.goto(page.url.split("/admin/")[0] + "/admin/bibliography/paper/?q=gradually extend a table while retaining")
    assert page.locator("#result_list .field-display_title").all_inner_texts() == ["Preemptive information extraction"]
