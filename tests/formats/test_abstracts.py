"""Bare abstracts (bibliography/formats/abstracts.py): `Abstract:` lines, hand-made and the bundled file."""

import pytest

from tests.dumps import ABSTRACTS

from .conftest import Starts, check_case, read

CASES = [
    ("Abstract: First part\nsecond part.\n", {"file": "a.txt", "first": {"abstract": "First part second part."}}),
    ("Abstract: One.\n\nStray text\n",
     {"file": "a.txt", "error": "a.txt:3: expected a line starting with 'Abstract:'"}),
    ("Abstract:\n", {"file": "a.txt", "error": "a.txt:1: 'Abstract:' with no text"}),
    (ABSTRACTS, {
        "count": 10,
        "first": {"abstract": Starts("With the emergence of large-scale pre-trained neural networks")},
        "last": {"abstract": Starts("In this work, we explore the maximum-margin bias")},
    }),
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_abstracts_read_as_their_case_says(tmp_path, source, expected):
    check_case("abstracts", source, expected, tmp_path)


def test_bare_abstracts_are_untitled_papers_needing_review(tmp_path):
    papers, _ = read("abstracts", ABSTRACTS, tmp_path)
    assert all(p.title == "" and p.review_reason for p in papers)
    assert sum(1 for p in papers if p.links) == 2
