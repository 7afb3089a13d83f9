"""BibTeX's language as BibTeX and biber read it, tried with files generated from its grammar: `@string`
macros and the month macros, `#` concatenation, quoted and braced values with nested braces, numbers,
`@preamble`, `@comment`, text between entries, `crossref` and `xdata` inheritance, duplicate fields.
Every file pandoc's BibTeX reader accepts is imported with no entry refused, and what pandoc reads from
our BibTeX export is what it reads from the original, entry by entry.
"""

import string
import subprocess

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bibliography.exporting import export_chunks
from bibliography.formats.bibtex_grammar import Reading
from bibliography.formats.reader import Line
from bibliography.formats.registry import EXPORT_FORMATS
from bibliography.importers.load import import_file
from bibliography.models import Paper

from .conftest import wipe_bibliography
from .pandoc import as_csl, needs_pandoc

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
LETTERS = string.ascii_letters + "éüßøñçåÉ"

word = st.text(alphabet=LETTERS + string.digits, min_size=1, max_size=9)
latex = st.sampled_from([r"{\"o}", r"\'e", r"{\ss}", r"\&", "$x^2$", "--", "{NASA}", r"\emph{in vivo}", "{DNA}"])
phrase = st.lists(st.one_of(word, word, word, latex), min_size=1, max_size=6).map(" ".join)
nested = st.builds(lambda a, b, c: f"{a} {{{b}}} {c}".strip(), phrase, phrase, st.sampled_from(["", "end"]))
text = st.one_of(phrase, nested)
family = st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=1).flatmap(
    lambda first: st.text(alphabet=string.ascii_lowercase + "éü", min_size=2, max_size=8).map(first.__add__)
)
name = st.builds(lambda last, given: f"{last}, {given}", family, family)
names = st.lists(name, min_size=1, max_size=4, unique=True).map(" and ".join)


def delimited(value: str, quoted: bool) -> str:
    return f'"{value}"' if quoted and '"' not in value else "{" + value + "}"


@st.composite
def values(draw, content, macros: list[str]):
    """A field's value as the grammar allows it: braced, quoted, a macro, or pieces joined with #."""
    pieces = []
    for _ in range(draw(st.integers(1, 3))):
        if macros and draw(st.booleans()) and draw(st.booleans()):
            pieces.append(draw(st.sampled_from(macros)))
        else:
            pieces.append(delimited(draw(content), draw(st.booleans())))
    return " # ".join(pieces)


@st.composite
def libraries(draw):
    """A .bib file: @string macros, entries of several types with the fields reference managers
    write, a crossref to a @proceedings, stray text and @comment between them; and how many works."""
    blocks, macros = [], []
    for n in range(draw(st.integers(0, 2))):
        macros.append(f"macro{n}")
        blocks.append(f"@string{{macro{n} = {delimited(draw(phrase), draw(st.booleans()))}}}")
    if draw(st.booleans()):
        blocks.append('@preamble{ "\\newcommand{\\noop}[1]{}" }')
    entries = draw(st.integers(1, 4))
    parent = draw(st.booleans())
    for n in range(entries):
        kind = draw(st.sampled_from(["article", "book", "inproceedings", "misc", "techreport", "phdthesis"]))
        fields = [("title", draw(values(text, macros))), ("author", delimited(draw(names), draw(st.booleans())))]
        year = draw(st.integers(1900, 2030))
        fields.append(("year", draw(st.sampled_from([str(year), "{" + str(year) + "}", f'"{year}"']))))
        if draw(st.booleans()):
            fields.append(("month", draw(st.sampled_from([*MONTHS, "{May}", "{10}"]))))
        if kind == "article":
            fields.append(("journal", draw(values(phrase, macros))))
        for field in draw(
            st.lists(st.sampled_from(["volume", "pages", "publisher", "note", "doi", "url"]), unique=True)
        ):
            fields.append((field, _field_value(draw, field)))
        if kind == "inproceedings" and parent:
            fields.append(("crossref", "{proc}"))
        body = ",\n".join(f"  {draw(st.sampled_from([f, f.upper(), f.capitalize()]))} = {v}" for f, v in fields)
        blocks.append(f"@{kind}{{key{n},\n{body}\n}}")
        if draw(st.booleans()):
            blocks.append(draw(st.sampled_from(["Some text between entries.", "@comment{a note}", "% a comment"])))
    if parent:
        blocks.append(f"@proceedings{{proc,\n  title = {{{draw(phrase)}}},\n  year = 2020,\n  publisher = {{ACM}}\n}}")
    return "\n\n".join(blocks) + "\n", entries + parent


def _field_value(draw, field: str) -> str:
    if field == "volume":
        return str(draw(st.integers(1, 300)))
    if field == "pages":
        start = draw(st.integers(1, 900))
        return f"{{{start}--{start + draw(st.integers(1, 40))}}}"
    if field == "doi":
        return f"{{10.{draw(st.integers(1000, 99999))}/{draw(word)}}}"
    if field == "url":
        return f"{{https://example.org/{draw(word)}}}"
    return "{" + draw(phrase) + "}"


def pandoc_reads(path) -> bool:
    try:
        as_csl(path)
    except subprocess.CalledProcessError:
        return False
    return True


@pytest.mark.slow
@needs_pandoc
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(library=libraries())
def test_generated_libraries_go_in_whole_and_pandoc_reads_the_export_as_the_original(db, tmp_path_factory, library):
    content, works = library
    folder = tmp_path_factory.mktemp("bib")
    original = folder / "original.bib"
    original.write_text(content, encoding="utf-8")
    assume(pandoc_reads(original))
    wipe_bibliography()

    result = import_file(original)

    assert result.ok, result.error
    assert result.records == works and not result.rejected
    export = folder / "export.bib"
    export.write_text("".join(export_chunks(Paper.objects.all(), EXPORT_FORMATS["bibtex"])), encoding="utf-8")
    theirs, ours = as_csl(original), as_csl(export)
    keys = {p.citation_key for p in Paper.objects.all()}
    assert keys == set(theirs), (keys, set(theirs))
    differing = {
        key: {f: (item.get(f), ours[key].get(f)) for f in set(item) | set(ours[key]) if item.get(f) != ours[key].get(f)}
        for key, item in theirs.items()
    }
    assert {key: d for key, d in differing.items() if d} == {}, content


def _entries(text: str):
    return list(Reading().entries(Line(n, line) for n, line in enumerate(text.split("\n"), 1)))


def test_macros_concatenation_and_month_macros_as_bibtex_reads_them():
    (entry,) = _entries(
        '@string{jr = "Journal of "}\n@STRING{ai = {Artificial {I}ntelligence}}\n'
        '@article{k, journal = jr # ai, month = dec # "~3", year = 2001, note = "a" # {b} # 7}\n'
    )
    assert entry.values == {"journal": "Journal of Artificial {I}ntelligence", "month": "December~3", "year": "2001",
                            "note": "ab7"}  # fmt: skip
    assert entry.sources["month"] == 'dec # "~3"'


def test_text_between_entries_preamble_and_comment_are_passed_over():
    reading = Reading()
    entries = list(
        reading.entries(
            Line(n, line)
            for n, line in enumerate(
                [
                    "Exported by hand.",
                    '@preamble{"\\newcommand{\\x}{}"}',
                    "@comment{jabref-meta: x;}",
                    "@misc{a, title = {A}}",
                    "stray } text",
                    "@misc{b, title = {B}}",
                ],
                1,
            )  # fmt: skip
        )
    )
    assert [(e.key, e.line) for e in entries] == [("a", 4), ("b", 6)]
    assert reading.preambles == [(2, "\\newcommand{\\x}{}")]


def test_crossref_and_xdata_inherit_as_biber_does_whichever_comes_first():
    xdata_user, proceedings, child = _entries(
        "@inproceedings{c, title = {Paper}, crossref = {p}}\n"
        "@xdata{pub, publisher = {ACM}, address = {New York}}\n"
        "@article{x, title = {Other}, xdata = {pub}, address = {Paris}}\n"
        "@proceedings{p, title = {Proceedings of Things}, year = 2020, editor = {Doe, J.}}\n"
    )
    assert (xdata_user.key, proceedings.key, child.key) == ("x", "p", "c")  # a child waits for its parent
    assert child.values["booktitle"] == "Proceedings of Things" and child.values["title"] == "Paper"
    assert child.values["year"] == "2020" and child.values["editor"] == "Doe, J."
    assert xdata_user.values["publisher"] == "ACM" and xdata_user.values["address"] == "Paris"


def test_a_broken_entry_spoils_only_itself():
    entries = _entries(
        "@article{a, title = {Unbalanced { brace}, year = 2001}\n"
        "@article{b, title = {Fine}}\n"
        "@article{c, title = {Escaped \\{ brace}, year = 2002}\n"
        "@article{d, title = {Missing comma} year = 2003}\n"
        "@article{e, title = {One}, title = {Two}}\n"
        "@misc{, title = {No key}}\n"
        "@article{Ribeiro, Jr2022, title = {Key with a comma}}\n"
    )
    by_key = {e.key: e for e in entries}
    assert list(by_key) == ["a", "b", "c", "d", "e", "", "Ribeiro, Jr2022"]
    assert by_key["b"].values == {"title": "Fine"}
    assert by_key["a"].verbatim == {"title"}  # kept as far as it could be read, written back as it came
    assert by_key["c"].values["title"] == "Escaped \\{ brace" and by_key["c"].values["year"] == "2002"
    assert by_key["d"].values == {"title": "Missing comma", "year": "2003"}
    assert by_key["e"].values == {"title": "One"} and "a second title field" in by_key["e"].notes[0][1]
    assert by_key[""].values == {"title": "No key"}


def test_a_macro_the_file_does_not_define_is_its_name_and_is_written_back_as_it_came(db, tmp_path):
    path = tmp_path / "undefined.bib"
    path.write_text("@article{k, title = {T}, journal = jmlr, year = 2020}\n")
    result = import_file(path)
    assert result.ok and any("the string macro 'jmlr' is not defined" in w for w in result.warnings)
    assert Paper.objects.get().venue.name == "jmlr"
    assert "journal = jmlr," in "".join(export_chunks(Paper.objects.all(), EXPORT_FORMATS["bibtex"]))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1", "utf-16"])
def test_every_encoding_a_real_file_comes_in(db, tmp_path, encoding):
    path = tmp_path / "encoded.bib"
    path.write_bytes("@article{k, title = {Über Straßen und Cafés}, year = 2020}\n".encode(encoding))
    result = import_file(path)
    assert result.ok, result.error
    assert Paper.objects.get().title == "Über Straßen und Cafés"
