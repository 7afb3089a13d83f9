"""arXiv's metadata snapshot (bibliography/formats/arxiv.py), on the first 200 e-prints of the real
snapshot (tests/data/real/arxiv-snapshot.jsonl; its source is named in the README there)."""

import datetime
import json

import pytest

from bibliography.formats.registry import detect_format
from bibliography.importers.load import import_file
from bibliography.models import Paper, SourceRecord
from tests.factories import make_paper

from .conftest import REAL, check_case

SNAPSHOT = REAL / "arxiv-snapshot.jsonl"

pytestmark = pytest.mark.django_db  # all but the table import into the database

CASES = [
    (SNAPSHOT, {
        "count": 200,
        "problems": [],
        "first": {
            "line": 1,
            "arxiv_id": "0704.0001",
            "title": "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies",
            "authors": ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan"],
            "issued": {"date-parts": [[2007, 4, 2]]},  # the first version's day
            "doi": "10.1103/physrevd.76.013009",
            "item_type": "article",
            "keywords": ["hep-ph"],
        },
    }),
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_an_e_print_reads_as_its_case_says(tmp_path, source, expected):
    check_case("arxiv", source, expected, tmp_path)


def paper(arxiv_id: str) -> Paper:
    return Paper.objects.with_authors().get(arxiv_id=arxiv_id)


def names(paper: Paper) -> list[str]:
    return [a.author.name for a in sorted(paper.authorships.all(), key=lambda a: a.position)]


def test_the_snapshot_is_recognised_and_every_e_print_arrives_once():
    assert detect_format(SNAPSHOT).name == "arxiv"
    first = import_file(SNAPSHOT)
    assert first.ok, first.error
    assert (first.records, first.created) == (200, 200)
    assert Paper.objects.filter(arxiv_id__isnull=False).count() == 200
    again = import_file(SNAPSHOT)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 200)


def test_an_e_print_is_read_whole():
    assert import_file(SNAPSHOT).ok
    diphoton = paper("0704.0001")
    assert diphoton.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    assert names(diphoton) == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan"]
    # the first version's day, not the last version's or the snapshot's update
    assert (diphoton.issued, diphoton.published_on) == ({"date-parts": [[2007, 4, 2]]}, datetime.date(2007, 4, 2))
    assert diphoton.doi == "10.1103/physrevd.76.013009"
    assert (diphoton.item_type, diphoton.publisher, diphoton.number) == ("article", "arXiv", "arXiv:0704.0001")
    assert diphoton.extra["arxiv"] == {
        "journal-ref": "Phys.Rev.D76:013009,2007",
        "comments": "37 pages, 15 figures; published version",
        "report-no": "ANL-HEP-PR-07-12",
        "version": "v2",
    }
    assert [k.keyword.name for k in diphoton.paper_keywords.all()] == ["hep-ph"]
    assert list(diphoton.links.values_list("url", flat=True)) == ["https://arxiv.org/abs/0704.0001"]
    assert diphoton.abstract.startswith("A fully differential calculation in perturbative quantum chromodynamics is")
    assert "\n" not in diphoton.abstract  # arXiv's line wrapping is gone
    assert SourceRecord.objects.get(paper=diphoton).line_number == 1


def test_paragraphs_suffixes_several_categories_and_a_license():
    assert import_file(SNAPSHOT).ok
    cubes = paper("0704.0010")
    first, second = cubes.abstract.split("\n\n")
    assert first.endswith("known results are given.") and second.startswith("The operations of Cartesian product")
    assert "Neal J. Evans II" in names(paper("0704.0009"))
    graphs = paper("0704.0002")
    assert [k.keyword.name for k in graphs.paper_keywords.all()] == ["math.CO", "cs.CG"]
    assert graphs.extra["license"] == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    assert graphs.doi is None and "journal-ref" not in graphs.extra["arxiv"]


def test_an_e_print_already_known_by_its_arxiv_id_or_title_is_completed_not_duplicated():
    by_id = make_paper(title="Sparsity-certifying Graph Decompositions", arxiv_id="0704.0002")
    bare = make_paper(title="Polymer Quantum Mechanics and its Continuum Limit")
    result = import_file(SNAPSHOT)
    assert result.ok, result.error
    assert (result.created, result.updated) == (198, 2)
    by_id, bare = paper("0704.0002"), Paper.objects.with_authors().get(pk=bare.pk)
    assert names(by_id) == ["Ileana Streinu", "Louis Theran"] and by_id.year == 2007
    assert bare.arxiv_id == "0704.0007" and bare.doi == "10.1103/physrevd.76.044016"
    assert names(bare) == ["Alejandro Corichi", "Tatjana Vukasinac", "Jose A. Zapata"]


def test_a_broken_line_names_the_file_and_line_and_nothing_of_the_file_is_kept(tmp_path):
    lines = SNAPSHOT.read_text(encoding="utf-8").splitlines()[:3]
    broken = tmp_path / "snapshot.jsonl"
    broken.write_text("\n".join([lines[0], lines[1][:-20], lines[2]]) + "\n", encoding="utf-8")
    result = import_file(broken)
    assert not result.ok
    assert "snapshot.jsonl:2" in str(result.error) and "not a JSON object" in str(result.error)
    assert not Paper.objects.exists()


def test_an_e_print_with_neither_id_nor_title_is_refused_with_the_field_named(tmp_path):
    item = json.loads(SNAPSHOT.read_text(encoding="utf-8").splitlines()[0])
    item["id"], item["title"] = "", ""
    path = tmp_path / "no-id.jsonl"
    path.write_text(json.dumps(item) + "\n", encoding="utf-8")
    result = import_file(path, format="arxiv")
    assert not result.ok and "no-id.jsonl:1" in str(result.error) and "id:" in str(result.error)
    assert not Paper.objects.exists()


def test_an_e_print_whose_id_cannot_be_read_is_still_its_title_and_strict_refuses_it(tmp_path):
    item = json.loads(SNAPSHOT.read_text(encoding="utf-8").splitlines()[0])
    item["id"] = "not an id"
    path = tmp_path / "bad-id.jsonl"
    path.write_text(json.dumps(item) + "\n", encoding="utf-8")
    assert not import_file(path, format="arxiv", strict=True).ok
    result = import_file(path, format="arxiv")
    assert result.ok and result.created == 1
    assert any("bad-id.jsonl:1: id:" in warning for warning in result.warnings)


def test_a_bare_papers_provisional_key_follows_it_once_the_snapshot_gives_authors_and_a_year(client):
    from bibliography.citation_keys import keys_assign

    bare = make_paper(title="Polymer Quantum Mechanics and its Continuum Limit")
    keys_assign([bare])
    bare.refresh_from_db()
    assert (bare.citation_key, bare.citation_key_provisional) == ("anonndpolymer", True)

    assert import_file(SNAPSHOT).ok
    bare.refresh_from_db()
    assert (bare.citation_key, bare.citation_key_provisional) == ("corichi2007polymer", True)  # not used yet
    assert bare.key_aliases.get().key == "anonndpolymer"  # a document that cited the old key still resolves
    old = client.get("/api/papers/key:anonndpolymer/", follow=True)
    assert old.redirect_chain[0][1] == 301 and old.json()["citation_key"] == "corichi2007polymer"
    new = paper("0704.0001")  # made by the snapshot with its authors: a real key from the start
    assert (new.citation_key, new.citation_key_provisional) == ("balazs2007calculation", True)
