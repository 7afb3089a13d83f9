"""The fast reading of a plain entry (bibtex_grammar._scan_plain) against pybtex's scanner, which
stays the reference: on any text, the fast path either declines or reads exactly what pybtex reads
(fields, values, source texts, positions) with no error; and it does not decline the entries real
files hold, or it would be no faster."""

import string

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pybtex.database.input.bibtex import month_names
from pybtex.utils import CaseInsensitiveDict

from bibliography.formats.bibtex_grammar import _pieces, _scan, _scan_plain
from bibliography.formats.reader import DumpReader

from .conftest import REAL

MACROS = {**month_names, "iclr": "International Conference on Learning Representations"}

# pieces of text that each change what BibTeX's grammar makes of a value, a key or the text around
TRICKY = ["{", "}", '"', "@", "#", ",", "=", "(", ")", "\\", "\n", "\r\n", " ", "\t", "%", "$", "{\\'e}", "\\{", "\\}"]
chunk = st.one_of(st.text(alphabet=string.ascii_letters + string.digits + " .:-", max_size=8), st.sampled_from(TRICKY))
content = st.lists(chunk, max_size=8).map("".join)
balanced = st.recursive(
    st.text(alphabet=string.ascii_letters + " .,:;'\"=#@%-\n\\", max_size=12),
    lambda inner: st.builds(lambda a, b, c: a + "{" + b + "}" + c, inner, inner, inner),
    max_leaves=6,
)
plain_part = st.one_of(
    st.builds("{{{}}}".format, balanced),
    st.builds('"{}"'.format, balanced.filter(lambda s: '"' not in s)),
    st.integers(0, 3000).map(str),
    st.sampled_from(["jan", "Dec", "iclr"]),
)
part = st.one_of(
    plain_part,
    st.builds("{{{}}}".format, content),
    st.builds('"{}"'.format, content),
    st.builds('"{}'.format, content),  # never closed
    st.builds("{{{}".format, content),
    st.sampled_from(["undefined", "2020a", "x-y"]),
)


def joined(parts):
    return st.lists(parts, min_size=1, max_size=3).flatmap(
        lambda parts: st.sampled_from([" # ", "#", " #\n "]).map(lambda sep: sep.join(parts))
    )


value = joined(part)
name = st.one_of(st.sampled_from(["title", "Author", "year", "journal", "note", "x:y", "a.b"]), content)
space = st.sampled_from(["", " ", "\n  ", "\t", "\r\n"])


@st.composite
def pieces(draw):
    """One piece as the reader cuts a file: an entry (well formed or not) and the text after it."""
    kind = draw(st.sampled_from(["article", "Misc", "inproceedings", "string", "preamble", "comment", "x-y", ""]))
    opening, closing = draw(st.sampled_from([("{", "}"), ("(", ")"), ("{", ")"), ("{", "")]))
    key = draw(st.one_of(st.sampled_from(["smith2020", "a:b/c-d", "W1"]), content))
    fields = draw(st.lists(st.tuples(name, space, value, space), max_size=4))
    commas = draw(st.sampled_from([",", ",", ", ", ",,", ""]))
    body = commas.join(f"{s1}{n} ={s2}{v}" for n, s1, v, s2 in fields)
    trailing = draw(st.sampled_from(["", ",", ",\n"]))
    after = draw(st.one_of(st.just("\n"), st.builds("\n{}\n".format, content)))
    return f"@{kind}{draw(space)}{opening}{key},{body}{trailing}{draw(space)}{closing}{after}"


@st.composite
def plain_pieces(draw):
    """An entry of the shape nearly every real one has, which the fast path must read itself."""
    fields = draw(
        st.lists(
            st.tuples(st.sampled_from(["title", "author", "Year", "note"]), space, joined(plain_part), space),
            max_size=5,
        )
    )
    body = ",".join(f"{s1}{n} ={s2}{v}" for n, s1, v, s2 in fields)
    return f"@article{{key2020,{body}\n}}\n% after\n"


def fast_agrees_with_pybtex(text: str) -> bool:
    """Whether the fast path declined; fails if it read anything pybtex reads otherwise."""
    plain = _scan_plain(text, CaseInsensitiveDict(MACROS))
    if plain is None:
        return False
    scanned, scanner = _scan(text, CaseInsensitiveDict(MACROS))
    assert plain == scanned, text
    assert not scanner.stray, text
    return True


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(piece=pieces())
@example(piece='@article{k,title = "ab}, year = 1}\n')  # a quoted value closed by a brace: pybtex's error
@example(piece="@article{k,title = {" + "{" * 101 + "}" * 102 + "}\n")  # deeper than pybtex reads
def test_the_fast_reading_is_pybtexs_or_none(piece):
    fast_agrees_with_pybtex(piece)


@settings(max_examples=300, deadline=None)
@given(piece=plain_pieces())
def test_a_plain_entry_is_read_by_the_fast_path(piece):
    assert fast_agrees_with_pybtex(piece), piece


@pytest.mark.parametrize("path", sorted(REAL.rglob("*.bib")), ids=lambda p: p.name)
def test_real_files_read_alike_and_mostly_fast(path):
    pieces = [text for _, text in _pieces(DumpReader(path))]
    fast = sum(fast_agrees_with_pybtex(text) for text in pieces)
    assert fast >= 0.9 * len(pieces), f"{fast} of {len(pieces)} pieces read by the fast path"
