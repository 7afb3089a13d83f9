"""RIS (bibliography/formats/ris.py): what a record reads as, records the file does not close, and an
index's document type."""

import pytest

from bibliography.importers.load import import_file
from bibliography.models import Paper

from .conftest import REAL, Starts, check_case, export

CASES = [
    ("TY  - JOUR\nTI  - T\nER  - \n", {"records": [{"title": "T"}]}),
    ("TY  - JOUR\nTI  - A\nUR  - not a url\nER  - \n",
     {"file": "url.ris", "unread": [Starts("url.ris:1: UR: 'not a url' is not a URL")]}),
    ("TY  - JOUR\nTI  - A\n\nTY  - JOUR\nTI  - B\n", {"file": "open.ris", "records": [{"title": "A"}, {"title": "B"}],
     "warnings": ["open.ris:1: the record is not closed with 'ER  -': it ends at line 3",
                  "open.ris:4: the record is not closed with 'ER  -' before the file ends"]}),
    *[(REAL / name, {"count": entries, "problems": []}) for name, entries in [
        ("zotero.ris", 14), ("zotero-ris-history-theses.ris", 100), ("endnote-ris-pes-final.ris", 242),
        ("ieee-xplore-citation-crlf.ris", 25), ("scopus-biodiversity.ris", 244),
        ("wos-ris-absorptive-capacity.ris", 50), ("scielo-ris-portuguese.ris", 149),
    ]],  # the records the corpus and the real libraries' tests count, none refused
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_a_record_reads_as_its_case_says(tmp_path, source, expected):
    check_case("ris", source, expected, tmp_path)


def test_a_record_the_file_does_not_close_ends_where_the_next_begins(db, tmp_path):
    path = tmp_path / "open.ris"
    path.write_text("TY  - JOUR\nTI  - A\n\nTY  - JOUR\nTI  - B\n")
    result = import_file(path)
    assert result.ok and result.created == 2
    assert result.warnings[:2] == [
        "open.ris:1: the record is not closed with 'ER  -': it ends at line 3",
        "open.ris:4: the record is not closed with 'ER  -' before the file ends",
    ]


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
