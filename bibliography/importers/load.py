"""Importing one file: its format, its one transaction, its import run, its rejected records.

A file is imported atomically, under the import lock (lock.py): everything it holds, or on any
error nothing (and every error). Its records arrive from the parser as a stream of batches
(parsing.py) and are written batch by batch (papers.py), so memory and round trips stay bounded on
files of any length; a large file into a small library is written before the indexes only readers
use, as pg_restore does (bulk.py); a talk page is one record, with its concept graph (talks.py).

A dry run is one path whoever asks for it (`nothing_written`): the imports happen as always, in a
transaction that is rolled back at the end, and no rejected records are written beside the file.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone

from bibliography.citation_keys import StemCounters
from bibliography.formats.base import Format
from bibliography.formats.errors import DumpError, InvalidRecords
from bibliography.formats.reader import DumpReader, file_sha256
from bibliography.formats.records import PaperRecord
from bibliography.formats.registry import FORMATS, detect_format
from bibliography.models import CSL_COLUMNS, ImportRun, ImportStatus, Paper

from .batches import collected_less
from .bulk import readers_indexes_deferred, worth_deferring
from .duplicates_beside import searched_beside
from .lock import holding_import_lock
from .papers import PaperLoader
from .parsing import EndOfFile, ParsedBatch, parsed_stream
from .results import ImportResult
from .statistics import PlannerStatistics
from .talks import talk_load

BATCH_SIZE = 1000

_in_dry_run: ContextVar[bool] = ContextVar("importers_in_dry_run", default=False)


@contextmanager
def nothing_written(dry_run: bool = True) -> Iterator[None]:
    """Imports inside (with `dry_run`) keep nothing: they run in one transaction, rolled back at the
    end, so that a later file sees what an earlier one would have added; they report as dry runs and
    write no rejected records beside their files. Inside another, it is part of that one."""
    if not dry_run or _in_dry_run.get():
        yield
        return
    said = _in_dry_run.set(True)
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        _in_dry_run.reset(said)


def import_file(
    path: Path,
    *,
    format: str | None = None,
    year: int | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    strict: bool = False,
    bulk: bool = True,
    duplicates: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import one dump atomically: everything it holds, or on any error nothing (and every error).

    A value a reader cannot normalise is kept as the file wrote it, and said as a warning; with
    `strict`, it makes its record invalid instead, as a record that names no work always is.

    With `skip_invalid`, the records that cannot be imported are left out instead, and written,
    as they were, to `<file>.rejected<suffix>` beside it, with the reasons in `<file>.rejected.txt`.

    With `dry_run` (or inside `nothing_written`), nothing is kept, and no rejected records written.
    With `bulk`, a large file into a small library is written before the indexes only readers use
    (bulk.py). With `duplicates`, the new papers are compared with the library while they are
    written, when the import commits on its own (duplicates_beside.py); else, and for a bulk load,
    they wait for the search (bibliography/duplicates.py), as the papers of a failed search do.
    `on_progress` is told how many bytes of the file were read, after each batch.
    """
    duplicates = duplicates and not connection.in_atomic_block  # only committed papers are searched beside
    with nothing_written(dry_run):
        result = ImportResult(file_name=path.name, dry_run=_in_dry_run.get())
        search = None
        started = timezone.now()
        try:
            file_format = _format(path, format)
            result.format = file_format.name
            with holding_import_lock():
                run = ImportRun.objects.create(
                    file_name=path.name,
                    sha256="",
                    format=result.format,
                    started_at=started,
                    status=ImportStatus.SUCCEEDED,
                )
                papers = PaperLoader(run=run, year=year, result=result, stems=StemCounters())
                try:
                    if file_format.one_record:
                        reader = DumpReader(path)
                        talk_load(file_format.parse(reader, path.name, result.warnings), papers)
                        papers.finish()
                        end = EndOfFile(reader.sha256, reader.bytes_read, [])
                    else:
                        defer = bulk and not result.dry_run and worth_deferring(path.stat().st_size)
                        beside = duplicates and not result.dry_run and not defer
                        with readers_indexes_deferred(defer), collected_less(), searched_beside(beside) as search:
                            papers.beside, papers.pipelined = search, True
                            end = _batches_load(path, file_format, papers, strict, on_progress)
                            papers.finish()
                            if search:
                                result.duplicates = search.finish()
                except (IntegrityError, DataError) as error:
                    said = f"the database refused it: {str(error).splitlines()[0]}"
                    raise DumpError(path.name, None, said) from error
                if result.rejected and not skip_invalid:
                    raise InvalidRecords(path.name, [p for record in result.rejected for p in record.problems])
                if result.rejected and not result.dry_run:
                    result.rejected_to = _write_rejected(path, file_format, result.rejected)
                if on_progress:
                    on_progress(end.bytes_read)
                _run_finished(run, end.sha256, result)
            if search:
                result.duplicates += search.after_commit()
        except DumpError as error:
            result.error = error
            result.rejected_to = None
            result.records = result.created = result.updated = result.unchanged = result.duplicates = 0
            result.also_created.clear()
            if not result.dry_run:
                _record_failure(path, result.format, started, error)
        except OSError as error:
            result.error = DumpError(path.name, None, f"cannot read the file: {error.strerror or error}")
        return result


def _format(path: Path, name: str | None) -> Format:
    if name and name not in FORMATS:
        raise DumpError(path.name, None, f"unknown format {name!r}: one of {', '.join(FORMATS)}")
    return FORMATS[name] if name else detect_format(path)


def _batches_load(
    path: Path, file_format: Format, papers: PaperLoader, strict: bool, on_progress: Callable[[int], None] | None
) -> EndOfFile:
    """Write the file's batches as the parser hands them over; what the parser says it read."""
    result = papers.result
    end = None
    statistics = PlannerStatistics.now()
    stream = parsed_stream(file_format, DumpReader(path), path.name, BATCH_SIZE)
    following: list[ParsedBatch | EndOfFile | None] = []

    def fetch_following() -> None:  # the next batch, taken from the parser while PostgreSQL writes this one
        following.append(next(stream, None))

    parsed = next(stream, None)
    while parsed is not None:
        for warning in parsed.warnings:
            result.warnings.append(warning)
        match parsed:
            case ParsedBatch(records=batch):
                _unread(batch, path.name, result.warnings, strict)
                rejected = [record for record in batch if record.problems]
                result.rejected += rejected
                papers.load_papers(
                    [record for record in batch if not record.problems] if rejected else batch, fetch_following
                )
                statistics.written(len(batch))
                if on_progress:
                    on_progress(parsed.bytes_read)
            case EndOfFile():
                end = parsed
        parsed = following.pop() if following else next(stream, None)
    if end is None:
        raise RuntimeError(f"{path.name}: the parser stopped without saying what it read")
    return end


def _run_finished(run: ImportRun, sha256: str, result: ImportResult) -> None:
    run.sha256 = sha256
    run.finished_at = timezone.now()
    run.records, run.created, run.updated, run.unchanged = (
        result.records,
        result.created,
        result.updated,
        result.unchanged,
    )
    run.warnings = result.warnings.told()
    run.save()


def _column_limits() -> dict[str, int]:
    fields = {variable: Paper._meta.get_field(column) for variable, column in CSL_COLUMNS.items()}
    return {variable: field.max_length for variable, field in fields.items() if field.max_length}


def _unread(batch: list[PaperRecord], file_name: str, warnings: list[str], strict: bool) -> None:
    """Values no column can hold (a "language" of 60 characters is no language) are kept whole in the
    record's extra data, where every export finds them; then what could not be read is said, or with
    --strict, refuses its record."""
    limits = _column_limits()
    for record in batch:
        for variable, value in list(record.csl.items()):
            if variable in limits and len(value) > limits[variable]:
                del record.csl[variable]
                record.extra[variable] = value
                said = f"{variable}: longer than {limits[variable]} characters ({len(value):,}): not a {variable}"
                record.unread.append(DumpError(file_name, record.line, said))
        if record.unread and strict:
            record.problems += record.unread
        else:
            for unread in record.unread:
                warnings.append(f"{unread}; kept as written")


def _write_rejected(path: Path, file_format: Format, rejected: list[PaperRecord]) -> Path:
    """The rejected records as they were, in the file's own format, and why, beside the file."""
    records = path.with_name(f"{path.stem}.rejected{path.suffix}")
    records.write_text(file_format.records_text(record.raw for record in rejected), encoding="utf-8")
    reasons = path.with_name(f"{path.stem}.rejected.txt")
    reasons.write_text("".join(f"{p}\n" for record in rejected for p in record.problems), encoding="utf-8")
    return records


def _record_failure(path: Path, format: str, started, error: DumpError) -> None:
    try:
        sha256 = file_sha256(path)
    except (OSError, EOFError):  # unreadable, or a damaged gzip file
        sha256 = ""
    ImportRun.objects.create(
        file_name=path.name,
        sha256=sha256,
        format=format,
        started_at=started,
        finished_at=timezone.now(),
        status=ImportStatus.FAILED,
        error=str(error),
    )
