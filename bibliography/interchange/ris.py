"""RIS, the tagged format of EndNote, Zotero and most publishers' "export citation" buttons,
written and read with rispy: one `TY` … `ER` record per paper."""

import re
from collections.abc import Iterable, Iterator, Sequence

import rispy
from rispy.writer import RisWriter

from bibliography.importers.errors import DumpError
from bibliography.importers.reader import Line
from bibliography.importers.records import PaperRecord, VenueRecord
from bibliography.models import AuthorRole, Paper, PaperKind, VenueKind

from . import fields as f
from .names import PersonName, join_name

MEDIA_TYPE = "application/x-research-info-systems"

_TYPES = {VenueKind.JOURNAL: "JOUR", VenueKind.CONFERENCE: "CPAPER", VenueKind.WORKSHOP: "CPAPER"}
_VENUE_KINDS = {"JOUR": VenueKind.JOURNAL, "CPAPER": VenueKind.CONFERENCE, "CONF": VenueKind.CONFERENCE}
_TAG = re.compile(r"^([A-Z][A-Z0-9])  - ?(.*)$")


def ris_name(person: PersonName) -> str:
    """`Last, First, Suffix`, the RIS form; the particle stays with the family name."""
    parts = [" ".join(part for part in (person.particle, person.family) if part), person.given, person.suffix]
    while len(parts) > 1 and not parts[-1]:
        parts.pop()
    return ", ".join(parts)


def ris_reference(paper: Paper) -> dict:
    venue_kind = paper.venue.kind if paper.venue else None
    kind = "SLIDE" if paper.kind == PaperKind.TALK else _TYPES.get(venue_kind, "GEN")
    reference: dict = {"type_of_reference": kind, "id": paper.citation_key}
    if paper.title:
        reference["title"] = paper.title
    if writers := f.writers(paper):
        reference["authors"] = [ris_name(p.parts) for p in writers]
    if organizers := f.organizers(paper):
        reference["tertiary_authors"] = [ris_name(p.parts) for p in organizers]
    if paper.year:
        reference["year"] = str(paper.year)
    if paper.published_on:
        reference["date"] = paper.published_on.strftime("%Y/%m/%d")
    if paper.venue:
        reference["secondary_title"] = paper.venue.name
        if paper.venue.kind == VenueKind.JOURNAL:
            reference["journal_name"] = paper.venue.name
    if paper.doi:
        reference["doi"] = paper.doi
    if paper.arxiv_id:
        reference["number"] = f"arXiv:{paper.arxiv_id}"
    if links := f.links(paper):
        reference["urls"] = [url for url, _ in links]
    if paper.abstract:
        reference["abstract"] = " ".join(paper.abstract.split())  # one line: RIS has no continuation
    if concepts := f.concept_names(paper):
        reference["keywords"] = concepts
    return reference


class _Writer(RisWriter):
    def set_header(self, count: int) -> str:
        return ""  # rispy numbers records ("1.") by default; other readers take that for garbage


def ris_text(papers: Sequence[Paper]) -> str:
    return rispy.dumps([ris_reference(paper) for paper in papers], implementation=_Writer) + "\n"


# reading --------------------------------------------------------------------------------------


def looks_like_ris(lines: list[str]) -> bool:
    return any(re.match(r"^TY  - ", line.lstrip("\ufeff")) for line in lines)


def _records(reader: Iterable[Line], file_name: str) -> Iterator[tuple[int, str]]:
    lines: list[str] = []
    first = None
    for line in reader:
        text = line.text
        if first is None:
            if not text.strip():
                continue
            if not text.startswith("TY  - "):
                raise DumpError(
                    file_name, line.number, f"expected a record starting with 'TY  - ', found {text[:40]!r}"
                )
            first = line.number
        lines.append(text)
        if text.startswith("ER  -"):
            yield first, "\n".join(lines) + "\n"
            lines, first = [], None
    if first is not None:
        raise DumpError(file_name, first, "the record is not closed with 'ER  -'")


def parse(reader: Iterable[Line], file_name: str, warnings: list[str]) -> Iterator[PaperRecord]:
    for line, raw in _records(reader, file_name):
        try:
            (reference,) = rispy.loads(raw, skip_unknown_tags=True)
        except Exception as error:  # noqa: BLE001 — rispy raises bare IOError/ValueError for bad records
            raise DumpError(file_name, line, f"not a RIS record: {error}") from None
        yield _record(reference, raw, line, file_name)


def _name(value: str) -> str:
    parts = [part.strip() for part in value.split(",")]
    if len(parts) == 1:
        return parts[0]
    family, given, suffix = (parts + ["", ""])[:3]
    return join_name(given=given, family=family, suffix=suffix)


def _record(reference: dict, raw: str, line: int, file_name: str) -> PaperRecord:
    checks = f.Checks(file_name, line)
    ris_type = reference.get("type_of_reference", "GEN")
    kind = PaperKind.TALK if ris_type == "SLIDE" else PaperKind.ARTICLE
    record = PaperRecord(line=line, raw=raw, kind=kind)
    record.title = checks.text(reference.get("title") or reference.get("primary_title") or "", "TI", 1000)
    record.abstract = (reference.get("abstract") or reference.get("notes_abstract") or "").strip()
    writers = reference.get("authors") or reference.get("first_authors") or []
    record.authors = [(checks.text(_name(n), "AU", 300), f.writer_role(kind)) for n in writers if n.strip()]
    record.authors += [
        (checks.text(_name(n), "A3", 300), AuthorRole.ORGANIZER) for n in reference.get("tertiary_authors", [])
    ]
    year_text = (reference.get("year") or reference.get("publication_year") or "").split("/")[0]
    record.year = checks.year(year_text, "PY")
    if date := reference.get("date"):
        parts = re.split(r"[/-]", date.strip())
        year = checks.year(parts[0], "DA") if parts[0] else record.year
        record.published_on = checks.date(year, *(parts[1:3] + ["", ""])[:2], "DA")
        record.year = record.year or year
    venue = reference.get("journal_name") or reference.get("secondary_title") or reference.get("alternate_title3")
    if venue := checks.text(venue or "", "T2", 500):
        default = _VENUE_KINDS.get(ris_type, VenueKind.WORKSHOP if kind == PaperKind.TALK else VenueKind.LISTING)
        if default == VenueKind.CONFERENCE and "workshop" in venue.lower():
            default = VenueKind.WORKSHOP
        record.venue = VenueRecord(name=venue, kind=default)
    record.doi = checks.doi(reference.get("doi"), "DO")
    number = reference.get("number") or ""
    if number.lower().startswith("arxiv:"):
        record.arxiv_id = checks.arxiv_id(number[6:], "IS")
    record.links = [f.link_with_kind(checks.url(url, "UR"), None) for url in reference.get("urls", [])]
    record.concepts = [checks.text(k, "KW", 300) for k in reference.get("keywords", []) if k.strip()]
    record.citation_key = reference.get("id") or None
    if not record.title:
        record.review_reason = f.UNTITLED_REASON
    return record
