"""BibTeX and biblatex (bibliography/formats/bibtex.py with bibtex_grammar, bibtex_fields and
bibtex_writing): what an entry reads as, the language as BibTeX and biber read it (`@string` macros and
the month macros, `#` concatenation, quoted and braced values, `@preamble`, `@comment`, text between
entries, `crossref` and `xdata` inheritance, duplicate fields), values kept as written, and files
generated from the grammar, which go in whole and whose export pandoc reads as the original.
"""

import string
import subprocess

import bibtexparser
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bibliography.exporting import export_chunks
from bibliography.formats.bibtex_grammar import Reading
from bibliography.formats.reader import Line
from bibliography.formats.registry import EXPORT_FORMATS
from bibliography.importers.load import import_file
from bibliography.models import Concept, Paper, PaperKeyword, SourceRecord

from .conftest import REAL, Starts, check_case, export, wipe_bibliography
from .pandoc import as_csl, needs_pandoc

BIB = """@comment{exported by hand}
@string{iclr = "International Conference on Learning Representations"}

@inproceedings{smith2020deep,
  title = {Deep Things, {Revisited}},
  author = {Smith, Jane and de la Cruz, Ana},
  booktitle = iclr,
  year = 2020,
  doi = {https://doi.org/10.1234/ABC.def},
  eprint = {2001.01234v2},
  archivePrefix = {arXiv},
  keywords = {scaling, {vision, language}},
  url = {https://github.com/smith/deep}
}
"""


CASES = [
    (BIB, {"records": [{
        "title": 'Deep Things, <span class="nocase">Revisited</span>',
        "authors": ["Jane Smith", "Ana de la Cruz"],
        "issued": {"date-parts": [[2020]]},
        "doi": "10.1234/abc.def",
        "arxiv_id": "2001.01234",
        "venue.name": "International Conference on Learning Representations",
        "venue.kind": "conference",
        "keywords": ["scaling", "vision, language"],
        "links": [("https://github.com/smith/deep", "code")],
        "citation_key": "smith2020deep",
        "line": 4,
    }]}),
    (BIB.replace("year = 2020", "year = {20x0}"),
     {"file": "bad-year.bib", "unread": [Starts("bad-year.bib:4: year: '20x0' is not a date")]}),
    (BIB.replace("10.1234/ABC.def", "nonsense"),
     {"file": "doi.bib", "warnings": [Starts("doi.bib:4: doi: 'https://doi.org/nonsense' is not a DOI")]}),
    (BIB.replace("2001.01234v2", "12"),
     {"file": "arxiv.bib", "warnings": [Starts("arxiv.bib:4: eprint: '12' is not an arXiv id")]}),
    ("@article{a, title = {A}, year = {20x0}}\n@article{b, title = {B}}\n"
     "@article{c, title = {C}, month = {Smarch}, year = {2020}}\n@article{d, title = {D}, url = {not a url}}\n",
     {"file": "bad.bib", "unread": [
         "bad.bib:1: year: '20x0' is not a date: read as words (a literal date)",
         "bad.bib:3: month: 'Smarch' is not a month",
         "bad.bib:4: url: 'not a url' is not a URL, not a link",
     ]}),
    ("@online{a,\n  title = {A},\n  date = {2017-06-12T10:37:59+05:30},\n  urldate = {2020-05-23},\n"
     "  url = {www.example.org/a https://example.org/b papers3://publication/uuid/X}\n}\n"
     "@article{b,\n  title = {B},\n  year = {2019},\n  month = {Spring}\n}\n", {"records": [
        {"issued": {"date-parts": [[2017, 6, 12]]}, "accessed": {"date-parts": [[2020, 5, 23]]}},
        {"issued": {"date-parts": [[2019]], "season": 1}},
    ]}),  # what reference managers really write
    ("@article{k, title = {T}, journal = jmlr, year = 2020}\n", {"records": [{"venue.name": "jmlr"}]}),
    # arXiv where the journal goes is where the paper is, not a venue: Google Scholar, DBLP, an id that is none
    ("@article{k, title = {T}, journal = {arXiv preprint arXiv:2305.07759}, year = 2023}\n",
     {"records": [{"arxiv_id": "2305.07759", "venue": None,
                   "extra.container-title": "arXiv preprint arXiv:2305.07759"}]}),
    ("@article{k, title = {T}, journal = {CoRR}, volume = {abs/2305.07759}, eprinttype = {arXiv},\n"
     "  eprint = {2305.07759}, year = {2023}}\n",
     {"records": [{"arxiv_id": "2305.07759", "venue": None}]}),
    ("@article{k, title = {T}, journal = {arXiv preprint arXiv:9999}, year = 2023}\n",
     {"records": [{"arxiv_id": None, "venue.name": "arXiv preprint arXiv:9999"}]}),
    *[(REAL / name, {"count": entries, "problems": []}) for name, entries in [
        ("zotero-bibtex.bib", 149), ("zotero-biblatex.bib", 26), ("zotero-better-bibtex.bib", 42),
        ("mendeley.bib", 97), ("jabref.bib", 29), ("zotero-bibtex-french-tnah.bib", 99),
        ("bbt-biblatex-history-theses.bib", 100), ("jabref5-mri-thesis.bib", 89),
        ("jabref210-cp1252-crlf-german.bib", 47), ("citavi6-german-masterarbeit.bib", 75),
        ("endnote-bibtex-chinese-crlf-bom.txt", 33), ("gscholar-pasted-masterarbeit.bib", 114),
        ("dblp-person-withcrossref.bib", 157), ("scopus-biodiversity.bib", 244), ("wos-bibtex-education.bib", 24),
        ("hand-biblatex-french-history-straybrace.bib", 72), ("latin1-pubmed-derived-mixed-encoding.bib", 61),
    ]],  # the entries the corpus and the real libraries' tests count, none refused
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_an_entry_reads_as_its_case_says(tmp_path, source, expected):
    check_case("bibtex", source, expected, tmp_path)


def test_bibtex_fields_are_read(db, tmp_path):
    path = tmp_path / "refs.txt"
    path.write_text(BIB)

    result = import_file(path)

    assert result.ok and result.format == "bibtex"
    paper = Paper.objects.for_listing().get()
    assert paper.title == 'Deep Things, <span class="nocase">Revisited</span>' and paper.year == 2020
    assert paper.venue.name == "International Conference on Learning Representations"
    assert paper.venue.kind == "conference"
    assert paper.doi == "10.1234/abc.def" and paper.arxiv_id == "2001.01234"
    assert [a.author.name for a in paper.authorships.all()] == ["Jane Smith", "Ana de la Cruz"]
    assert [(link.url, link.kind) for link in paper.links.all()] == [("https://github.com/smith/deep", "code")]
    # keywords are the paper's keywords, in their order: no concept is made or tagged from them
    assert [pk.keyword.name for pk in paper.paper_keywords.all()] == ["scaling", "vision, language"]
    assert not paper.accepted_tags and not Concept.objects.exists()
    assert SourceRecord.objects.get().line_number == 4


def test_reimporting_the_same_file_changes_nothing(db, tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(BIB)
    import_file(path)

    again = import_file(path)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert PaperKeyword.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "content", "warning", "field", "kept"),
    [
        ("doi.bib", BIB.replace("10.1234/ABC.def", "nonsense"),
         "doi.bib:4: doi: 'https://doi.org/nonsense' is not a DOI", "doi", "https://doi.org/nonsense"),
        ("arxiv.bib", BIB.replace("2001.01234v2", "12"),
         "arxiv.bib:4: eprint: '12' is not an arXiv id", "eprint", "12"),
    ],
)  # fmt: skip
def test_identifiers_that_are_none_are_kept_as_written_with_a_warning(
    db, tmp_path, name, content, warning, field, kept
):
    path = tmp_path / name
    path.write_text(content)

    result = import_file(path)

    assert result.ok, result.error
    assert any(w.startswith(warning) for w in result.warnings), result.warnings
    assert Paper.objects.count() == 1
    assert bibtexparser.parse_string(export("bibtex")).entries[0][field] == kept


def test_what_reference_managers_really_write_is_read(db, tmp_path):
    path = tmp_path / "zotero.bib"
    path.write_text(
        "@online{a,\n  title = {A},\n  date = {2017-06-12T10:37:59+05:30},\n  urldate = {2020-05-23},\n"
        "  url = {www.example.org/a https://example.org/b papers3://publication/uuid/X}\n}\n"
        "@article{b,\n  title = {B},\n  year = {2019},\n  month = {Spring}\n}\n"
    )

    result = import_file(path)

    assert result.ok, result.error
    a, b = Paper.objects.order_by("id")
    assert (a.issued, a.published_on.isoformat(), a.accessed) == (
        {"date-parts": [[2017, 6, 12]]},
        "2017-06-12",
        {"date-parts": [[2020, 5, 23]]},
    )
    assert [link.url for link in a.links.order_by("id")] == ["https://www.example.org/a", "https://example.org/b"]
    assert a.extra["bibtex"]["url"] == "papers3://publication/uuid/X"
    assert b.issued == {"date-parts": [[2019]], "season": 1} and b.year == 2019
    assert any("has no scheme" in w for w in result.warnings)
    assert any("is not a web address" in w for w in result.warnings)


def test_every_problem_of_a_file_is_told_in_one_pass_and_strict_writes_nothing(db, tmp_path):
    path = tmp_path / "bad.bib"
    path.write_text(
        "@article{a, title = {A}, year = {20x0}}\n@article{b, title = {B}}\n"
        "@article{c, title = {C}, month = {Smarch}, year = {2020}}\n@article{d, title = {D}, url = {not a url}}\n"
    )
    said = [
        "bad.bib:1: year: '20x0' is not a date: read as words (a literal date)",
        "bad.bib:3: month: 'Smarch' is not a month",
        "bad.bib:4: url: 'not a url' is not a URL, not a link",
    ]

    strict = import_file(path, strict=True)

    assert not strict.ok
    assert str(strict.error).splitlines() == said
    assert not Paper.objects.exists()

    result = import_file(path)

    assert result.ok and result.created == 4
    assert result.warnings == [f"{problem}; kept as written" for problem in said]
    exported = export("bibtex")
    for field in ("year = {20x0}", "month = {Smarch}", "url = {not a url}"):
        assert field in exported


def test_skip_invalid_imports_the_rest_and_writes_the_rejected_beside_the_file(db, tmp_path):
    path = tmp_path / "bad.bib"
    path.write_text("@article{a, title = {A}, year = {20x0}}\n@article{b, title = {B}}\n")

    result = import_file(path, skip_invalid=True, strict=True)

    assert result.ok and result.created == 1
    assert list(Paper.objects.values_list("title", flat=True)) == ["B"]
    assert (tmp_path / "bad.rejected.bib").read_text() == "@article{a, title = {A}, year = {20x0}}\n"
    assert (
        tmp_path / "bad.rejected.txt"
    ).read_text() == "bad.bib:1: year: '20x0' is not a date: read as words (a literal date)\n"
    rejected = import_file(tmp_path / "bad.rejected.bib", strict=True)
    assert not rejected.ok  # the rejected file still says what is wrong
    assert import_file(tmp_path / "bad.rejected.bib").ok  # and without --strict, it goes in


def test_a_macro_the_file_does_not_define_is_its_name_and_is_written_back_as_it_came(db, tmp_path):
    path = tmp_path / "undefined.bib"
    path.write_text("@article{k, title = {T}, journal = jmlr, year = 2020}\n")
    result = import_file(path)
    assert result.ok and any("the string macro 'jmlr' is not defined" in w for w in result.warnings)
    assert Paper.objects.get().venue.name == "jmlr"
    assert "journal = jmlr," in "".join(export_chunks(Paper.objects.all(), EXPORT_FORMATS["bibtex"]))


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


# files generated from the grammar ----------------------------------------------------------------------

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
