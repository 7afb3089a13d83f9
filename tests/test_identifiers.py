"""Identifiers as people and files give them, read one way (bibliography/identifiers.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibliography import identifiers, richtext
from bibliography.formats.fields import arxiv_container


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


ARXIV_IDS = st.one_of(
    st.from_regex(r"\A(0[7-9]|1[0-9]|2[0-5])(0[1-9]|1[0-2])\.[0-9]{4,5}\Z"),
    st.from_regex(r"\A(hep-th|math|cs|astro-ph|cond-mat)/9[1-9](0[1-9]|1[0-2])[0-9]{3}\Z"),
)
ARXIV_NAMES = st.sampled_from(["arXiv", "ArXiv", "arxiv", "ARXIV", "CoRR"])
PREPRINT_WORDS = st.sampled_from(["", " preprint", " e-prints", " e-print", " eprints", " Prepr.", " Preprint"])


@given(ARXIV_NAMES, PREPRINT_WORDS, st.sampled_from([" arXiv:", " ", ", ", ":", " abs/"]), ARXIV_IDS,
       st.sampled_from(["", "v1", "v12"]), st.sampled_from(["", "."]))  # fmt: skip
def test_arxiv_written_where_a_journal_goes_is_its_e_print(name, words, before, ident, version, end):
    assert arxiv_container(f"{name}{words}{before}{ident}{version}{end}") == ident
    assert arxiv_container(f"{name}{words}") == ""
    assert arxiv_container(f"{name}{words}", volume=f"abs/{ident}{version}") == ident


@given(st.text(min_size=1).filter(lambda name: not richtext.plain(name).strip().lower().startswith(("arxiv", "corr"))))
def test_any_other_container_is_a_venue(name):
    assert arxiv_container(name) is None
    assert arxiv_container(f"Journal of arXiv {name}") is None


@given(ARXIV_NAMES, PREPRINT_WORDS, st.from_regex(r"\A[0-9]{1,3}(\.[0-9]{1,3})?\Z"))
def test_an_id_that_is_none_keeps_the_container_as_written(name, words, wrong):
    assert arxiv_container(f"{name}{words} arXiv:{wrong}") is None
