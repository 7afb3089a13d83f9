"""Trending-papers listings: a page header, a date line with no year, then title / abstract blocks.

    new
    Get trending papers in your email inbox!
    ...
    Mar 20

    How Over-Parameterization Slows Down Gradient Descent ...

    This paper rigorously shows how ...

Mirrors of the site add metadata lines to a paper's block, before or after its abstract:

    Contextual Tokenization for Long Documents
    • 3 authors
    ·
    Oct 24, 2022
    We propose ...

These are read as what they are: a date right after a paper's metadata (or after "Published on")
is that paper's own publication date; the author count is kept (`extra["listing"]["author-count"]`) and, as
it says the authors are missing, the paper waits for a curator; upvotes, "Submitted by" and the
bullets are chrome. A date line anywhere else starts a day of the listing (a page of several
days). Page chrome glued to the first title when the page lost its line breaks
(`SubscribeContextual Tokenization ...`) is taken off it.

Tolerated besides: header lines added or missing, `**` markup, arXiv id or DOI lines, a title whose
abstract is missing, and a page cut off mid-item. Anything else that is not a title or an abstract
stops the import with its line number.
"""

import re
from collections.abc import Iterable, Iterator

from bibliography.text import ends_a_sentence
from bibliography.vocabulary import PaperKind

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
# Chrome glued to the text after it when a page lost its line breaks, written as the site writes it.
_GLUED_CHROME = ("new", "Get trending papers in your email inbox!", "Subscribe", "byAK and the research community")
_GLUED_DATE = re.compile(r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?=[A-Z*])", re.I)
_AUTHOR_COUNT = re.compile(r"^[·•\-]?\s*(?P<count>\d+)\s+authors?$", re.IGNORECASE)
_PAPER_DATE = re.compile(r"^(?:published|submitted|updated)(?:\s+on)?\s+(?P<date>.+)$", re.IGNORECASE)
_METADATA = [
    _AUTHOR_COUNT,
    re.compile(r"^[·•\-]?\s*\d+\s+(upvotes?|comments?|stars?|likes?)$", re.IGNORECASE),
    re.compile(r"^[·•\-]?\s*\d+$"),
    _BULLET := re.compile(r"^[·•](\s.*)?$"),  # no title begins with a bullet: a metadata line, perhaps cut short
    re.compile(r"^submitted(\s+by(\s+\S.{0,80})?)?$", re.IGNORECASE),
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
    return any(pattern.match(text) for pattern in _METADATA) or paper_date(text) is not None


def paper_date(text: str) -> ListingDate | None:
    """A paper's own date as a mirror writes it: "Published on Oct 24, 2022"."""
    match = _PAPER_DATE.match(text)
    return parse_date(match["date"].strip()) if match else None


def unglued(text: str) -> list[str]:
    """A line's parts when page chrome lost its line break and was glued to what followed it
    ("SubscribeContextual Tokenization ..."); a line with nothing glued is its one part."""
    parts = []
    while True:
        for chrome in _GLUED_CHROME:
            rest = text[len(chrome) :]
            glued = rest[:1].isupper() or rest[:1].isdigit() or rest.startswith(("*", *_GLUED_CHROME))
            if text.startswith(chrome) and glued:
                parts.append(chrome)
                text = rest
                break
        else:
            if date := _GLUED_DATE.match(text):
                parts.append(date[0])
                text = text[date.end() :]
                continue
            return [*parts, text]


def looks_like_listing(lines: list[str]) -> bool:
    """Whether the start of a file reads as a listing: its header or date, or title/abstract pairs."""
    texts = [strip_markup(t) for t in lines if t.strip()]
    if any(t.lower() in _HEADER_LINES or parse_date(t) for t in texts[:12]):
        return True
    pairs = list(zip(texts[0::2], texts[1::2], strict=False))[:5]
    return bool(pairs) and all(looks_like_title(t) and not looks_like_title(a) for t, a in pairs)


class _Listing:
    """The state of a listing being read: the day it is on, the title waiting for its abstract, and
    the last whole paper, held back one step in case the page goes on about it (metadata lines) or
    ends inside it."""

    def __init__(self, file_name: str, warnings: list[str]):
        self.file_name, self.warnings = file_name, warnings
        self.listed: ListingDate | None = None
        self.started = False  # a date line or a first paper has been seen: the header is over
        self.pending: PaperRecord | None = None  # a title waiting for its abstract
        self.finished: PaperRecord | None = None
        self.after_metadata = False  # the line before was one of a paper's metadata lines
        self.dated_last: PaperRecord | None = None  # the paper the last line gave a date to
        self.title_after_metadata = False  # the pending title came right after "·" or an author count
        self.count = 0

    @property
    def current(self) -> PaperRecord | None:
        return self.pending or self.finished

    def read(self, number: int, text: str) -> Iterator[PaperRecord]:
        if not text or text.lower() in _HEADER_LINES:
            return
        self.dated_last = None
        if is_metadata(text):
            self._metadata(number, text)
            return
        after_metadata, self.after_metadata = self.after_metadata, False
        if (date := parse_date(text)) is not None:
            if after_metadata and self.current is not None and self.current.published is None:
                self._dated(self.current, date)
                self.after_metadata = True
                return
            if self.pending is not None and not self.started:
                self.warnings.append(f"line {self.pending.line}: skipped a header line: {self.pending.title!r}")
            elif self.pending is not None:
                yield from self._hold(self.pending)
            self.pending = None
            self.listed, self.started = date, True
            return
        if ident := (_ARXIV_LINE.match(text) or _DOI_LINE.match(text)):
            if self.current is None:
                raise DumpError(self.file_name, number, f"an identifier line before any paper: {text!r}")
            if "id" in ident.groupdict():
                self.current.arxiv_id = ident["id"]
            else:
                self.current.doi = ident["doi"].lower()
            return
        if looks_like_title(text):
            if self.pending is not None and not self.started:
                self.warnings.append(f"line {self.pending.line}: skipped a header line: {self.pending.title!r}")
                self.pending = None
            if self.pending is not None:
                yield from self._hold(self.pending)
            self.pending = PaperRecord(line=number, raw=text, title=text, kind=PaperKind.ARTICLE, listed=self.listed)
            self.title_after_metadata = after_metadata
            return
        if self.pending is None:
            raise DumpError(
                self.file_name,
                number,
                f"a {len(text):,}-character paragraph with no title line before it "
                "(expected a title, a blank line, then its abstract)",
            )
        self.pending.abstract = text
        self.pending.raw = f"{self.pending.title}\n{text}"
        self.pending.links = find_links(text)
        self.started = True
        yield from self._hold(self.pending)
        self.pending = None

    def _metadata(self, number: int, text: str) -> None:
        paper = self.current
        if paper is None:
            return
        # a mirror writes "• 3 authors", "·", then the paper's date: a date after these is the paper's
        self.after_metadata = bool(_AUTHOR_COUNT.match(text) or text in ("·", "•"))
        if (date := paper_date(text)) is not None:
            self._dated(paper, date)
        elif count := _AUTHOR_COUNT.match(text):
            paper.extra["listing"] = {"author-count": int(count["count"])}
            _review(paper, f"the listing says {int(count['count'])} authors but names none")

    def _dated(self, paper: PaperRecord, date: ListingDate) -> None:
        if paper.published is None:
            paper.published = date
            self.dated_last = paper

    def _hold(self, record: PaperRecord) -> Iterator[PaperRecord]:
        if self.finished is not None:
            yield self.finished
            self.count += 1
        self.finished = record

    def end(self) -> Iterator[PaperRecord]:
        pending, finished = self.pending, self.finished
        cut_metadata = pending is not None and (self.title_after_metadata or _cut_metadata(pending.title))
        if pending is not None and self.started and cut_metadata:
            self.warnings.append(f"line {pending.line}: the page stops in this line, which is left out")
            pending = None
        if pending is not None and finished is not None and not finished.abstract and self.started:
            # a title, then a short last line: the beginning of its abstract, cut off, reads like a title
            finished.abstract, finished.raw = pending.title, f"{finished.title}\n{pending.title}"
            _review(finished, "the listing ends in the middle of this abstract: it may have been cut off")
            pending = None
        elif pending is not None:
            if not self.started:
                self.warnings.append(f"line {pending.line}: skipped a header line: {pending.title!r}")
                pending = None
            else:
                _review(pending, "the listing ends after this title: its abstract may have been cut off")
        elif finished is not None and not ends_a_sentence(finished.abstract):
            _review(finished, "the listing ends in the middle of this abstract: it may have been cut off")
        if self.dated_last is not None and self.dated_last.published.year is None:
            # "Oct 2" may be what is left of "Oct 24, 2022"
            _review(self.dated_last, "the listing ends in this paper's date line: the date may have been cut off")
        for record in (finished, pending):
            if record is not None:
                yield record
                self.count += 1
        if self.count == 0:
            raise DumpError(self.file_name, None, "no paper found in this listing (only header lines, or nothing)")


def _review(record: PaperRecord, reason: str) -> None:
    record.review_reason = f"{record.review_reason}; {reason}" if record.review_reason else reason


def parse(lines: Iterable[Line], file_name: str, warnings: list[str] | None = None) -> Iterator[PaperRecord]:
    listing = _Listing(file_name, warnings if warnings is not None else [])
    for line in lines:
        text = strip_markup(line.text)
        parts = unglued(text) if listing.current is None else [text]
        if len(parts) > 1:
            glued = ", ".join(repr(part) for part in parts[:-1])
            listing.warnings.append(f"line {line.number}: the page lost its line breaks here; read apart: {glued}")
        for part in parts:
            yield from listing.read(line.number, part.strip())
    yield from listing.end()


_MONTH_START = re.compile(
    r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(\s+\d{1,2}(,?\s*\d{0,4})?)?$", re.IGNORECASE
)
_METADATA_STARTS = ("published on ", "submitted by ", "submitted on ", "updated on ", "subscribe")


def _cut_metadata(text: str) -> bool:
    """A last line that may be what is left of a date or metadata line ("Oct 2", "Publ")."""
    lowered = text.lower()
    starts = _METADATA_STARTS
    return bool(_MONTH_START.match(text)) or any(s.startswith(lowered) or lowered.startswith(s) for s in starts)


FORMAT = Format("listing", "trending-papers listing", looks_like_listing, parse)
