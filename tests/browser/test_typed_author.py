"""Adding an author on a paper's page in Chromium: a new row, the name typed, Enter, save; no popup,
no position typed."""

import pytest

from bibliography.models import Authorship
from tests.factories import make_author, make_paper

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_curator_adds_authors_by_typing_their_names(log_in, width):
    paper = make_paper(title="The lottery ticket hypothesis")
    frankle = make_author(name="Jonathan Frankle")
    _, page = log_in(f"/admin/bibliography/paper/{paper.pk}/change/", "#authorships-group", width=width)
    for name in ("Frankle, Jonathan", "Michael Carbin"):
        page.click("#authorships-group .add-row a")
        page.locator("#authorships-group tr.dynamic-authorships").last.locator(".select2-selection").click()
        search = page.locator(".select2-container--open .select2-search__field")
        search.fill(name)  # waits for the box the click opened, then types into it
        page.wait_for_selector(f".select2-results__option:has-text('{name}')")
        search.press("Enter")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    rows = list(Authorship.objects.filter(paper=paper).order_by("position").values_list("author_id", "author__name"))
    assert rows[0] == (frankle.pk, "Jonathan Frankle") and rows[1][1] == "Michael Carbin" and len(rows) == 2
