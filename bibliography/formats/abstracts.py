"""Bare abstracts: one `Abstract:` line per paper, with no title, authors or date.

A line that does not start with `Abstract:` continues the abstract right above it when no blank
line separates them; anywhere else it stops the import with its line number.
"""

import re
from collections.abc import Iterable, Iterator

from bibliography.vocabulary import PaperKind

from .base import Format
from .errors import DumpError
from .links import find_links
from .reader import Line
from .records import BARE_ABSTRACT_REASON, PaperRecord

_PREFIX = re.compile(r"^\s*(?:\*\*)?abstract\s*:\s*(?:\*\*)?\s*", re.IGNORECASE)


def looks_like_abstracts(lines: list[str]) -> bool:
    first = next((t for t in lines if t.strip()), "")
    return bool(_PREFIX.match(first))


def parse(lines: Iterable[Line], file_name: str, warnings: list[str] | None = None) -> Iterator[PaperRecord]:
    current: PaperRecord | None = None
    previous_blank = True
    for line in lines:
        text = line.text.strip()
        if not text:
            previous_blank = True
            continue
        if match := _PREFIX.match(text):
            if current is not None:
                yield _finish(current, file_name)
            current = PaperRecord(line=line.number, raw=text, abstract=text[match.end() :].strip())
        elif current is not None and not previous_blank:
            current.abstract = f"{current.abstract} {text}".strip()
            current.raw = f"{current.raw}\n{text}"
        else:
            raise DumpError(file_name, line.number, f"expected a line starting with 'Abstract:', found {text[:60]!r}")
        previous_blank = False
    if current is None:
        raise DumpError(file_name, None, "no 'Abstract:' line in this file")
    yield _finish(current, file_name)


def _finish(record: PaperRecord, file_name: str) -> PaperRecord:
    if not record.abstract:
        raise DumpError(file_name, record.line, "'Abstract:' with no text after it")
    record.kind = PaperKind.ARTICLE
    record.links = find_links(record.abstract)
    record.review_reason = BARE_ABSTRACT_REASON
    return record


FORMAT = Format("abstracts", "bare abstracts", looks_like_abstracts, parse)
