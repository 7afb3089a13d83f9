"""Reading a dump line by line in bounded memory, whatever its size, with line numbers for errors."""

import gzip
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .errors import DumpError

# No paper record is this long; a longer line is binary data or a broken export.
MAX_LINE_BYTES = 1 << 20

BOM = "\ufeff"
GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class Line:
    number: int
    text: str


@dataclass
class DumpReader:
    """Iterates over a file's lines as text: UTF-8 (a BOM is allowed), any line ending.

    Keeps the SHA-256 of what it read and how many bytes, for provenance and progress bars.
    """

    path: Path
    bytes_read: int = 0
    final_sha256: str = ""  # set when the file was read in another process (batches.made_elsewhere)
    _sha256: "hashlib._Hash" = field(default_factory=hashlib.sha256)

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def sha256(self) -> str:
        return self._sha256.hexdigest()

    def __iter__(self) -> Iterator[Line]:
        with open_dump(self.path) as stream:
            compressed = getattr(stream, "fileobj", None)  # a gzip file: progress is how far into it
            number = 0
            while True:
                try:
                    raw = stream.readline(MAX_LINE_BYTES + 1)
                except (OSError, EOFError) as error:  # gzip's BadGzipFile is an OSError
                    raise DumpError(self.file_name, number + 1, f"the gzip file is damaged: {error}") from None
                if not raw:
                    return
                number += 1
                self.bytes_read = compressed.tell() if compressed else self.bytes_read + len(raw)
                self._sha256.update(raw)
                if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                    raise DumpError(
                        self.file_name, number, f"line is longer than {MAX_LINE_BYTES:,} bytes; no record is that long"
                    )
                if (column := raw.find(b"\x00")) >= 0:  # PostgreSQL text cannot hold it either
                    message = f"a NUL byte at column {column + 1}: this is not a text file"
                    raise DumpError(self.file_name, number, message)
                yield Line(number, self._decode(raw, number))

    def _decode(self, raw: bytes, number: int) -> str:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise DumpError(
                self.file_name,
                number,
                f"not valid UTF-8 (byte 0x{raw[err.start]:02x} at column {err.start + 1}); "
                "convert the file to UTF-8 first",
            ) from None
        if number == 1 and text.startswith(BOM):
            text = text[1:]
        return text.rstrip("\r\n").replace("\r", " ")


def open_dump(path: Path) -> BinaryIO:
    """The file's content as bytes: a gzip file (OpenAlex's and arXiv's snapshots come so) unzipped."""
    with path.open("rb") as probe:
        zipped = probe.read(2) == GZIP_MAGIC
    return gzip.open(path, "rb") if zipped else path.open("rb")


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file's content (unzipped), as an import records it."""
    digest = hashlib.sha256()
    with open_dump(path) as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
