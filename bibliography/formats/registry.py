"""Every format, in one list: the one place a new format is added. Files are told apart by their
content (names and extensions do not matter), most specific format first."""

from pathlib import Path

from . import abstracts, arxiv, bibtex, csljson, endnote, listing, openalex, ris, vault, wos
from .base import Format
from .errors import DumpError
from .reader import open_dump

SNIFF_BYTES = 64 * 1024

# Most specific first: a listing's loose layout would also match the start of other files.
DETECTION_ORDER = [
    arxiv.FORMAT, openalex.FORMAT, csljson.FORMAT, ris.FORMAT, wos.FORMAT, endnote.FORMAT, bibtex.FORMAT,
    abstracts.FORMAT, vault.FORMAT, listing.FORMAT,
]  # fmt: skip
FORMATS: dict[str, Format] = {format.name: format for format in DETECTION_ORDER}
EXPORT_FORMATS: dict[str, Format] = {name: format for name, format in FORMATS.items() if format.render}


def detect_format(path: Path) -> Format:
    try:
        with open_dump(path) as stream:
            head = stream.read(SNIFF_BYTES).decode("utf-8", errors="replace").removeprefix("\ufeff")
    except (OSError, EOFError) as error:  # a damaged gzip file
        raise DumpError(path.name, None, f"the gzip file is damaged: {error}") from None
    lines = head.splitlines()[:400]
    if not any(line.strip() for line in lines):
        raise DumpError(path.name, None, "the file is empty")
    for format in DETECTION_ORDER:
        if format.looks_like(lines):
            return format
    first = next(line.strip() for line in lines if line.strip())
    start = len(head) - len(head.lstrip())
    raise DumpError(
        path.name,
        head.count("\n", 0, start) + 1,
        f"cannot tell which kind of dump this is (it begins {first[:60]!r}); "
        f"name it with --format ({', '.join(FORMATS)})",
    )
