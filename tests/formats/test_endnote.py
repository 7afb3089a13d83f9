"""EndNote's tagged format, `.enw` (bibliography/formats/endnote.py), on a real Google Scholar export
(tests/data/real/gscholar-endnote-tagged.enw; its source is named in the README there)."""

import re

import pytest

from bibliography.formats import endnote
from bibliography.formats.reader import DumpReader

from .conftest import REAL, check_case

CASES = [
    (REAL / "gscholar-endnote-tagged.enw", {
        "count": 338,
        "problems": [],
        "first": {
            "line": 1,
            "title": "A Bibliography of Publications about Virtual Machines",
            "authors": ["Nelson HF Beebe"],
            "issued": {"date-parts": [[2026]]},
            "item_type": "article-journal",
        },
        "last": {
            "title": "Gamified Internet of Things Testing within a Virtual Learning Environment—towards the "
            "Interactive Simulation Game “IoTCityLab”",
            "authors": ["Thomas Auer", "Michael Felderer"],
            "issued": {"date-parts": [[2020]]},
            "item_type": "paper-conference",
            "venue.name": "2020 IEEE 32nd Conference on Software Engineering Education and Training (CSEE&T)",
        },
    }),  # the records the corpus counts, none refused; the first and last as the file writes them
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_a_record_reads_as_its_case_says(tmp_path, source, expected):
    check_case("endnote", source, expected, tmp_path)


def test_a_preprint_named_as_its_journal_is_an_arxiv_e_print_and_no_venue():
    path = REAL / "gscholar-endnote-tagged.enw"
    said = re.findall(r"^%J arXiv preprint arXiv:(\S+)$", path.read_text(), re.MULTILINE)

    records = list(endnote.parse(DumpReader(path), path.name, []))

    preprints = [record for record in records if record.arxiv_id]
    assert sorted(record.arxiv_id for record in preprints) == sorted(said) and len(said) == 4
    assert all(
        record.venue is None and record.extra["container-title"].startswith("arXiv preprint") for record in preprints
    )
    assert not [record for record in records if record.venue and "arxiv" in record.venue.name.lower()]
