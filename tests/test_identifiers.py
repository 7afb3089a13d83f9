"""Identifiers as people and files give them, read one way (bibliography/identifiers.py)."""

import pytest

from bibliography import identifiers


@pytest.mark.parametrize(
    ("given", "read"),
    [
        ("https://orcid.org/0000-0002-3577-639X", "0000-0002-3577-639X"),
        ("0000-0001-6155-649x", "0000-0001-6155-649X"),
        ("0000000218250097", "0000-0002-1825-0097"),
        ("  ", None),
    ],
)
def test_an_orcid_is_read_as_pasted(given, read):
    assert identifiers.orcid(given) == read


@pytest.mark.parametrize("given", ["0000-0002-1825-0098", "1234", "https://orcid.org/", "0000-0002-1825-009"])
def test_an_orcid_with_a_wrong_check_digit_or_shape_is_refused_in_words(given):
    with pytest.raises(identifiers.NotAnIdentifier, match="is not an ORCID iD: one looks like"):
        identifiers.orcid(given)
