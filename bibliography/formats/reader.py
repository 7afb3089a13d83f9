"""Reading a dump line by line in bounded memory, whatever its size, with line numbers for errors."""

import codecs
import gzip
import hashlib
import io
import re
import threading
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
    """Iterates over a file's lines as text, in whatever encoding real files come: UTF-8 (a BOM is
    allowed), UTF-16 with its BOM, and where a line is not UTF-8, the encoding the file declares
    (JabRef's `% Encoding: ISO8859_1`) or else Windows-1252, Latin-1's superset (with one warning
    saying so). Any line ending: LF, CRLF, and a lone CR (classic Mac OS, some exporters' records).

    Keeps the SHA-256 of what it read and how many bytes, for provenance and progress bars.
    """

    path: Path
    bytes_read: int = 0
    warnings: list[str] = field(default_factory=list)  # how the file was read, said once each
    _sha256: "hashlib._Hash" = field(default_factory=hashlib.sha256)
    _fallback: str = "cp1252"
    _fallback_said: bool = False
    _replaced_said: bool = False

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
                text = self._decode(raw, number)
                if getattr(stream, "replaced", False) and not self._replaced_said:
                    self._replaced_said = True
                    self.warnings.append(
                        f"{self.file_name}:{number}: bytes that are not UTF-16 from here or just after, though the "
                        "file begins with UTF-16's byte-order mark: read as U+FFFD"
                    )
                if "\r" in text:  # a lone CR ends a line too
                    *before, text = text.split("\r")
                    for piece in before:
                        yield Line(number, piece)
                        number += 1
                yield Line(number, text)

    def _decode(self, raw: bytes, number: int) -> str:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            if number <= 50 and (declared := _declared_encoding(raw)):
                self._fallback = declared
            text = raw.decode(self._fallback, errors="strict" if self._fallback != "cp1252" else "ignore")
            text = raw.decode("latin-1") if self._fallback == "cp1252" and _undefined_in_cp1252(raw) else text
            if not self._fallback_said:
                self._fallback_said = True
                self.warnings.append(
                    f"{self.file_name}:{number}: not UTF-8 (byte 0x{raw[err.start]:02x} at column {err.start + 1}): "
                    f"lines that are not UTF-8 are read as {self._fallback}"
                )
        else:
            if number <= 50 and (declared := _declared_encoding(raw)):
                self._fallback = declared
        if number == 1 and text.startswith(BOM):
            text = text[1:]
        return text.rstrip("\r\n")


_DECLARED = re.compile(rb"(?:^%\s*Encoding:|charset=|coding[:=])\s*([-\w.]+)", re.IGNORECASE)


def _declared_encoding(raw: bytes) -> str | None:
    """The encoding a line near the top says the file is in (JabRef's header, a charset), if Python knows it."""
    match = _DECLARED.search(raw)
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore").lower().replace("_", "-")
    name = {"iso8859-1": "latin-1", "iso8859-15": "iso8859-15", "cp1252": "cp1252"}.get(name, name)
    try:
        codec = codecs.lookup(name)
    except LookupError:
        return None
    return None if codec.name in ("utf-8", "utf-16", "utf-32") else codec.name


def _undefined_in_cp1252(raw: bytes) -> bool:
    return any(byte in raw for byte in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"))


def open_dump(path: Path) -> BinaryIO:
    """The file's content as bytes: a gzip file (OpenAlex's and arXiv's snapshots come so) unzipped,
    and a UTF-16 file (it begins with its byte-order mark) as UTF-8."""
    with path.open("rb") as probe:
        head = probe.read(4)
    if head[:2] == GZIP_MAGIC:
        return gzip.open(path, "rb")
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return _Utf8From(path.open("rb"), "utf-16")
    return path.open("rb")


_undecodable = threading.local()


def _replaced_counted(error: UnicodeDecodeError) -> tuple[str, int]:
    _undecodable.count = getattr(_undecodable, "count", 0) + 1
    return "\ufffd", error.end


codecs.register_error("bibliography-replace", _replaced_counted)


class _Utf8From(io.RawIOBase):
    """A text file in another encoding, read as UTF-8 bytes, a line at a time. What is not in that
    encoding (a byte-order mark on a file that is not UTF-16, a file cut short) is read as U+FFFD,
    and `replaced` says it happened."""

    def __init__(self, stream: BinaryIO, encoding: str):
        self.stream = stream
        self.text = io.TextIOWrapper(stream, encoding=encoding, errors="bibliography-replace", newline="")
        self.pending = b""
        self.replaced = False

    def readable(self) -> bool:
        return True

    def _decoded(self, read, *args) -> bytes:
        before = getattr(_undecodable, "count", 0)
        text = read(*args)
        self.replaced |= getattr(_undecodable, "count", 0) != before
        return text.encode("utf-8")

    def readline(self, size: int = -1) -> bytes:
        if not self.pending:
            self.pending = self._decoded(self.text.readline)
        if size is None or size < 0 or size >= len(self.pending):
            line, self.pending = self.pending, b""
        else:
            line, self.pending = self.pending[:size], self.pending[size:]
        return line

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            data, self.pending = self.pending + self._decoded(self.text.read), b""
            return data
        while len(self.pending) < size:
            more = self._decoded(self.text.read, max(size, 4096))
            if not more:
                break
            self.pending += more
        data, self.pending = self.pending[:size], self.pending[size:]
        return data

    def close(self) -> None:
        self.text.close()
        super().close()


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file's content (unzipped), as an import records it."""
    digest = hashlib.sha256()
    with open_dump(path) as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
