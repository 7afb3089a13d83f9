"""A file's records as a stream of batches, parsed ahead of the writing, and then what was read.

The parsing runs in a thread or in a process of its own (batches.py); either way it hands over
`ParsedBatch`es, each with how far into the file it ends and the warnings said while reading it,
and at the end one `EndOfFile`, with the SHA-256 of everything read. The records come with their
matching keys already folded and their titles' band keys made (the duplicate search's), which is
pure Python work best done beside the parsing.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bibliography.formats.base import Format
from bibliography.formats.errors import DumpError
from bibliography.formats.reader import DumpReader
from bibliography.formats.records import PaperRecord
from bibliography.models import Paper
from bibliography.title_bands import bands_text, title_sketches

from .batches import batched, made_elsewhere, read_ahead

TITLE_CHARS = Paper._meta.get_field("title").max_length


@dataclass
class ParsedBatch:
    records: list[PaperRecord]
    bytes_read: int  # where in the file the batch ends
    warnings: list[str]  # said while reading it


@dataclass
class EndOfFile:
    sha256: str  # of the whole content, unzipped, as the import run records it
    bytes_read: int
    warnings: list[str]  # said after the last batch


def parsed_stream(
    file_format: Format, reader: DumpReader, file_name: str, batch_size: int
) -> Iterator[ParsedBatch | EndOfFile]:
    """The file's batches of records, then its `EndOfFile`."""

    def produce() -> Iterator[ParsedBatch | EndOfFile]:
        warnings: list[str] = []
        records = file_format.parse(reader, file_name, warnings)
        for batch in _with_keys(batched(records, batch_size), file_name):
            yield ParsedBatch(batch, reader.bytes_read, [*reader.warnings, *warnings])
            warnings.clear()
            reader.warnings.clear()
        yield EndOfFile(reader.sha256, reader.bytes_read, [*reader.warnings, *warnings])

    return made_elsewhere(produce) if file_format.parse_elsewhere else read_ahead(produce())


def _with_keys(batches: Iterable[list[PaperRecord]], file_name: str) -> Iterator[list[PaperRecord]]:
    for batch in batches:
        for record in batch:
            _cut_title(record, file_name)
            record.title_key, record.abstract_key, record.isbn_key, record.raw_hash  # noqa: B018 — computed in the reading thread
        bands, grams = title_sketches([record.title_key for record in batch])
        for record, keys, count in zip(batch, bands, grams, strict=True):
            record.title_sketch = (bands_text(keys), count)
        yield batch


def _cut_title(record: PaperRecord, file_name: str) -> None:
    """A title longer than its column is cut there and kept whole in extra, which exports write."""
    if len(record.title) > TITLE_CHARS:
        record.extra["title"] = record.title
        record.title = record.title[: TITLE_CHARS - 1].rstrip() + "…"
        said = f"title: longer than {TITLE_CHARS:,} characters ({len(record.extra['title']):,}): cut there"
        record.unread.append(DumpError(file_name, record.line, said))
