"""Which format a file is, told from its first lines among every format (bibliography/formats/registry.py):
names and extensions do not matter."""

import pytest

from bibliography.formats.errors import DumpError
from bibliography.formats.registry import detect_format
from tests.dumps import ABSTRACTS, LISTING_003, LISTING_004, VAULT, write

from .test_bibtex import BIB


def test_formats_are_detected_from_content():
    assert [detect_format(p).name for p in (VAULT, ABSTRACTS, LISTING_003, LISTING_004)] == [
        "vault",
        "abstracts",
        "listing",
        "listing",
    ]


def test_empty_file_is_refused(tmp_path):
    with pytest.raises(DumpError, match="empty"):
        detect_format(write(tmp_path, ""))


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
