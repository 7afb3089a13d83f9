"""An author added on a paper's page by typing the name: the library's author by that name (by the
rule every door follows), or a new one; a refused save makes no author."""

import re

import pytest

from bibliography.models import Author, Authorship
from tests.admin_pages import CHANGELIST, _change_form_data
from tests.factories import make_author, make_paper

pytestmark = pytest.mark.django_db


def with_author_rows(paper, *values) -> dict:
    data = _change_form_data(paper)
    first = data["authorships-TOTAL_FORMS"]
    data["authorships-TOTAL_FORMS"] = first + len(values)
    for i, value in enumerate(values, first):
        data |= {f"authorships-{i}-author": value, f"authorships-{i}-role": "author", f"authorships-{i}-position": ""}
    return data


def test_a_typed_name_is_the_author_the_library_has_or_a_new_one(client, curator):
    frankle = make_author(name="Jonathan Frankle")
    paper = make_paper(title="The lottery ticket hypothesis")
    answer = client.post(
        f"{CHANGELIST}{paper.pk}/change/", with_author_rows(paper, "Frankle, Jonathan", "Michael Carbin")
    )
    assert answer.status_code == 302
    rows = list(Authorship.objects.filter(paper=paper).order_by("position").values_list("author__name", "position"))
    assert rows == [("Jonathan Frankle", 1), ("Michael Carbin", 2)]
    assert Authorship.objects.get(paper=paper, position=1).author == frankle  # not a second Frankle
    assert Author.objects.count() == 2


def test_a_refused_save_makes_no_author_and_shows_the_typed_name_again(client, curator):
    paper = make_paper(title="Refused")
    data = with_author_rows(paper, "Ada Lovelace") | {"issued": "not a date"}
    answer = client.post(f"{CHANGELIST}{paper.pk}/change/", data)
    assert answer.status_code == 200 and "issued" in answer.context["adminform"].form.errors
    assert not Author.objects.exists() and not Authorship.objects.exists()
    assert '<option value="Ada Lovelace" selected>Ada Lovelace</option>' in answer.content.decode()


def test_the_author_box_takes_a_typed_name(client, curator):
    paper = make_paper(title="Typed")
    make_author(name="Grace Hopper")
    page = client.get(f"{CHANGELIST}{paper.pk}/change/").content.decode()
    box = re.search(r'<select[^>]*name="authorships-__prefix__-author"[^>]*>', page)[0]
    assert 'data-tags="true"' in box


def test_a_chosen_author_is_still_chosen_by_id(client, curator):
    hopper, paper = make_author(name="Grace Hopper"), make_paper(title="Chosen")
    assert client.post(f"{CHANGELIST}{paper.pk}/change/", with_author_rows(paper, str(hopper.pk))).status_code == 302
    assert Authorship.objects.get().author == hopper and Author.objects.count() == 1
