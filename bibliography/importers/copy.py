"""Bulk writes through PostgreSQL's COPY, for the rows an import makes by the thousand.

A batch of papers as one COPY stream costs a fraction of what Django spends building (and
PostgreSQL parsing) a two-megabyte multi-row INSERT; the rows still pass every constraint,
trigger and index of the table. Ids come from the table's own sequence beforehand, so that the
rows pointing at a new paper (its provenance, its links) can be written in the same batch.
"""

import datetime
import json
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from bibliography.formats.errors import DumpError

_COPY_LINE = re.compile(r", line (\d+)")


class CopyRefused(Exception):
    """The database refused row `row` (counted from 0) of a COPY."""

    def __init__(self, row: int | None, message: str):
        super().__init__(message)
        self.row = row


def allocate_ids(model: type[Model], count: int) -> list[int]:
    """`count` fresh primary keys from the model's sequence, in increasing order."""
    if not count:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
        )
        return sorted(row[0] for row in cursor.fetchall())


def copy_objects(objects: Sequence[Model], fields: Sequence[str]) -> None:
    """Write these new objects (primary keys already set) with COPY; auto_now fields get the time now."""
    if objects:
        copy_rows(type(objects[0]), fields, _object_rows(objects, fields))


def _object_rows(objects: Sequence[Model], fields: Sequence[str]) -> Iterator[list]:
    """The objects as saved (auto_now fields stamped); their rows' values, made as they are read."""
    meta = type(objects[0])._meta
    columns = [meta.get_field(name) for name in fields]
    now = timezone.now()
    stamped = {f.attname for f in columns if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
    alias = connection.alias
    for obj in objects:
        for name in stamped:
            setattr(obj, name, now)
        obj._state.adding = False
        obj._state.db = alias
    attnames = [field.attname for field in columns]
    return ([getattr(obj, name) for name in attnames] for obj in objects)


def copy_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence], *, table: str | None = None) -> None:
    """Write rows (values in the order of `fields`, foreign keys as ids, or `made` already) with COPY,
    no model instances made: for link tables written by the ten thousand (authorships, keywords).
    The rows are turned into text as PostgreSQL reads the text before them, so a row that cannot be
    (a value no column takes) is raised once the COPY has begun: the transaction is then to be
    rolled back. `table` is another table with the model's columns (a temporary one)."""
    with connection.cursor() as cursor:
        _copy(cursor, _statement(model, fields, table), rows)


def _statement(model: type[Model], fields: Sequence[str], table: str | None = None) -> str:
    meta = model._meta
    names = ", ".join(connection.ops.quote_name(meta.get_field(name).column) for name in fields)
    return f"COPY {connection.ops.quote_name(table or meta.db_table)} ({names}) FROM STDIN"


class Made(list):
    """Rows made into COPY text already: while the connection was busy with another COPY."""


def made(rows: Iterable[Sequence]) -> Made:
    return Made("\t".join([_text(value) for value in row]) + "\n" for row in rows)


def _copy(cursor, statement: str, rows: Iterable[Sequence] | Made) -> None:
    if isinstance(rows, Made):
        # in one piece: a thread sending it takes the interpreter's lock once, not once a chunk
        lines, size = iter(["".join(rows)] if rows else []), None
    else:
        lines, size = ("\t".join([_text(value) for value in row]) + "\n" for row in rows), _CHUNK
    first = next(lines, None)
    if first is None:
        return
    stream = _Streamed(first, lines)
    try:
        cursor.copy_expert(statement, stream, size or len(first))
    except Exception as error:
        if stream.failed is not None:  # not the database's refusal: what making a row raised, or a stop
            raise stream.failed from None
        raise CopyRefused(_failed_row(error), str(error).splitlines()[0]) from error


@dataclass
class Write:
    """A COPY kept to be sent later: its statement, its rows, and the line of the record of each row."""

    statement: str
    rows: Iterable[Sequence] | Made
    lines: Sequence[int]


def copy_write(
    model: type[Model], fields: Sequence[str], rows: Iterable[Sequence] | Made, lines: Sequence[int]
) -> Write:
    return Write(_statement(model, fields), rows, lines)


def sent(file_name: str, writes: Iterable[Write]) -> None:
    """Send these writes now, in order; a refusal is the file's error, naming its record's line."""
    for write in writes:
        with connection.cursor() as cursor:
            _send(cursor, file_name, write)


@contextmanager
def copied_behind(file_name: str, objects: Sequence[Model], fields: Sequence[str], lines: Sequence[int]):
    """The COPY of these new objects (as `copy_from_file`) sent by a thread on this connection while
    the caller goes on making the rows of its next statements: PostgreSQL writes the papers (their
    full-text vectors, their indexes) on one core while Python works on the other."""
    if not objects:
        yield
        return
    with sent_behind(file_name, [Write(_statement(type(objects[0]), fields), _object_rows(objects, fields), lines)]):
        yield


@contextmanager
def sent_behind(file_name: str, writes: Sequence[Write]):
    """These writes sent in order by a thread on this connection while the caller works on. The thread
    waits on the socket, not on the interpreter (psycopg2 lets go of it). Inside, the caller makes no
    query: the connection is the thread's until the writes end, and a query is refused."""
    if not writes:
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    failed: list[BaseException] = []

    def send() -> None:
        try:
            with raw.cursor() as cursor:
                for write in writes:
                    _send(cursor, file_name, write)
        except BaseException as error:  # noqa: BLE001 — raised in the caller's thread, once joined
            failed.append(error)

    thread = threading.Thread(target=send, name="import-copy", daemon=True)
    with connection.execute_wrapper(_connection_busy):
        thread.start()
        try:
            yield
        finally:
            _joined(thread)
    if failed:
        raise failed[0]


def _send(cursor, file_name: str, write: Write) -> None:
    with _refusal_named(file_name, write.lines):
        _copy(cursor, write.statement, write.rows)


@contextmanager
def _refusal_named(file_name: str, lines: Sequence[int]) -> Iterator[None]:
    """A COPY's refusal as the file's error, naming the line of the record whose row it was."""
    try:
        yield
    except CopyRefused as refused:
        line = lines[refused.row] if refused.row is not None and refused.row < len(lines) else None
        raise DumpError(file_name, line or None, f"the database refused it: {refused}") from refused


def _joined(thread: threading.Thread) -> None:
    """The thread ended, even if a stop (SIGTERM, Ctrl-C) arrives meanwhile: the rollback that follows
    needs the connection. The stop is raised then."""
    stop = None
    while thread.is_alive():
        try:
            thread.join()
        except BaseException as error:  # noqa: BLE001 — raised below, once the connection is free
            stop = error
    if stop is not None:
        raise stop


def _connection_busy(execute, sql, params, many, context):
    raise RuntimeError(f"a query while the connection sends a COPY: {sql[:80]}")


# Characters of COPY text made at a time: the server parses (and indexes, and for papers makes the
# full-text vectors of) one chunk while the next is made.
_CHUNK = 1 << 16


class _Streamed:
    """COPY text as a file whose reads make the next lines."""

    def __init__(self, first: str, lines: Iterator[str]):
        self._pending, self._lines = [first], lines
        self.failed: BaseException | None = None  # what making a line raised (psycopg2 says only its name)

    def read(self, size: int = _CHUNK) -> str:
        pending, length = self._pending, sum(map(len, self._pending))
        try:
            for line in self._lines:
                pending.append(line)
                length += len(line)
                if length >= size:
                    break
        except BaseException as error:  # a stop (SIGTERM, Ctrl-C) arrives here too, during a COPY
            self.failed = error
            raise
        self._pending = []
        return "".join(pending)


def copy_from_file(
    file_name: str, model: type[Model] | None, fields: Sequence[str], rows, lines: Sequence[int], *, table=None
) -> None:
    """COPY new model instances (model None) or rows of values that a file's records gave; a refusal is
    the file's error, naming the line of the record whose row it was (`lines`, one per row)."""
    with _refusal_named(file_name, lines):
        copy_objects(rows, fields) if model is None else copy_rows(model, fields, rows, table=table)


def _failed_row(error: Exception) -> int | None:
    """Which row a COPY error is about: PostgreSQL says `COPY table, line N` (from 1) in its context."""
    context = getattr(getattr(error, "diag", None), "context", None) or ""
    found = _COPY_LINE.search(context)
    return int(found[1]) - 1 if found else None


def _text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, dict | list):  # json and jsonb columns
        return _text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    raise TypeError(f"COPY of a {type(value).__name__} is not supported")
