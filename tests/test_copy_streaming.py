"""COPY made as PostgreSQL reads it (bibliography/importers/copy.py): every row of a stream longer
than one chunk arrives, a refused row still names its record's line, and a value no column takes is
a programming error, not the database's refusal."""

import pytest

from bibliography.formats.errors import DumpError
from bibliography.importers import copy
from bibliography.importers.copy import copy_from_file
from bibliography.models import Keyword

pytestmark = pytest.mark.django_db

ROWS = 3 * copy._CHUNK // 20  # three chunks of text and more


def keywords(count: int) -> list[tuple[str, str]]:
    return [(f"keyword {n:07d}", f"keyword {n:07d}") for n in range(count)]


def test_a_stream_of_several_chunks_writes_every_row_once():
    copy_from_file("lib.bib", Keyword, ["name", "name_key"], keywords(ROWS), list(range(1, ROWS + 1)))
    assert Keyword.objects.count() == ROWS
    assert set(Keyword.objects.values_list("name", flat=True)) == {name for name, _ in keywords(ROWS)}


def test_a_row_refused_in_a_later_chunk_names_the_line_of_its_record():
    rows = keywords(ROWS)
    rows[ROWS - 5] = ("", "")  # keyword_not_blank
    with pytest.raises(DumpError) as refused:
        copy_from_file("lib.bib", Keyword, ["name", "name_key"], rows, [10 * n for n in range(1, ROWS + 1)])
    assert refused.value.line == 10 * (ROWS - 4)
    assert "keyword_not_blank" in str(refused.value)


def test_a_value_no_column_takes_is_raised_as_it_is():
    rows = [*keywords(ROWS), (object(), "x")]
    with pytest.raises(TypeError, match="COPY of a object"):
        copy_from_file("lib.bib", Keyword, ["name", "name_key"], rows, list(range(1, ROWS + 2)))


def test_a_stop_while_the_rows_are_made_stops_the_copy_as_it_is():
    """A SIGTERM turned into SystemExit, or Ctrl-C, runs in the code that makes the rows: it must stop
    the import, not pass for a record the database refused."""

    def stopped():
        yield from keywords(ROWS)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        copy_from_file("lib.bib", Keyword, ["name", "name_key"], stopped(), list(range(1, ROWS + 2)))
