"""EndNote's tagged format, `.enw` (bibliography/formats/endnote.py), on a real Google Scholar export
(tests/data/real/gscholar-endnote-tagged.enw; its source is named in the README there)."""

import pytest

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
