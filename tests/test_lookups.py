"""`field__any` (bibliography/models/lookups.py) finds what `__in` finds, on every kind of column the
import asks it of, and never a stored value that is only the start of a longer one asked for."""

import pytest
from django.db.models import Q

from bibliography.models import Author, Authorship, Paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers():
    doi = "10.1000/" + "a" * 247  # as long as the column holds
    first = Paper.objects.create(title="First", doi=doi, citation_key="first2020")
    second = Paper.objects.create(title="Second", citation_key="second2021")
    author = Author.objects.create(name="Ada Lovelace")
    Authorship.objects.create(paper=first, author=author, position=1)
    return first, second, author


def test_any_finds_what_in_finds(papers):
    first, second, author = papers
    asked = [
        ("citation_key", ["first2020", "second2021", "none", None]),
        ("doi", [first.doi, "10.1/x"]),
        ("pk", {second.pk, 10**12}),
        ("title_key", ["second"]),
    ]
    for column, values in asked:
        expected = set(Paper.objects.filter(**{f"{column}__in": values}))
        assert set(Paper.objects.filter(**{f"{column}__any": values})) == expected, column
        assert expected
    by_paper = Authorship.objects.filter(paper_id__any={first.pk: first})
    assert list(by_paper.values_list("author_id", flat=True)) == [author.pk]
    assert not Paper.objects.filter(doi__any=[]).exists()
    assert set(Paper.objects.filter(Q(doi__any=[]) | Q(citation_key__any=["second2021"]))) == {second}


def test_a_longer_value_never_matches_the_stored_one_it_starts_with(papers):
    first, _, _ = papers
    assert not Paper.objects.filter(doi__any=[first.doi + "b"]).exists()
    assert not Paper.objects.filter(citation_key__any=["first2020" + "x" * 300]).exists()
