"""Trending-papers listings: a page header, a date line with no year, then title / abstract blocks.

    new
    Get trending papers in your email inbox!
    ...
    Mar 20

    How Over-Parameterization Slows Down Gradient Descent ...

    This paper rigorously shows how ...

Tolerated: header lines added or missing, `**` markup, metadata lines between papers (author
counts, upvotes, "Published on" dates), arXiv id or DOI lines, more date lines (a page of several
days), a title whose abstract is missing, and a page cut off mid-item. Anything else that is not a
title or an abstract stops the import with its line number.
"""

import re
from collections.abc import Iterable, Iterator

from bibliography.models import ImportFormat, PaperKind

from .base import Format
from .errors import DumpError
from .links import find_links
from .reader import Line
from .records import ListingDate, PaperRecord

MONTHS = {
    m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)
}

_HEADER_LINES = {
    "new",
    "get trending papers in your email inbox!",
    "subscribe",
    "byak and the research community",
    "trending papers",
    "daily papers",
}
_DATE = re.compile(
    r"^(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<day>\d{1,2})(?:,?\s+(?P<year>\d{4}))?$",
    re.IGNORECASE,
)
_METADATA = [
    re.compile(r"^[·•\-]?\s*\d+\s+(authors?|upvotes?|comments?|stars?|likes?)$", re.IGNORECASE),
    re.compile(r"^[·•\-]?\s*\d+$"),
    re.compile(
        r"^(published|submitted|updated)(\s+on)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(,?\s+\d{4})?$",
        re.IGNORECASE,
    ),
    re.compile(r"^submitted\s+by\s+\S+$", re.IGNORECASE),
]
_ARXIV_LINE = re.compile(r"^(?:arxiv:\s*|https?://arxiv\.org/abs/)(?P<id>\d{4}\.\d{4,5})(?:v\d+)?$", re.IGNORECASE)
_DOI_LINE = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)(?P<doi>10\.\d{4,9}/\S+)$", re.IGNORECASE)

# Titles are short and do not end a sentence; abstracts are paragraphs.
MAX_TITLE_CHARS = 300


def strip_markup(text: str) -> str:
    return text.replace("**", "").replace("__", "").strip().lstrip("#").strip()


_SENTENCE_BREAK = re.compile(r"[a-z0-9)]\.\s+[A-Z]")  # not "?": "What goes right? A study of …" is a title


def looks_like_title(text: str) -> bool:
    """Short, and neither ends a sentence nor runs over one (a cut-off abstract does)."""
    return len(text) <= MAX_TITLE_CHARS and not text.endswith(".") and not _SENTENCE_BREAK.search(text)


def parse_date(text: str) -> ListingDate | None:
    match = _DATE.match(text)
    if not match:
        return None
    month, day = MONTHS[match["month"][:3].lower()], int(match["day"])
    if not 1 <= day <= 31:
        return None
    return ListingDate(month, day, int(match["year"]) if match["year"] else None)


def is_metadata(text: str) -> bool:
    return any(pattern.match(text) for pattern in _METADATA)


def looks_like_listing(lines: list[str]) -> bool:
    """Whether the start of a file reads as a listing: its header or date, or title/abstract pairs."""
    texts = [strip_markup(t) for t in lines if t.strip()]
    if any(t.lower() in _HEADER_LINES or parse_date(t) for t in texts[:12]):
        return True
    pairs = list(zip(texts[0::2], texts[1::2], strict=False))[:5]
    return bool(pairs) and all(looks_like_title(t) and not looks_like_title(a) for t, a in pairs)


def parse(lines: Iterable[Line], file_name: str, warnings: list[str] | None = None) -> Iterator[PaperRecord]:
    warnings = warnings if warnings is not None else []
    listed: ListingDate | None = None
    started = False  # a date line or a first paper has been seen: the header is over
    pending: PaperRecord | None = None  # a title waiting for its abstract
    finished: PaperRecord | None = None  # held back one step, in case the file ends inside it
    count = 0

    for line in lines:
        text = strip_markup(line.text)
        if not text or text.lower() in _HEADER_LINES or is_metadata(text):
            continue
        if (date := parse_date(text)) is not None:
            if pending is not None and not started:
                warnings.append(f"line {pending.line}: skipped a header line: {pending.title!r}")
            elif pending is not None:
                if finished is not None:
                    yield finished
                    count += 1
                finished = pending
            pending = None
            listed, started = date, True
            continue
        if ident := (_ARXIV_LINE.match(text) or _DOI_LINE.match(text)):
            target = pending or finished
            if target is None:
                raise DumpError(file_name, line.number, f"an identifier line before any paper: {text!r}")
            if "id" in ident.groupdict():
                target.arxiv_id = ident["id"]
            else:
                target.doi = ident["doi"].lower()
            continue

        if looks_like_title(text):
            if pending is not None and not started:
                warnings.append(f"line {pending.line}: skipped a header line: {pending.title!r}")
                pending = None
            if pending is not None:
                if finished is not None:
                    yield finished
                    count += 1
                finished = pending
            pending = PaperRecord(line=line.number, raw=text, title=text, kind=PaperKind.ARTICLE, listed=listed)
            continue

        if pending is None:
            raise DumpError(
                file_name,
                line.number,
                f"a {len(text):,}-character paragraph with no title line before it "
                "(expected a title, a blank line, then its abstract)",
            )
        pending.abstract = text
        pending.raw = f"{pending.title}\n{text}"
        pending.links = find_links(text)
        started = True
        if finished is not None:
            yield finished
            count += 1
        finished, pending = pending, None

    if pending is not None:
        if not started:
            warnings.append(f"line {pending.line}: skipped a header line: {pending.title!r}")
            pending = None
        else:
            pending.review_reason = "the listing ends after this title: its abstract may have been cut off"
    elif finished is not None and _cut_off(finished.abstract):
        finished.review_reason = "the listing ends in the middle of this abstract: it may have been cut off"
    for record in (finished, pending):
        if record is not None:
            yield record
            count += 1
    if count == 0:
        raise DumpError(file_name, None, "no paper found in this listing (only header lines, or nothing)")


def _cut_off(abstract: str) -> bool:
    """An abstract that stops without ending a sentence (or a URL, which abstracts often end with)."""
    return not re.search(r"([.!?)\]\"']|https?://\S+)$", abstract.rstrip())


FORMAT = Format(ImportFormat.LISTING, looks_like_listing, parse)
