"""Telling a dump's format from its first lines, so that file names and extensions do not matter."""

from pathlib import Path

from bibliography.interchange import bibtex, csljson, ris
from bibliography.models import ImportFormat

from . import abstracts, listing, vault
from .errors import DumpError

SNIFF_BYTES = 64 * 1024

# Most specific first: a listing's loose layout would also match the start of other files.
_DETECTORS = [
    (csljson.looks_like_csljson, ImportFormat.CSLJSON),
    (ris.looks_like_ris, ImportFormat.RIS),
    (bibtex.looks_like_bibtex, ImportFormat.BIBTEX),
    (abstracts.looks_like_abstracts, ImportFormat.ABSTRACTS),
    (vault.looks_like_vault, ImportFormat.VAULT),
    (listing.looks_like_listing, ImportFormat.LISTING),
]


def detect_format(path: Path) -> ImportFormat:
    with path.open("rb") as stream:
        head = stream.read(SNIFF_BYTES).decode("utf-8", errors="replace").removeprefix("\ufeff")
    lines = head.splitlines()[:400]
    if not any(line.strip() for line in lines):
        raise DumpError(path.name, None, "the file is empty")
    for looks_like, format in _DETECTORS:
        if looks_like(lines):
            return format
    first = next(line.strip() for line in lines if line.strip())
    start = len(head) - len(head.lstrip())
    raise DumpError(
        path.name,
        head.count("\n", 0, start) + 1,
        f"cannot tell which kind of dump this is (it begins {first[:60]!r}); "
        f"name it with --format ({', '.join(ImportFormat.values)})",
    )
