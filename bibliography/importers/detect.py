"""Telling a dump's format from its first lines, so that file names and extensions do not matter."""

from pathlib import Path

from bibliography.interchange import bibtex, csljson, ris
from bibliography.models import ImportFormat

from . import abstracts, listing, vault
from .errors import DumpError

SNIFF_BYTES = 64 * 1024


def detect_format(path: Path) -> ImportFormat:
    with path.open("rb") as stream:
        head = stream.read(SNIFF_BYTES).decode("utf-8", errors="replace").removeprefix("\ufeff")
    lines = head.splitlines()[:400]
    if not any(line.strip() for line in lines):
        raise DumpError(path.name, None, "the file is empty")
    if csljson.looks_like_csljson(lines):
        return ImportFormat.CSLJSON
    if ris.looks_like_ris(lines):
        return ImportFormat.RIS
    if bibtex.looks_like_bibtex(lines):
        return ImportFormat.BIBTEX
    if abstracts.looks_like_abstracts(lines):
        return ImportFormat.ABSTRACTS
    if vault.looks_like_vault(lines):
        return ImportFormat.VAULT
    if listing.looks_like_listing(lines):
        return ImportFormat.LISTING
    first = next(line.strip() for line in lines if line.strip())
    raise DumpError(
        path.name,
        None,
        f"cannot tell which kind of dump this is (it begins {first[:60]!r}); "
        f"name it with --format ({', '.join(ImportFormat.values)})",
    )
