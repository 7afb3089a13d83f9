"""BibTeX and biblatex files, read as BibTeX and biber read them (bibtex_grammar.py) and written back
as they came (bibtex_writing.py).

Reading maps both dialects onto the record (CSL's vocabulary): `journal` or `journaltitle`,
`address` or `location`, `school` or `institution`, `year` and `month` or `date`, `eprint` with
`archivePrefix` or `eprinttype`, `urldate`, `langid`, editors and translators, "and others".
Text is read into the internal rich-text form (richtext.py): `{ALEPH}` stays protected, math stays
math, accents become letters. A value that cannot be read (`year = {in press}`, a month that is no
month, a name that is no name) never refuses its entry: it is read as far as it goes (a literal date,
a name kept whole) and kept as the file wrote it, to be written back exactly.
"""

import dataclasses
import re
from collections.abc import Iterable, Iterator

from bibliography import dates, richtext, text
from bibliography.vocabulary import CSL_COLUMNS, AuthorRole, ItemType, LinkKind, PaperKind

from . import fields as f
from .base import Format
from .bibtex_fields import (
    CASING_AS_PRINTED,
    CASING_KEPT_WHOLE,
    CONTAINER_IN,
    DATE_FIELDS,
    EDITOR_TYPES,
    NOT_TEXT,
    PEOPLE,
    TEXT_IN,
    TEXT_OUT,
    TYPES_IN,
    TYPES_OUT,
    people,
)
from .bibtex_fields import keywords as keywords_of
from .bibtex_grammar import ENTRY_START, Entry, Reading
from .bibtex_writing import bibtex_text, date_fingerprint
from .errors import DumpError
from .reader import Line
from .records import UNTITLED_REASON, PaperRecord, Person, VenueRecord

MEDIA_TYPE = "application/x-bibtex"
_IGNORED = {"comment", "preamble", "string"}


def looks_like_bibtex(lines: list[str]) -> bool:
    starts = [ENTRY_START.match(line) for line in lines]
    return any(m and m.group(1).lower() not in _IGNORED for m in starts)


def parse(reader: Iterable[Line], file_name: str, warnings: list[str]) -> Iterator[PaperRecord]:
    reading = Reading()
    keys: set[str] = set()
    for entry in reading.entries(reader):
        if not entry.key and not entry.values:
            broken = PaperRecord(line=entry.line, raw=entry.raw)
            said = "; ".join(message for _, message in entry.notes) or "unreadable"
            broken.problems.append(DumpError(file_name, entry.line, f"not a BibTeX entry: {said}"))
            yield broken
            continue
        if entry.key and entry.key.lower() in keys:
            warnings.append(f"{file_name}:{entry.line}: a second entry with the key {entry.key!r}")
        keys.add(entry.key.lower())
        yield entry_record(entry, file_name, warnings)
    for line, what in reading.stray:
        warnings.append(f"{file_name}:{line}: text between entries that begins like one, passed over: {what}")
    for line, preamble in reading.preambles:
        warnings.append(f"{file_name}:{line}: @preamble{{{preamble[:60]}}} is not kept: a bibliography keeps works")


class _Reader:
    """One entry's fields, each read once; what is left at the end is kept to be written back."""

    def __init__(self, entry: Entry, checks: f.Checks):
        self.checks = checks
        self.fields = dict(entry.values)
        self.used: set[str] = set()
        self.names: dict[str, str] = {}  # the record's field name -> the name this file used
        self.latex: dict[str, str] = {}
        self.odd_date = False  # the date needed more than BibTeX's year and month: its fields are kept
        self.odd_urldate = False

    def raw(self, *names: str) -> str | None:
        """The first of these fields the entry has (the others, if it has them too, are kept as they are)."""
        for name in names:
            value = self.fields.get(name)
            if value is not None and str(value).strip():  # an empty field is kept as it is, with the others
                self.used.add(name)
                if name != names[0]:
                    self.names[names[0]] = name
                return str(value).strip()
        return None

    def plain_text(self, name: str) -> str:
        """A text no style changes the case of (an abstract): without markup; the LaTeX kept to write back."""
        value = self.raw(name)
        if not value:
            return ""
        rich, exact = richtext.read_latex(value)
        plain = richtext.plain(rich)
        if not exact or plain != rich:
            self.latex[name] = value
        return self.checks.text(plain, name)

    def text(self, *names: str, limit: int | None = None) -> str:
        value = self.raw(*names)
        if not value:
            return ""
        rich, exact = richtext.read_latex(value)
        if not exact:
            self.latex[names[0]] = value
        return self.checks.text(rich, self.names.get(names[0], names[0]), limit)


def _as_printed(record: PaperRecord, whole: bool) -> None:
    """Titles our export protected from BibTeX's readers (they came from CSL-JSON or RIS, where
    capitals are meant) read back as they were."""
    record.title = richtext.as_printed(record.title, whole)
    if record.venue:
        record.venue = dataclasses.replace(record.venue, name=richtext.as_printed(record.venue.name, whole))
    for variable in ("title-short", "collection-title", "event-title"):
        if variable in record.csl:
            record.csl[variable] = richtext.as_printed(record.csl[variable], whole)


def entry_record(entry: Entry, file_name: str, warnings: list[str] | None = None) -> PaperRecord:
    line = entry.line
    checks = f.Checks(file_name, line, warnings)
    for name, message in entry.notes:
        checks.warn(name or f"@{entry.type}{{{entry.key}}}", message)
    read = _Reader(entry, checks)
    kind_name = entry.type
    talk = (read.fields.get("type") or "").strip().lower() == "talk"
    item_type = ItemType.SPEECH if talk else TYPES_IN.get(kind_name, ItemType.ARTICLE)
    subtype = (read.fields.get("entrysubtype") or "").strip().lower()
    if kind_name == "article" and subtype in ("newspaper", "magazine"):  # biblatex's kinds of @article
        item_type = ItemType.ARTICLE_NEWSPAPER if subtype == "newspaper" else ItemType.ARTICLE_MAGAZINE
        read.raw("entrysubtype")
    kind = PaperKind.TALK if talk else PaperKind.ARTICLE
    record = PaperRecord(line=line, raw=entry.raw, kind=kind, item_type=item_type)
    # BibTeX's titles are in title case (styles lower it); CSL's are in sentence case (styles raise it)
    bibtex: dict = {"title_case": True}
    if TYPES_OUT.get(item_type, "misc") != kind_name:
        bibtex["type"] = kind_name

    record.title = read.text("title", limit=f.READ_TITLE_CHARS)
    record.abstract = read.plain_text("abstract")
    for name, role in PEOPLE.items():
        value = read.raw(name)
        found, others = people(value, role, checks, name)
        keys = [text.name_key(p.name) for p in found]
        if value and ("\\" in value or len(set(keys)) < len(keys)):
            # accents as macros, or a person listed twice: written back as the file wrote them
            read.latex[name] = value
        if role == AuthorRole.AUTHOR:
            found = [Person(p.name, f.writer_role(kind), p.parts) for p in found]
            record.authors_truncated = others
        elif name == "editor":
            role = EDITOR_TYPES.get((read.raw("editortype") or "").lower())
            found = [Person(p.name, role, p.parts) for p in found] if role else found
        record.authors += found
    for name in ("editora", "editorb", "editorc"):  # biblatex's editors of a kind (a film's director)
        role = EDITOR_TYPES.get((read.raw(f"{name}type") or "").lower())
        if role and (value := read.raw(name)):
            record.authors += [Person(p.name, role, p.parts) for p in people(value, role, checks, name)[0]]
    record.issued = _issued(read, checks)
    if "date" in read.fields:
        bibtex["date"] = True
    if (origdate := read.raw("origdate")) and _iso(origdate):
        record.extra["original-date"] = dates.from_iso(origdate)
    urldate = read.raw("urldate")
    record.accessed = checks.date(urldate, "urldate")
    read.odd_urldate = bool(urldate) and not _iso(urldate)  # `2024.03.21` (Citavi) is written back so

    container = read.text(*CONTAINER_IN, limit=500)
    howpublished = read.raw("howpublished")
    if howpublished and re.match(r"^(https?://|www\.)", howpublished):
        urls = checks.urls(richtext.plain(richtext.from_latex(howpublished)), "howpublished")
        record.links += [f.link_with_kind(url, None) for url in urls]
        bibtex["url_field"] = "howpublished"  # Zotero's BibTeX puts a web page's URL there
    elif howpublished and not container and not talk:
        container = checks.text(richtext.from_latex(howpublished), "howpublished", 500)
        read.names["journal"] = "howpublished"
    preprint = f.arxiv_container(container, read.fields.get("volume")) if container and not talk else None
    if preprint is not None:  # a preprint: arXiv is where it is, not a venue; the words are kept
        record.extra["container-title"], container = container, ""
    if container:
        short = read.text("shortjournal", "journalabbreviation", limit=f.SHORT_NAME_CHARS)
        kind_of = f.container_kind(item_type, container, read.raw("venuekind"))
        record.venue = VenueRecord(name=container, kind=kind_of, short_name=short)

    genre = read.text("type")
    if genre and not talk:
        record.csl["genre"] = genre
    elif kind_name in ("phdthesis", "mastersthesis"):
        bibtex["type"] = kind_name
    number = read.text("number", "issue")
    if number:
        if kind_name in ("article", "periodical") or read.names.get("number") == "issue":
            record.csl["issue"] = number
        elif read.fields.get("series"):
            record.csl["collection-number"] = number
        else:
            record.csl["number"] = number
    publisher = read.text("publisher", "school", "institution", "organization", limit=500)
    if publisher:
        record.csl["publisher"] = publisher
    for name, variable in TEXT_IN.items():
        if name in read.used or variable in ("container-title-short",):
            continue
        value = read.raw(name) if name in NOT_TEXT else read.text(name)
        if value and variable not in record.csl and variable not in record.extra:
            if variable == "page":
                value = re.sub(r"\s*(--|\u2013)\s*", "-", value)
            if variable in CSL_COLUMNS:
                record.csl[variable] = value
            else:
                record.extra[variable] = value
            if name != TEXT_OUT.get(variable, name):
                read.names[TEXT_OUT.get(variable, name)] = name

    doi = read.raw("doi")
    record.doi = checks.doi(doi)
    f.keep_doi_as_written(record, doi)
    prefix = (read.raw("archiveprefix", "eprinttype") or "").strip().lower()
    eprint = read.raw("eprint", "arxivid")
    if eprint and prefix in ("", "arxiv"):
        record.arxiv_id = checks.arxiv_id(eprint, "eprint")
    record.arxiv_id = record.arxiv_id or preprint or None
    if eprint and eprint != record.arxiv_id:
        bibtex["eprint"] = eprint  # as written ("arXiv:1303.7236v1", or no arXiv id at all)
    if eprint and not record.arxiv_id:
        read.used.difference_update({"archiveprefix", "eprinttype"})  # they belong to that eprint
    if links := read.raw("links"):
        for token in links.split():
            kind_name_, _, url = token.partition("=")
            if kind_name_ not in LinkKind.values:
                kind_name_, url = "", token
            record.links += [f.link_with_kind(u, kind_name_) for u in checks.urls(url, "links")]
    elif url := read.raw("url"):
        record.links += [f.link_with_kind(u, None) for u in checks.urls(url, "url")]
        if len(url.split()) > 1:
            bibtex["url_field"] = "url, every one"  # Mendeley puts all of a paper's URLs in one field
    if checks.other_uris:
        bibtex["url"] = " ".join(checks.other_uris)
    keywords = read.raw("keywords")
    record.keywords = [checks.text(name, "keywords", 300) for name in keywords_of(keywords)]
    if keywords and (separator := re.search(r"\s*[,;]\s*", keywords)) and separator.group() != ", ":
        bibtex["keyword_separator"] = separator.group()
    record.concepts = [checks.text(name, "concepts", 300) for name in keywords_of(read.raw("concepts"))]
    record.citation_key = entry.key or None
    if (casing := (read.raw("casing") or "").strip()) in (CASING_AS_PRINTED, CASING_KEPT_WHOLE):
        _as_printed(record, whole=casing == CASING_KEPT_WHOLE)
        bibtex["title_case"] = False

    kept = _kept(entry, read, checks, record)
    if kept:
        bibtex["kept"] = kept
    other = {name: str(value) for name, value in read.fields.items() if name not in read.used and name not in kept}
    if other:
        bibtex["other"] = other
    renamed = {ours: theirs for ours, theirs in read.names.items() if ours != theirs}
    if renamed:
        bibtex["names"] = renamed
    if read.latex:
        bibtex["latex"] = read.latex
    if bibtex:
        record.extra["bibtex"] = bibtex
    if not record.title:
        record.review_reason = UNTITLED_REASON
    record.problems += checks.problems
    record.unread += checks.unread
    return record


def _kept(entry: Entry, read: _Reader, checks: f.Checks, record: PaperRecord) -> dict[str, dict]:
    """The fields kept as the file wrote them, each with what it was read as: written back as they came
    while the record still says that (bibtex_writing.py). A date that needed more than BibTeX's `year`
    and `month` (`{in press}`, `2019a`, `dec # "~3"`) is kept whole, every date field of it."""
    unread = checks.unread_fields | entry.verbatim
    kept: dict[str, dict] = {}
    odd_date = read.odd_date or any(name in unread for name in DATE_FIELDS)
    for name in DATE_FIELDS if odd_date else ():
        if name in entry.sources:
            kept[name] = {"source": entry.sources[name], "as": date_fingerprint(record.issued)}
    if ("urldate" in unread or read.odd_urldate) and "urldate" in entry.sources:
        kept["urldate"] = {"source": entry.sources["urldate"], "as": date_fingerprint(record.accessed)}
    for name in unread - set(DATE_FIELDS) - {"urldate"}:
        if name in entry.sources:
            kept[name] = {"source": entry.sources[name], "as": _read_as(name, record)}
    return kept


def _read_as(name: str, record: PaperRecord) -> str:
    """What the record took from a field, as the writer will have it to compare."""
    if name == "title":
        return record.title
    if name in CONTAINER_IN and record.venue:
        return record.venue.name
    variable = TEXT_IN.get(name)
    if variable:
        return str(record.csl.get(variable) or record.extra.get(variable) or "")
    return ""


def _issued(read: _Reader, checks: f.Checks) -> dict | None:
    """The date, from biblatex's `date` or BibTeX's `year`, `month` and `day`, as exactly as they say it."""
    date = read.raw("date")
    if date:
        issued = checks.date(date, read.names.get("date", "date"))
        read.raw("year", "month", "day")
        if issued and issued.get("literal") or not _iso(date):
            read.odd_date = True
        return issued
    year_text, month_text, day_text = read.raw("year"), read.raw("month"), read.raw("day")
    if not year_text:
        if month_text or day_text:
            checks.unreadable("month" if month_text else "day", "a month or day without a year")
        return None
    year = checks.year(year_text, "year")
    if year is None:  # "in press", "2019a", "535 BCE", "17.10.2022"
        read.odd_date = True
        return checks.date(f"{month_text} {year_text}" if month_text and year_text.isdigit() else year_text, "year")
    if not month_text:
        return {"date-parts": [[year]]}
    read_month = dates.month_and_day(month_text)
    if read_month is None:
        season = dates.SEASONS.get(re.sub(r"[^a-z]", "", month_text.lower()))
        if season:
            return {"date-parts": [[year]], "season": season}
        checks.unreadable("month", f"{month_text[:40]!r} is not a month")
        return {"date-parts": [[year]]}
    month, day_in_month = read_month
    if day_in_month is not None:
        read.odd_date = True  # `dec # "~3"`, `OCT 18`: written back as they came
    day = day_in_month if day_in_month is not None else whole(day_text)
    try:
        return dates.from_parts(year, month, day)
    except dates.DateError as error:
        checks.unreadable("day", str(error))
        return dates.from_parts(year, month)


def _iso(text: str) -> bool:
    """Whether a date is written as ISO 8601 or EDTF, which every reader reads (others are kept as written)."""
    try:
        dates.from_iso(text)
    except dates.DateError:
        return False
    return True


def whole(value: str | None) -> int | None:
    return text.whole_number((value or "").strip())


FORMAT = Format(
    "bibtex", "BibTeX", looks_like_bibtex, parse, parse_elsewhere=True,
    media_type=MEDIA_TYPE, media_aliases=("text/x-bibtex",), extension="bib", render=bibtex_text,
)  # fmt: skip
