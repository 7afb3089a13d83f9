"""The seed bibliography leaves as BibTeX or CSL-JSON and comes back into an empty database the same;
hard names and titles go through every format, and what RIS says is written as biblatex reads it."""

import datetime
import json
from pathlib import Path

import bibtexparser
import jsonschema
import pytest

from bibliography.citation_keys import keys_assign
from bibliography.importers.load import import_file
from bibliography.models import AuthorRole, LinkKind, Paper, PaperConcept, PaperKind, PaperLink, ReviewStatus, Source
from bibliography.names import PersonName
from tests.factories import make_author, make_authorship, make_concept, make_paper, make_venue

from .conftest import export, library_state, wipe_bibliography
from .pandoc import needs_pandoc, plain, rendered

CSL_SCHEMA = json.loads((Path(__file__).parent.parent / "data" / "csl-data.schema.json").read_text())

TRICKY_NAMES = [
    "Ludwig van Beethoven",
    "Charles de la Vallée Poussin",
    "Kurt Gödel",
    "Plato",
    "Martin Luther King Jr.",
    "José Ángel Núñez-Muñoz",
    "Zhang Wei 张伟",
]
TRICKY_TITLES = [
    "Scaling {Laws} for 100% of $n$-body & Friends #1: a_b ~ c^2",
    "\\ModelName: scriptsizeFLaws }}, and a stray { brace",
    "Gödel, Escher -- and ``Bach'' — naïve “quotes”",
]


@pytest.mark.parametrize("format", ["bibtex", "csljson"])
def test_the_seed_bibliography_round_trips(seed, tmp_path, format):
    path = tmp_path / f"library.{format}"
    path.write_text(export(format))
    before = library_state()
    assert len(before) == 184 and sum(len(p["concepts"]) for p in before.values()) == 31
    wipe_bibliography()
    assert not Paper.objects.exists()

    result = import_file(path)

    assert result.ok, result.error
    assert result.created == 184
    after = library_state()
    assert after == before


def _tricky_library():
    venue = make_venue("Journal of Hard Cases", kind="journal")
    papers = []
    for n, title in enumerate(TRICKY_TITLES):
        paper = make_paper(
            title=title,
            abstract=f"Abstract with 50% & $x$ {{ and ü, part {n}.",
            venue=venue,
            item_type="article-journal",
        )
        paper.published_on = datetime.date(2021, 2, 3 + n)
        paper.save()
        papers.append(paper)
    for position, name in enumerate(TRICKY_NAMES, 1):
        make_authorship(papers[0], make_author(name), position=position)
    speaker = make_authorship(papers[1], make_author("Ada Lovelace"), position=1)
    speaker.role = AuthorRole.SPEAKER
    speaker.save()
    organizer = make_authorship(papers[1], make_author("Grace Hopper"), position=2)
    organizer.role = AuthorRole.ORGANIZER
    organizer.save()
    papers[1].kind = PaperKind.TALK
    papers[1].arxiv_id = "2401.01234"
    papers[1].doi = "10.1000/x_y.z"
    papers[1].save()
    PaperLink.objects.create(paper=papers[0], url="https://github.com/a/b", kind=LinkKind.CODE)
    PaperLink.objects.create(paper=papers[0], url="https://example.org/?q=a=b", kind=LinkKind.PROJECT)
    concept = make_concept("Chemistry, physics & more")
    PaperConcept.objects.create(paper=papers[0], concept=concept, source=Source.MANUAL, status=ReviewStatus.ACCEPTED)
    rejected = make_concept("Rejected idea")
    PaperConcept.objects.create(paper=papers[0], concept=rejected, source=Source.MANUAL, status=ReviewStatus.REJECTED)
    keys_assign(papers)  # as the admin and the API do once a paper's authors are saved
    return papers


@pytest.mark.parametrize("format", ["bibtex", "csljson", "ris"])
def test_tricky_names_and_titles_round_trip(db, tmp_path, format):
    _tricky_library()
    path = tmp_path / "tricky"
    path.write_text(export(format))
    before = library_state()
    wipe_bibliography()

    result = import_file(path)

    assert result.ok, result.error
    after = library_state()
    if format == "ris":
        # RIS has no kinds of links, no separate organiser role, and no place for the concept graph's
        # tags (its KW tags are the paper's keywords, which are not concepts)
        for state in (before, after):
            for paper in state.values():
                paper["links"] = [url for url, _ in paper["links"]]
                paper["authors"] = [name for name, _ in paper["authors"]]
                paper["kind"] = paper["venue"] = None
                paper["concepts"] = []
    assert after == before
    first = next(p for p in after.values() if p["title"] == TRICKY_TITLES[0])
    authors = first["authors"] if format == "ris" else [name for name, _ in first["authors"]]
    assert authors == TRICKY_NAMES
    assert "Rejected idea" not in first["concepts"]
    if format != "ris":
        assert first["concepts"] == ["Chemistry, physics & more"]


def test_bibtex_is_read_by_an_independent_parser(seed):
    text = export("bibtex")

    library = bibtexparser.parse_string(text)

    assert library.failed_blocks == []
    keys = [entry.key for entry in library.entries]
    assert len(keys) == Paper.objects.count() == len(set(keys))
    talk = next(e for e in library.entries if e.get("type") and e["type"] == "talk")
    assert talk.entry_type == "inproceedings"
    assert talk["author"].startswith("Kumar, Ananya and Ma, Tengyu and")
    # accepted concepts travel in a field of their own: keywords are the paper's keywords
    assert "{Fine-tuning localizes skills, enables continual learning}" in talk["concepts"]
    assert "keywords" not in talk
    listed = next(e for e in library.entries if e.key.startswith("anon"))
    assert listed.entry_type == "misc"
    assert not {"howpublished", "journal", "booktitle"} & set(listed.fields_dict)  # a listing is no venue


def test_bibtex_escapes_latex_specials_and_non_ascii(db):
    _tricky_library()

    library = bibtexparser.parse_string(export("bibtex"))

    titles = {entry["title"] for entry in library.entries}
    # TeX's specials escaped, math kept as math, other letters as UTF-8 (biber and every reader take it);
    # a title not read from BibTeX has meant capitals, which BibTeX's readers would lower: protected
    assert (
        "Scaling \\{{Laws}\\} for 100\\% of $n$-body \\& {Friends} \\#1: a\\_b \\textasciitilde{} c\\textasciicircum{}2"
        in titles
    )
    assert any(title.startswith("Gödel, {Escher} -{}- and `{}`{Bach}'{}'") for title in titles)
    assert {entry["casing"] for entry in library.entries if "{Escher}" in entry["title"]} == {"as printed"}
    first = next(e for e in library.entries if "Beethoven" in e["author"])
    assert first["author"].split(" and ")[:5] == [
        "van Beethoven, Ludwig",
        "de la {Vallée Poussin}, Charles",
        "Gödel, Kurt",
        "Plato",
        "King, Jr., Martin Luther",
    ]
    assert first["journal"] == "Journal of Hard Cases" and first.entry_type == "article"
    assert first["date"] == "2021-02-03" and first["year"] == "2021"


def test_csljson_is_valid_against_the_csl_schema(seed):
    _tricky_library()
    items = json.loads(export("csljson"))

    jsonschema.validate(items, CSL_SCHEMA)

    assert len(items) == Paper.objects.count() == len({item["id"] for item in items})
    tricky = next(item for item in items if item.get("title") == TRICKY_TITLES[0])
    assert tricky["type"] == "article-journal"
    assert tricky["issued"] == {"date-parts": [[2021, 2, 3]]}
    assert tricky["author"][:5] == [
        {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
        {"family": "Vallée Poussin", "given": "Charles", "non-dropping-particle": "de la"},
        {"family": "Gödel", "given": "Kurt"},
        {"literal": "Plato"},
        {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
    ]
    talk = next(item for item in items if item.get("organizer"))
    assert talk["type"] == "speech" and talk["organizer"] == [{"family": "Hopper", "given": "Grace"}]


def test_the_csl_schema_rejects_what_it_should():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "article", "author": [{"name": "Plato"}]}], CSL_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "preprint-ish"}], CSL_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "article", "issued": {"date-parts": [[2020, 1, 2, 3]]}}], CSL_SCHEMA)


@needs_pandoc
def test_csljson_writes_dollars_as_dollars_and_keeps_math_for_its_own_reader(db, tmp_path):
    """CSL has no TeX: a review's price is "$199.95" to Zotero and pandoc, not "\\$199.95"; math
    (which only we write between dollars) comes back as math from our own export."""
    priced = make_paper(title="Holloway (ed.), pp. x+530, \\$199.95; £95.00, hb.", abstract="Costs \\$5 and \\$6.")
    mixed = make_paper(title="The $n$-body problem for \\$5", abstract="Plain.")
    keys_assign([priced, mixed])
    path = tmp_path / "library.json"
    path.write_text(export("csljson"))
    items = {item["title"]: item for item in json.loads(path.read_text())}
    assert set(items) == {"Holloway (ed.), pp. x+530, $199.95; £95.00, hb.", "The $n$-body problem for $5"}
    assert items["Holloway (ed.), pp. x+530, $199.95; £95.00, hb."]["abstract"] == "Costs $5 and $6."
    assert "tex" not in items["Holloway (ed.), pp. x+530, $199.95; £95.00, hb."]["custom"]
    rendering = plain(rendered(path)[priced.export_key])
    assert "$199.95" in rendering and "\\" not in rendering
    before = library_state()
    wipe_bibliography()

    assert import_file(path).ok
    assert library_state() == before


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
