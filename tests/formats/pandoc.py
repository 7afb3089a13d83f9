"""Debian's pandoc as the independent reader and renderer of bibliographies (`apt-get install pandoc`)."""

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

PANDOC = shutil.which("pandoc")
needs_pandoc = pytest.mark.skipif(PANDOC is None, reason="needs pandoc: apt-get install pandoc (CI installs it)")

_ENTRY = re.compile(r'<div id="ref-(?P<key>[^"]+)" class="csl-entry"[^>]*>\s*(?P<body>.*?)\s*</div>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def _input_format(path: Path) -> str:
    return {".bib": "biblatex", ".json": "csljson", ".ris": "ris"}[path.suffix]


def as_csl(path: Path) -> dict[str, dict]:
    """The items of a bibliography file as pandoc reads them, by key."""
    out = subprocess.run(
        [PANDOC, "-f", _input_format(path), "-t", "csljson", str(path)], capture_output=True, text=True, check=True
    )
    return {item["id"]: item for item in json.loads(out.stdout)}


def rendered(path: Path) -> dict[str, str]:
    """Each reference as pandoc's citeproc renders it (its default style, Chicago author-date), by key."""
    document = '---\nnocite: "@*"\n---\n'
    out = subprocess.run(
        [PANDOC, "--citeproc", "--bibliography", str(path), "-f", "markdown", "-t", "html", "--wrap=none"],
        input=document,
        capture_output=True,
        text=True,
        check=True,
    )
    return {m["key"]: html.unescape(m["body"]) for m in _ENTRY.finditer(out.stdout)}


_ENTRY_START = re.compile(r"^\s*@(\w+)\s*\{\s*([^,\s]*)\s*,")


def readable_copy(path: Path, folder: Path, leave_out: set[str] = frozenset()) -> Path:
    """The .bib as pandoc can read it, less the entries with keys in `leave_out`.

    pandoc refuses a whole file for one entry without a key (`@misc{,`), which BibTeX only warns
    about: such an entry gets the key `nokey-LINE`. Leaving out the entries that an import found to
    be duplicates of others keeps the rest rendered alike (no "1998a" and "1998b" for one work).
    """
    kept, skipping = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if start := _ENTRY_START.match(line):
            skipping = start.group(2) in leave_out
            if not start.group(2):
                line = line.replace("{", f"{{nokey-{number}", 1)
        elif line.startswith("@"):
            skipping = False
        if not skipping:
            kept.append(line)
    copy = folder / path.name
    copy.write_text("\n".join(kept), encoding="utf-8")
    return copy


def plain(rendering: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", rendering)).split())
