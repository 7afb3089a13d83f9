"""RIS, the tagged format of EndNote, Zotero and most publishers' "export citation" buttons,
written and read with rispy: one `TY` … `ER` record per paper.

Tags map onto the record (CSL's vocabulary): types both ways, `AU`/`A2`/`A3`/`A4` as authors,
editors, series editors (a talk's organisers) and translators, `T2` the container, `T3` the
series, `SP`–`EP` the pages, `SN` an ISBN or ISSN by type, `DA`/`PY` the date as precise as given
(`2018/04//`), `Y2` the access date, a DOI found in `M3` where some exporters put it. Tags the
record has no place for (`DP`, `CN`, `L1`, …) are kept in `Paper.extra["ris"]` and written back.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import rispy
from rispy.writer import RisWriter

from bibliography import dates
from bibliography.names import PersonName, split_family, split_name
from bibliography.text import whole_number
from bibliography.vocabulary import AuthorRole, ItemType, PaperKind, VenueKind

from . import fields as f
from . import languages
from .base import Format
from .errors import DumpError
from .reader import Line
from .records import UNTITLED_REASON, PaperRecord, Person, VenueRecord

if TYPE_CHECKING:  # writers read any object shaped like a paper
    from bibliography.models import Paper

MEDIA_TYPE = "application/x-research-info-systems"

TYPES_IN = {
    "JOUR": ItemType.ARTICLE_JOURNAL, "EJOUR": ItemType.ARTICLE_JOURNAL, "JFULL": ItemType.ARTICLE_JOURNAL,
    "MGZN": ItemType.ARTICLE_MAGAZINE, "NEWS": ItemType.ARTICLE_NEWSPAPER, "BOOK": ItemType.BOOK,
    "EBOOK": ItemType.BOOK, "EDBOOK": ItemType.BOOK, "CHAP": ItemType.CHAPTER, "ECHAP": ItemType.CHAPTER,
    "CONF": ItemType.PAPER_CONFERENCE, "CPAPER": ItemType.PAPER_CONFERENCE, "THES": ItemType.THESIS,
    "RPRT": ItemType.REPORT, "ELEC": ItemType.WEBPAGE, "WEB": ItemType.WEBPAGE, "BLOG": ItemType.POST_WEBLOG,
    "SLIDE": ItemType.SPEECH, "DATA": ItemType.DATASET, "COMP": ItemType.SOFTWARE, "PAT": ItemType.PATENT,
    "UNPB": ItemType.MANUSCRIPT, "MANSCPT": ItemType.MANUSCRIPT, "ICOMM": ItemType.PERSONAL_COMMUNICATION,
    "PCOMM": ItemType.PERSONAL_COMMUNICATION, "INTV": ItemType.INTERVIEW, "VIDEO": ItemType.MOTION_PICTURE,
    "MPCT": ItemType.MOTION_PICTURE, "MAP": ItemType.MAP, "HEAR": ItemType.HEARING, "BILL": ItemType.BILL,
    "CASE": ItemType.LEGAL_CASE, "STAND": ItemType.STANDARD, "PAMP": ItemType.PAMPHLET,
    "ENCYC": ItemType.ENTRY_ENCYCLOPEDIA, "DICT": ItemType.ENTRY_DICTIONARY, "ART": ItemType.GRAPHIC,
    "SOUND": ItemType.SONG, "MUSIC": ItemType.MUSICAL_SCORE, "STAT": ItemType.LEGISLATION,
    "GEN": ItemType.ARTICLE,
}  # fmt: skip
TYPES_OUT = {
    ItemType.ARTICLE_JOURNAL: "JOUR", ItemType.ARTICLE_MAGAZINE: "MGZN", ItemType.ARTICLE_NEWSPAPER: "NEWS",
    ItemType.BOOK: "BOOK", ItemType.CHAPTER: "CHAP", ItemType.PAPER_CONFERENCE: "CPAPER", ItemType.THESIS: "THES",
    ItemType.REPORT: "RPRT", ItemType.WEBPAGE: "ELEC", ItemType.POST_WEBLOG: "BLOG", ItemType.SPEECH: "SLIDE",
    ItemType.DATASET: "DATA", ItemType.SOFTWARE: "COMP", ItemType.PATENT: "PAT", ItemType.MANUSCRIPT: "UNPB",
    ItemType.PERSONAL_COMMUNICATION: "PCOMM", ItemType.INTERVIEW: "INTV", ItemType.MOTION_PICTURE: "VIDEO",
    ItemType.MAP: "MAP", ItemType.HEARING: "HEAR", ItemType.BILL: "BILL", ItemType.LEGAL_CASE: "CASE",
    ItemType.STANDARD: "STAND", ItemType.PAMPHLET: "PAMP", ItemType.ENTRY_ENCYCLOPEDIA: "ENCYC",
    ItemType.ENTRY_DICTIONARY: "DICT", ItemType.GRAPHIC: "ART", ItemType.SONG: "SOUND",
    ItemType.MUSICAL_SCORE: "MUSIC", ItemType.LEGISLATION: "STAT",
}  # fmt: skip
# Types whose M3 is the document type an index gives (Zotero's items of these types have no "type"
# field to take it): styles print a genre, and "Article." is no information
_NO_GENRE = {
    ItemType.ARTICLE_JOURNAL, ItemType.ARTICLE_MAGAZINE, ItemType.ARTICLE_NEWSPAPER, ItemType.PAPER_CONFERENCE,
    ItemType.CHAPTER, ItemType.BOOK, ItemType.ENTRY_DICTIONARY, ItemType.ENTRY_ENCYCLOPEDIA,
}  # fmt: skip
_BOOKISH = {ItemType.BOOK, ItemType.CHAPTER}
# rispy's names of the tags read into the record; the others are kept as they are
_READ = {
    "type_of_reference", "title", "primary_title", "short_title", "authors", "first_authors", "secondary_authors",
    "tertiary_authors", "subsidiary_authors", "year", "publication_year", "date", "access_date", "secondary_title",
    "journal_name", "alternate_title1", "alternate_title2", "alternate_title3", "tertiary_title", "volume", "number",
    "start_page", "end_page", "issn", "publisher", "place_published", "edition", "language", "abstract",
    "notes_abstract", "notes", "keywords", "doi", "urls", "type_of_work", "id",
}  # fmt: skip
_DOI_LIKE = re.compile(r"^(doi:\s*|https?://(dx\.)?doi\.org/)?10\.\d{4,9}/\S+$", re.IGNORECASE)


def ris_name(person: PersonName) -> str:
    """`Last, First, Suffix`, the RIS form; the particle stays with the family name."""
    if person.literal:
        return person.family
    parts = [" ".join(part for part in (person.particle, person.family) if part), person.given, person.suffix]
    while len(parts) > 1 and not parts[-1]:
        parts.pop()
    return ", ".join(parts)


def _ris_date(date: dict | None) -> str:
    """`YYYY/MM/DD/other`, with empty parts for what is not known."""
    parts = (date or {}).get("date-parts") or []
    if not parts:
        return ""
    point = parts[0] + [None, None]
    other = dates.season_name(date)
    return "/".join(f"{p:02d}" if isinstance(p, int) else "" for p in point[1:3]).join([f"{point[0]}/", f"/{other}"])


def ris_reference(paper: Paper) -> dict:
    kept = (paper.extra or {}).get("ris", {})
    ris_type = kept.get("type_of_reference")
    if TYPES_IN.get(ris_type) != paper.item_type:
        ris_type = "SLIDE" if paper.kind == PaperKind.TALK else TYPES_OUT.get(paper.item_type, "GEN")
    reference: dict = {"type_of_reference": ris_type, "id": paper.export_key}
    printed = f.printed_titles(paper)
    if paper.title:
        reference["title"] = printed(f.whole_title(paper))
    roles = {
        "authors": (AuthorRole.AUTHOR, AuthorRole.SPEAKER),
        "secondary_authors": (AuthorRole.EDITOR,),
        "tertiary_authors": (AuthorRole.COLLECTION_EDITOR, AuthorRole.ORGANIZER),
        "subsidiary_authors": (AuthorRole.TRANSLATOR,),
    }
    people = f.people(paper)
    if f.from_bibtex(paper):
        people = [dataclasses.replace(p, parts=dataclasses.replace(p.parts, given=f.initials_apart(p.parts.given)))
                  for p in people]  # fmt: skip
    for key, wanted in roles.items():
        if names := [ris_name(p.parts) for p in people if p.role in wanted]:
            reference[key] = names
    if paper.year:
        reference["year"] = str(paper.year)
    if date := _ris_date(paper.issued):
        reference["date"] = date
    if paper.accessed:
        reference["access_date"] = _ris_date(paper.accessed)
    if paper.venue:
        journal = paper.venue.kind == VenueKind.JOURNAL
        reference["secondary_title"] = paper.venue.name if journal else printed(paper.venue.name)
        if paper.venue.short_name:
            reference["alternate_title2"] = paper.venue.short_name
    for key, value in (
        ("short_title", printed(paper.title_short)),
        ("tertiary_title", printed(paper.collection_title)),
        ("volume", paper.volume),
        ("number", paper.issue or paper.number),
        ("publisher", paper.publisher),
        ("place_published", paper.publisher_place),
        ("edition", paper.edition),
        ("language", languages.bcp47(paper.language) if f.from_bibtex(paper) else paper.language),
        ("type_of_work", paper.genre),
        ("issn", paper.isbn if paper.item_type in _BOOKISH else paper.issn),
    ):
        if value:
            reference[key] = value
    if paper.page:
        start, _, end = paper.page.partition("-")
        reference["start_page"] = start.strip()
        if end.strip():
            reference["end_page"] = end.strip()
    if doi := f.doi_as_written(paper):
        reference["doi"] = doi
    if paper.arxiv_id:
        reference["number"] = reference.get("number") or f"arXiv:{paper.arxiv_id}"
    if links := f.links(paper):
        reference["urls"] = [url for url, _ in links]
    if paper.abstract:
        reference["abstract"] = " ".join(paper.abstract.split())  # one line: RIS has no continuation
    if paper.note:
        reference["notes"] = [" ".join(paper.note.split())]
    if keywords := f.keyword_names(paper):
        reference["keywords"] = keywords
    for key, value in kept.items():
        if key != "type_of_reference":
            reference.setdefault(key, value)
    return reference


class _Writer(RisWriter):
    def set_header(self, count: int) -> str:
        return ""  # rispy numbers records ("1.") by default; other readers take that for garbage


def ris_text(papers: Sequence[Paper]) -> str:
    return rispy.dumps([ris_reference(paper) for paper in papers], implementation=_Writer) + "\n"


# reading --------------------------------------------------------------------------------------


def looks_like_ris(lines: list[str]) -> bool:
    return any(re.match(r"^\s*TY\s{1,3}- ", line.lstrip("\ufeff")) for line in lines)


_TAG_LINE = re.compile(r"^\s*([A-Z][A-Z0-9])\s{1,3}-(?:\s|$)\s?(.*)$")
# Web of Science writes some tags on the line before: "…SwitzerlandAD  - Univ Paris 01"
_GLUED_TAG = re.compile(r"(?<=\S)(?=(?:[A-Z][A-Z0-9])  - )")


def _records(reader: Iterable[Line], file_name: str, warnings: list[str]) -> Iterator[tuple[int, str]]:
    """Each record's text from its TY to its ER, each tag line in the specification's shape (`TY  - `)
    however the file spaced it; text outside records is passed over with a warning, and a record the
    file does not close ends where the next one begins."""
    lines: list[str] = []
    first = None
    outside: int | None = None
    for line in reader:
        text = line.text
        tagged = _TAG_LINE.match(text)
        if tagged and tagged.group(1) == "TY":
            if first is not None:
                said = f"the record is not closed with 'ER  -': it ends at line {line.number - 1}"
                warnings.append(f"{file_name}:{first}: {said}")
                yield first, "\n".join(lines) + "\nER  - \n"
            lines, first = [], line.number
        if first is None:
            if text.strip() and outside is None:
                outside = line.number
                said = f"text outside any record passed over: {text.strip()[:60]!r}"
                warnings.append(f"{file_name}:{line.number}: {said}")
            continue
        if tagged:
            for piece in _GLUED_TAG.split(f"{tagged.group(1)}  - {tagged.group(2)}"):
                lines.append(piece)
        else:
            lines.append(text)
        if tagged and tagged.group(1) == "ER":
            yield first, "\n".join(lines) + "\n"
            lines, first = [], None
    if first is not None:
        warnings.append(f"{file_name}:{first}: the record is not closed with 'ER  -' before the file ends")
        yield first, "\n".join(lines) + "\nER  - \n"


def parse(reader: Iterable[Line], file_name: str, warnings: list[str]) -> Iterator[PaperRecord]:
    for line, raw in _records(reader, file_name, warnings):
        try:
            (reference,) = rispy.loads(raw, skip_unknown_tags=False)
        except Exception as error:  # noqa: BLE001 — rispy raises bare IOError/ValueError for bad records
            broken = PaperRecord(line=line, raw=raw)
            broken.problems.append(DumpError(file_name, line, f"not a RIS record: {error}"))
            yield broken
            continue
        yield reference_record(reference, raw, line, file_name, warnings)


# initials, then a family name of one word (particles aside): a person written given name first
_INITIALS_FIRST = re.compile(r"^(?:[^\W\d_]\.[\s-]*)+(?:[a-z]+\s+)*[^\W\d_][\w'-]*$")


def _person(value: str, role: AuthorRole, checks: f.Checks, tag: str) -> Person | None:
    parts = [part.strip() for part in value.split(",")]
    if not parts[0]:
        return None
    if len(parts) == 1 and _INITIALS_FIRST.match(parts[0]):  # IEEE Xplore's `N. Ahmed`, `M. -J. Meurs`
        name = split_name(parts[0])
    elif len(parts) == 1:  # an institution, or a name given whole
        name = PersonName(family=parts[0], literal=" " in parts[0])
    else:
        last, given, suffix = (parts + ["", ""])[:3]
        particle, family = split_family(last)
        name = PersonName(family=family, given=given, particle=particle, suffix=suffix)
    full = name.family if name.literal else name.full
    return Person(checks.text(full, tag, 300), role, name)


def _date(value: str | None, checks: f.Checks, tag: str) -> dict | None:
    """`2009///`, `1990/10/01/`, `2018/04//`, `2018/10/11/12:08:56`, `2015`."""
    if not value or not value.strip():
        return None
    parts = (value.strip().split("/") + ["", "", ""])[:4]
    numbers = [whole(p) for p in parts[:3]]
    if numbers[0] is None:
        return checks.date(value, tag)
    try:
        date = dates.from_parts(numbers[0], numbers[1], numbers[2] if numbers[1] else None)
    except dates.DateError as error:
        checks.unreadable(tag, str(error))
        return None
    season = dates.SEASONS.get(parts[3].strip().lower())
    if season and len(date["date-parts"][0]) == 1:
        date["season"] = season
    return date


def whole(value: str) -> int | None:
    return whole_number(value.strip())


def reference_record(
    reference: dict, raw: str, line: int, file_name: str, warnings: list[str] | None = None
) -> PaperRecord:
    """A record from a reference in rispy's names (`title`, `authors`, `secondary_title` …): RIS's own,
    and the other tagged formats' (Web of Science, EndNote) mapped onto them."""
    checks = f.Checks(file_name, line, warnings)
    ris_type = reference.get("type_of_reference", "GEN")
    item_type = TYPES_IN.get(ris_type, ItemType.ARTICLE)
    kind = PaperKind.TALK if item_type == ItemType.SPEECH else PaperKind.ARTICLE
    record = PaperRecord(line=line, raw=raw, kind=kind, item_type=item_type)
    kept: dict = {}
    if TYPES_OUT.get(item_type, "GEN") != ris_type:
        kept["type_of_reference"] = ris_type
    record.title = checks.text(reference.get("title") or reference.get("primary_title") or "", "TI", f.READ_TITLE_CHARS)
    record.abstract = (reference.get("abstract") or reference.get("notes_abstract") or "").strip()
    roles = (
        ("authors", f.writer_role(kind), "AU"),
        ("first_authors", f.writer_role(kind), "A1"),
        ("secondary_authors", AuthorRole.EDITOR, "A2"),
        ("tertiary_authors", AuthorRole.ORGANIZER if kind == PaperKind.TALK else AuthorRole.COLLECTION_EDITOR, "A3"),
        ("subsidiary_authors", AuthorRole.TRANSLATOR, "A4"),
    )
    for key, role, tag in roles:
        values = reference.get(key) or []
        for value in values if isinstance(values, list) else [values]:
            if person := _person(value, role, checks, tag):
                record.authors.append(person)
    said, year_said = reference.get("date"), reference.get("year") or reference.get("publication_year")
    if said and year_said and not re.search(r"\d{4}", said):  # "DA  - MAY" beside "PY  - 2019" (Web of Science)
        said = f"{said} {str(year_said).split('/')[0]}"
    record.issued = _date(said, checks, "DA") or _date(year_said, checks, "PY")
    for tag, key in (("DA", "date"), ("PY", "year"), ("Y2", "access_date")):
        if tag in checks.unread_fields:
            kept[key] = reference[key]
    year = (reference.get("year") or "").split("/")[0].strip()
    if year and record.issued and dates.year_of(record.issued) != whole(year):
        checks.warn("PY", f"the year {year} differs from the date {reference.get('date')}: the date is kept")
    record.accessed = _date(reference.get("access_date"), checks, "Y2")
    venue = reference.get("secondary_title") or reference.get("journal_name") or reference.get("alternate_title3")
    venue = checks.text(venue or "", "T2", 500)
    preprint = f.arxiv_container(venue, str(reference.get("volume") or "")) if venue else None
    if preprint is not None:  # a preprint: arXiv is where it is, not a venue; the words are kept
        record.extra["container-title"], venue = venue, ""
    if venue:
        short = reference.get("alternate_title2") or reference.get("alternate_title1") or ""
        kind_of = f.container_kind(item_type, venue)
        record.venue = VenueRecord(name=venue, kind=kind_of, short_name=checks.text(short, "JA", f.SHORT_NAME_CHARS))
    csl = record.csl
    for key, variable in (
        ("short_title", "title-short"),
        ("tertiary_title", "collection-title"),
        ("volume", "volume"),
        ("publisher", "publisher"),
        ("place_published", "publisher-place"),
        ("edition", "edition"),
        ("language", "language"),
    ):
        if value := str(reference.get(key) or "").strip():
            csl[variable] = value
    number = str(reference.get("number") or "").strip()
    if number.lower().startswith("arxiv:"):
        record.arxiv_id = checks.arxiv_id(number[6:], "IS")
    elif number:
        csl["issue" if item_type in (ItemType.ARTICLE_JOURNAL, ItemType.ARTICLE_MAGAZINE) else "number"] = number
    record.arxiv_id = record.arxiv_id or preprint or None
    start, end = str(reference.get("start_page") or "").strip(), str(reference.get("end_page") or "").strip()
    if start or end:
        csl["page"] = f"{start}-{end}" if start and end else start or end
    if serial := str(reference.get("issn") or "").strip():
        csl["ISBN" if item_type in _BOOKISH else "ISSN"] = serial
    work = str(reference.get("type_of_work") or "").strip()
    doi = reference.get("doi") or (work if _DOI_LIKE.match(work) else None)
    if work and not _DOI_LIKE.match(work) and item_type in _NO_GENRE:
        kept["type_of_work"] = work  # an index's document type (Scopus' `Article`, `Review`): no genre to print
    elif work and not _DOI_LIKE.match(work):
        csl["genre"] = work
    record.doi = checks.doi(doi, "DO" if reference.get("doi") else "M3")
    f.keep_doi_as_written(record, doi)
    notes = reference.get("notes") or []
    if notes:
        csl["note"] = "\n".join(notes)
    for url in reference.get("urls", []):
        record.links += [f.link_with_kind(u, None) for u in checks.urls(url, "UR")]
    if checks.other_uris:
        kept["urls"] = reference["urls"]
    record.keywords = [checks.text(k, "KW", 300) for k in reference.get("keywords", []) if k.strip()]
    record.citation_key = reference.get("id") or None
    for key, value in reference.items():
        if key not in _READ and value:
            kept[key] = {k: list(v) for k, v in value.items()} if key == "unknown_tag" else value
    if kept:
        record.extra["ris"] = kept
    if not record.title:
        record.review_reason = UNTITLED_REASON
    record.problems += checks.problems
    record.unread += checks.unread
    return record


FORMAT = Format(
    "ris", "RIS", looks_like_ris, parse, parse_elsewhere=True,
    media_type=MEDIA_TYPE, extension="ris", render=ris_text,
)  # fmt: skip
