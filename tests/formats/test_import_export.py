"""Citation keys, detection by content, errors that name file, line and field, the command and the API."""

import io
import json

import bibtexparser
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bibliography.citation_keys import choose_keys, keys_assign, keys_locked, suffix
from bibliography.formats import csljson
from bibliography.formats.registry import detect_format
from bibliography.importers.load import import_file
from bibliography.models import Concept, ImportRun, Paper, PaperConcept, PaperKeyword, SourceRecord
from bibliography.names import PersonName
from tests.factories import make_author, make_authorship, make_concept, make_paper

from .conftest import export, wipe_bibliography

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


def test_keys_are_author_year_word_disambiguated_and_stable(db):
    papers = [make_paper(title="The Attention Mechanism", year=2017) for _ in range(3)]
    for paper in papers:
        make_authorship(paper, make_author("Ashish Vaswani"))

    keys_assign(list(Paper.objects.order_by("id")))  # as the admin and the API do when a paper is made
    keys = list(Paper.objects.order_by("id").values_list("citation_key", flat=True))

    assert keys == ["vaswani2017attention", "vaswani2017attentionb", "vaswani2017attentionc"]
    papers[0].title = "Renamed by a curator"
    papers[0].save()  # a stale copy, without the key: the database keeps the key all the same
    export("csljson")
    assert list(Paper.objects.order_by("id").values_list("citation_key", flat=True)) == keys


def test_suffixes_run_b_to_z_then_two_and_three_letters():
    positions = (0, 1, 2, 25, 26, 27, 51, 701, 702)
    assert [suffix(n) for n in positions] == ["", "b", "c", "z", "aa", "ab", "az", "zz", "aaa"]


def test_a_crowded_stem_costs_a_few_lookups_not_a_scan(db):
    """Thousands of keys share `anon2024learning` in a listing with no authors; the next one must not read them all."""
    Paper.objects.bulk_create(
        [
            Paper(title=f"Learning {n}", citation_key=f"anon2024learning{suffix(n)}", title_key=f"learning {n}")
            for n in range(3000)
        ]
    )
    Paper.objects.bulk_create([Paper(title="Typed by a curator", citation_key="anon2024vision", title_key="x")])

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        keys_locked()
        keys = choose_keys([(None, "anon2024learning")] * 3 + [(None, "anon2024vision"), (None, "anon2024new")])
        again = choose_keys([(None, "anon2024learning"), (None, "anon2024new")])

    assert len(set(keys + again)) == 7
    assert not Paper.objects.filter(citation_key__in=keys + again).exists()
    assert keys[3] == "anon2024visionb" and keys[4] == "anon2024new" and again[1] == "anon2024newb"
    assert len(queries) <= 30, [q["sql"][:80] for q in queries]
    assert max(len(q["sql"]) for q in queries) < 2000  # exact lookups of the candidates, never the 3,000 keys


def test_keys_from_one_stem_never_meet_another_stems_keys(db):
    """`smith2020dee` + `p` is `smith2020deep`: a stem's suffix can spell another stem."""
    with transaction.atomic():
        keys_locked()
        keys = choose_keys([(None, "smith2020deep")] + [(None, "smith2020dee")] * 16)
    assert len(set(keys)) == 17


def test_an_imported_key_is_kept_unless_taken(db, tmp_path):
    make_paper(title="Something else", citation_key="smith2020deep")
    path = tmp_path / "refs.bib"
    path.write_text(BIB)

    result = import_file(path)

    assert result.ok, result.error
    paper = Paper.objects.get(title_key="deep things revisited")
    assert paper.citation_key == "smith2020deepb"
    assert paper.extra["citation-key"] == "smith2020deep"  # the file's own, kept beside the one given


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
    ("content", "expected"),
    [
        (BIB, "bibtex"),
        ('[{"id": "a", "type": "article", "title": "T"}]', "csljson"),
        ("TY  - JOUR\nTI  - T\nER  - \n", "ris"),
        ("\ufeff\n\n  [\n  ]\n", "csljson"),
    ],
)
def test_formats_are_told_by_content_not_extension(tmp_path, content, expected):
    path = tmp_path / "export.txt"
    path.write_text(content)
    assert detect_format(path).name == expected


def test_a_file_that_is_not_its_format_fails_whole_naming_file_and_line(db, tmp_path):
    make_paper(title="Already here")
    path = tmp_path / "broken.json"
    path.write_text('[\n {"id": "a", "type": "article", "title": "fine"},\n {"id": "b",\n  "title": oops}\n]\n')

    result = import_file(path)

    assert not result.ok
    assert str(result.error).startswith("broken.json:4: not valid JSON"), str(result.error)
    assert list(Paper.objects.values_list("title", flat=True)) == ["Already here"]
    assert ImportRun.objects.get().status == "failed"


# a conference's whole programme pasted as one title: more than the column holds
LONG_TITLE = " ".join(f"Session {number} on things" for number in range(1, 80))


@pytest.mark.parametrize(
    ("name", "content", "message", "exported"),
    [
        ("bad-year.bib", BIB.replace("year = 2020", "year = {20x0}"), "bad-year.bib:4: year: '20x0' is not a date",
         "year = {20x0}"),
        ("date.json", '[{"id": "a", "type": "article", "title": "T", "issued": {"date-parts": [[2020, 2, 31]]}}]',
         "date.json:1: issued", '"issued": {\n    "date-parts": [\n      [\n        2020,\n        2,\n        31'),
        ("names.json", '[{"id": "a", "type": "article", "title": "T", "author": [{"family": "A"}, 7]}]',
         "names.json:1: author[2]: expected a name object", '"author": [\n    {\n      "family": "A"\n    },\n    7'),
        ("url.ris", "TY  - JOUR\nTI  - A\nUR  - not a url\nER  - \n", "url.ris:1: UR: 'not a url' is not a URL",
         "UR  - not a url"),
        ("long.bib", BIB.replace("Deep Things", LONG_TITLE), "long.bib:4: title: longer than 1,000 characters (",
         f"{LONG_TITLE}, {{Revisited}}"),
        ("long.json", json.dumps([{"id": "a", "type": "book", "title": LONG_TITLE}]),
         "long.json:1: title: longer than 1,000 characters (", f'"title": "{LONG_TITLE}"'),
        ("long.ris", f"TY  - BOOK\nTI  - {LONG_TITLE}\nER  - \n", "long.ris:1: title: longer than 1,000 characters",
         f"TI  - {LONG_TITLE}"),
    ],
)  # fmt: skip
def test_a_value_that_cannot_be_read_is_kept_as_written_and_said_and_strict_refuses_it(
    db, tmp_path, name, content, message, exported
):
    make_paper(title="Already here")
    path = tmp_path / name
    path.write_text(content)

    strict = import_file(path, strict=True)

    assert not strict.ok and str(strict.error).startswith(message), str(strict.error)
    assert list(Paper.objects.values_list("title", flat=True)) == ["Already here"]

    result = import_file(path)

    assert result.ok, result.error
    assert any(w.startswith(message) and w.endswith("kept as written") for w in result.warnings), result.warnings
    assert Paper.objects.count() == 2
    kind = {"bib": "bibtex", "json": "csljson", "ris": "ris"}[name.rsplit(".", 1)[1]]
    assert exported in export(kind, Paper.objects.exclude(title="Already here")), export(kind)


def test_a_record_the_file_does_not_close_ends_where_the_next_begins(db, tmp_path):
    path = tmp_path / "open.ris"
    path.write_text("TY  - JOUR\nTI  - A\n\nTY  - JOUR\nTI  - B\n")
    result = import_file(path)
    assert result.ok and result.created == 2
    assert result.warnings[:2] == [
        "open.ris:1: the record is not closed with 'ER  -': it ends at line 3",
        "open.ris:4: the record is not closed with 'ER  -' before the file ends",
    ]


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


def test_csljson_items_are_read_across_buffer_boundaries(db, tmp_path, monkeypatch):
    monkeypatch.setattr(csljson, "_READ_AHEAD_CHARS", 64)
    items = [{"id": f"k{n}", "type": "article", "title": f"Paper number {n}", "abstract": "x " * 50} for n in range(30)]
    path = tmp_path / "many.json"
    path.write_text(json.dumps(items, indent=1))

    result = import_file(path)

    assert result.ok, result.error
    assert result.created == 30
    lines = dict(SourceRecord.objects.values_list("paper__title", "line_number"))
    text = path.read_text().splitlines()
    assert text[lines["Paper number 17"] - 1].strip() == "{"
    assert text[lines["Paper number 17"]].strip() == '"id": "k17",'


def test_export_command_filters_like_the_api(db, tmp_path):
    scaling = make_concept("Scaling", slug="scaling")
    tagged = make_paper(title="Tagged paper", year=2023)
    make_paper(title="Other paper", year=2023)
    PaperConcept.objects.create(paper=tagged, concept=scaling, status="accepted", source="manual")
    output = tmp_path / "out.bib"

    stdout = io.StringIO()
    call_command(
        "export_bibliography", "--format", "bibtex", "--output", str(output), "--concept", "scaling", stdout=stdout
    )

    assert "Wrote 1 papers" in stdout.getvalue()
    assert output.read_text().count("@misc{") == 1 and "Tagged paper" in output.read_text()
    call_command("export_bibliography", "--format", "ris", "--output", str(output), "--year", "2023", stdout=stdout)
    assert output.read_text().count("TY  - ") == 2
    with pytest.raises(CommandError, match="--concept: no concept"):
        call_command("export_bibliography", "--format", "ris", "--output", str(output), "--concept", "nope")


@pytest.mark.parametrize(
    ("query", "accept", "media_type", "marker"),
    [
        ("?format=bibtex", None, "application/x-bibtex", "@misc{"),
        ("", "application/x-bibtex", "application/x-bibtex", "@misc{"),
        ("", "text/x-bibtex", "text/x-bibtex", "@misc{"),
        ("?format=csljson", None, "application/vnd.citationstyles.csl+json", '"type": "article"'),
        ("", "application/vnd.citationstyles.csl+json", "application/vnd.citationstyles.csl+json", '"id"'),
        ("?format=ris", None, "application/x-research-info-systems", "TY  - GEN"),
        ("", "application/x-research-info-systems", "application/x-research-info-systems", "ER  - "),
    ],
)
def test_api_serves_reference_manager_formats(client, db, query, accept, media_type, marker):
    paper = make_paper(title="Served paper")
    headers = {"HTTP_ACCEPT": accept} if accept else {}

    listing = client.get(f"/api/papers/{query}", **headers)
    detail = client.get(f"/api/papers/{paper.pk}/{query}", **headers)

    for response in (listing, detail):
        assert response.status_code == 200
        assert response["Content-Type"].startswith(media_type)
        assert marker in response.content.decode()
    if "csljson" in media_type or "csl" in media_type:
        assert json.loads(listing.content)[0]["title"] == "Served paper"


def test_api_export_pages_with_a_link_header_in_bounded_queries(client, db):
    for n in range(30):
        paper = make_paper(title=f"Paper {n}")
        make_authorship(paper, make_author(f"Author {n}"))
    client.get("/api/papers/?format=bibtex&page_size=30")  # keys are made once, on first export

    with CaptureQueriesContext(connection) as small:
        client.get("/api/papers/?format=bibtex&page_size=2")
    with CaptureQueriesContext(connection) as large:
        response = client.get("/api/papers/?format=bibtex&page_size=25")

    assert len(large) == len(small)
    assert response.content.decode().count("@misc{") == 25
    assert 'rel="next"' in response["Link"]
    following = client.get(response["Link"].split(">")[0].lstrip("<"))
    assert following.content.decode().count("@misc{") == 5


def test_api_errors_stay_json_when_bibtex_was_asked(client, db):
    response = client.get("/api/papers/?format=bibtex&concept=nope")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["parameter"] == "concept"
    assert client.get("/api/papers/?format=bibtex&group_by=year").status_code == 400


def test_the_database_guards_citation_keys(db):
    from django.db import IntegrityError, transaction

    paper = make_paper(citation_key="taken2020")
    other = make_paper()
    for bad in ("taken2020", "has space", "brace{", ""):
        with pytest.raises(IntegrityError), transaction.atomic():
            Paper.objects.filter(pk=other.pk).update(citation_key=bad)
    Paper.objects.filter(pk=paper.pk).update(citation_key=None)
    paper.refresh_from_db()
    assert paper.citation_key == "taken2020"


def test_csljson_writes_bibtex_titles_in_sentence_case_and_its_own_titles_as_written(db, tmp_path):
    (tmp_path / "a.bib").write_text(
        "@inproceedings{a,\n  title = {Deep Learning On {GPUs}: A Survey Of It},\n  booktitle = {Proceedings Of The Big"
        " Conference},\n  author = {Ray, J.R.},\n  year = 2020\n}\n"
        "@article{d,\n  title = {Deutsche Titel Bleiben},\n  journal = {Zeitschrift},\n  langid = {german},\n"
        "  year = 2020\n}\n"
    )
    (tmp_path / "b.json").write_text('[{"id": "b", "type": "article-journal", "title": "Zotero Keeps Its Case"}]')
    assert import_file(tmp_path / "a.bib").ok and import_file(tmp_path / "b.json").ok

    items = {item["id"]: item for item in json.loads(export("csljson"))}

    assert items["a"]["title"] == 'Deep learning on <span class="nocase">GPUs</span>: A survey of it'
    assert items["a"]["container-title"] == "Proceedings of the big conference"
    assert items["a"]["author"] == [{"family": "Ray", "given": "J. R."}]
    assert items["d"]["title"] == "Deutsche Titel Bleiben"  # styles leave the case of other languages alone
    assert items["b"]["title"] == "Zotero Keeps Its Case"
    assert "Proceedings Of The Big Conference" in export("bibtex")  # BibTeX keeps its own convention


def test_what_ris_and_csljson_say_is_written_as_biblatex_reads_it(db, tmp_path):
    (tmp_path / "a.ris").write_text(
        "TY  - JOUR\nID  - moura\nTI  - Programming Z3\nAU  - de Moura, Leonardo\nAU  - van der Berg, Ana, Jr.\n"
        "LA  - eng\nPY  - 2019\nAB  - Unbalanced math $\\sqrt{x}}$ from a broken export\nER  - \n"
    )
    assert import_file(tmp_path / "a.ris").ok
    paper = Paper.objects.get()
    assert [a.author.parts for a in paper.authorships.order_by("position")] == [
        PersonName(family="Moura", given="Leonardo", particle="de"),
        PersonName(family="Berg", given="Ana", particle="van der", suffix="Jr."),
    ]

    library = bibtexparser.parse_string(export("bibtex"))
    entry = library.entries[0]

    assert entry["langid"] == "english"  # babel's name: biblatex does not know "eng"
    assert entry["author"] == "de Moura, Leonardo and van der Berg, Jr., Ana"
    assert entry["abstract"].endswith("from a broken export") and not library.failed_blocks  # not ended inside


def test_a_chapter_given_its_books_doi_is_another_work_that_keeps_the_doi_as_written(db, tmp_path):
    """Publishers' exports give each chapter its book's DOI: the two stay apart, the book holds the
    DOI as its identifier, and the chapter writes it back as the file had it. A second file naming
    the chapter by that DOI is still the chapter's."""
    path = tmp_path / "handbook.bib"
    path.write_text(
        "@book{handbook, title = {Handbook of Things}, editor = {Roe, Ann}, year = 2020, doi = {10.1000/hb}}\n"
        "@incollection{chapter, title = {Small Things}, author = {Doe, Jo}, booktitle = {Handbook of Things},"
        " year = 2020, doi = {10.1000/hb}}\n"
    )

    result = import_file(path)

    assert result.ok and result.created == 2, result
    book, chapter = Paper.objects.get(title="Handbook of Things"), Paper.objects.get(title="Small Things")
    assert (book.doi, chapter.doi, chapter.extra["DOI"]) == ("10.1000/hb", None, "10.1000/hb")
    assert "doi = {10.1000/hb}" in export("bibtex", Paper.objects.filter(pk=chapter.pk))
    again = import_file(path)
    assert again.ok and (again.created, again.updated) == (0, 0), again


def test_names_in_the_shapes_exporters_write_are_people_and_stay_whole_through_bibtex(db, tmp_path):
    """IEEE Xplore's RIS writes `N. Ahmed` (given name first, no comma); a CSL name's part may hold
    a comma (`Desarrollo de Medios, S. A. de`), which BibTeX would read as the start of another."""
    ris = tmp_path / "ieee.ris"
    ris.write_text("TY  - CONF\nTI  - Matching\nAU  - N. Ahmed\nAU  - M. -J. Meurs\nAU  - U.S. Navy Office\nER  - \n")
    csl = tmp_path / "web.json"
    name = {"family": "C.V", "given": "DEMOS", "suffix": "Desarrollo de Medios, S. A. de"}
    csl.write_text(json.dumps([{"id": "w", "type": "webpage", "title": "Caudillos", "author": [name]}]))
    assert import_file(ris).ok and import_file(csl).ok

    people = [a.credited_parts for a in Paper.objects.get(title="Matching").authorships.order_by("position")]
    assert [(p.family, p.given, p.literal) for p in people] == [
        ("Ahmed", "N.", False), ("Meurs", "M. -J.", False), ("U.S. Navy Office", "", True),
    ]  # fmt: skip
    written = export("bibtex", Paper.objects.filter(title="Caudillos"))
    assert "author = {C.V, {Desarrollo de Medios, S. A. de}, DEMOS}" in written, written
    wipe_bibliography()
    back = tmp_path / "back.bib"
    back.write_text(written)
    assert import_file(back).ok
    parts = Paper.objects.get(title="Caudillos").authorships.get().credited_parts
    assert (parts.family, parts.given, parts.suffix) == ("C.V", "DEMOS", "Desarrollo de Medios, S. A. de")


def test_an_indexs_document_type_is_no_genre_to_print_but_is_written_back(db, tmp_path):
    """Scopus and Web of Science give every record its document type in M3 (`Article`, `Review`);
    a thesis' M3 is its genre."""
    path = tmp_path / "scopus.ris"
    path.write_text("TY  - JOUR\nTI  - Local action\nT2  - Sustainability\nM3  - Review\nER  - \n\n"
                    "TY  - THES\nTI  - On things\nM3  - PhD thesis\nER  - \n")  # fmt: skip

    assert import_file(path).ok

    review, thesis = Paper.objects.get(title="Local action"), Paper.objects.get(title="On things")
    assert (review.genre, thesis.genre) == ("", "PhD thesis")
    assert "M3  - Review" in export("ris", Paper.objects.filter(pk=review.pk))
    assert "type = {Review}" not in export("bibtex", Paper.objects.filter(pk=review.pk))
    again = import_file(path)
    assert again.ok and (again.created, again.updated) == (0, 0), again
