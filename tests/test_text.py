"""How titles and abstracts are folded into the keys papers are matched on (bibliography/text.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibliography import text


def test_keys_fold_case_accents_and_punctuation():
    assert text.title_key("Gödel's  Théorème: À la carte!") == "godel s theoreme a la carte"
    assert text.title_key("GODEL'S THEOREME — a la carte") == "godel s theoreme a la carte"
    assert text.title_key("注意力机制") == "注意力机制"  # non-Latin titles keep their letters
    assert text.abstract_key("Same words.") == text.abstract_key("same   WORDS")
    assert text.abstract_key("  ...  ") is None


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_the_ascii_shortcut_folds_like_the_general_rule(value):
    general = text._NOT_WORD.sub(" ", text._COMBINING.sub("", value).casefold()).strip()
    assert text.fold(value) == general


@pytest.mark.parametrize(("n", "said"), [(0, "0 papers"), (1, "1 paper"), (2, "2 papers"), (1204, "1,204 papers")])
def test_a_count_takes_its_nouns_number(n, said):
    assert text.count_of(n, "paper") == said
    assert text.count_of(n, "key point") == said.replace("paper", "key point")
    assert text.count_of(n, "query", "queries").endswith("query" if n == 1 else "queries")
