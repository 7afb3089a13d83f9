"""COPY made as PostgreSQL reads it (bibliography/importers/copy.py): every row of a stream longer
than one chunk arrives, a refused row still names its record's line, and a value no column takes is
a programming error, not the database's refusal. A COPY sent behind the caller (by a thread, while
the caller makes its next rows) keeps the connection to itself until it ends."""

import threading

import pytest

from bibliography.formats.errors import DumpError
from bibliography.importers import copy
from bibliography.importers.copy import copied_behind, copy_from_file
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


def new_keywords(count: int) -> list[Keyword]:
    ids = copy.allocate_ids(Keyword, count)
    return [Keyword(pk=pk, name=name, name_key=key) for pk, (name, key) in zip(ids, keywords(count), strict=True)]


def copy_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "import-copy"]


def test_rows_copied_behind_arrive_while_the_caller_goes_on_in_its_own_thread():
    objects = new_keywords(ROWS)
    with copied_behind("lib.bib", objects, ["id", "name", "name_key"], list(range(1, ROWS + 1))):
        assert copy_threads(), "the COPY is sent by a thread of its own"
        made = sum(len(name) for name, _ in keywords(ROWS))  # Python work meanwhile
    assert made and not copy_threads()
    assert Keyword.objects.count() == ROWS
    assert all(not keyword._state.adding for keyword in objects)


def test_a_query_while_the_copy_is_sent_is_refused_and_the_copy_still_arrives():
    behind = copied_behind("lib.bib", new_keywords(ROWS), ["id", "name", "name_key"], list(range(1, ROWS + 1)))
    with pytest.raises(RuntimeError, match="while the connection sends a COPY"), behind:
        Keyword.objects.exists()
    assert Keyword.objects.count() == ROWS


def test_a_row_refused_behind_names_the_line_of_its_record():
    objects = new_keywords(ROWS)
    objects[ROWS - 5].name = ""  # keyword_not_blank
    behind = copied_behind("lib.bib", objects, ["id", "name", "name_key"], [10 * n for n in range(1, ROWS + 1)])
    with pytest.raises(DumpError) as refused, behind:
        pass
    assert refused.value.line == 10 * (ROWS - 4)
    assert "keyword_not_blank" in str(refused.value)


def test_a_stop_meanwhile_waits_for_the_copy_to_end_before_it_is_raised():
    """The rollback that follows a stop needs the connection: the COPY has ended by then."""
    behind = copied_behind("lib.bib", new_keywords(ROWS), ["id", "name", "name_key"], list(range(1, ROWS + 1)))
    with pytest.raises(KeyboardInterrupt), behind:
        raise KeyboardInterrupt
    assert not copy_threads()
    assert Keyword.objects.count() == ROWS
