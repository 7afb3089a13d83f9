"""Web of Science's plain-text export (bibliography/formats/wos.py), on a real saved-records file
(tests/data/real/wos-savedrecs-plaintext.txt; its source is named in the README there)."""

import pytest

from .conftest import REAL, check_case

CASES = [
    (REAL / "wos-savedrecs-plaintext.txt", {
        "count": 95,
        "problems": [],
        "first": {
            "line": 3,
            "title": "Circular economy metrics for batteries: Enhancing sustainability in energy storage systems",
            "authors": ["Xin Bin", "Jagruti Thakur"],
            "issued": {"date-parts": [[2025, 5]]},
            "doi": "10.1016/j.spc.2025.02.014",
            "item_type": "article-journal",
            "venue.name": "SUSTAINABLE PRODUCTION AND CONSUMPTION",
            "venue.short_name": "Sustain. Prod. Consump.",
        },
        "last": {"title": "Resonance Frequency Tracking for MEMS Gyroscopes Using Recursive Identification"},
    }),  # the records the corpus counts, none refused; the first and last as the file writes them
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_a_record_reads_as_its_case_says(tmp_path, source, expected):
    check_case("wos", source, expected, tmp_path)
