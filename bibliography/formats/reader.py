"""Reading a dump line by line in bounded memory, whatever its size, with line numbers for errors."""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DumpError

# No paper record is this long; a longer line is binary data or a broken export.
MAX_LINE_BYTES = 1 << 20

BOM = "\ufeff"


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
        with self.path.open("rb") as stream:
            number = 0
            while True:
                raw = stream.readline(MAX_LINE_BYTES + 1)
                if not raw:
                    return
                number += 1
                self.bytes_read += len(raw)
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


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
