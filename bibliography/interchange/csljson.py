"""CSL-JSON, the format of citeproc, Zotero, Pandoc and Mendeley: a JSON array of items.

Standard variables carry what other tools understand (names split into family and given, dates
as date-parts, `keyword` as a comma-separated string); `custom` carries the rest exactly (links
with their kinds, the venue's kind, accepted concepts one by one, the arXiv id, roles), as the
CSL-JSON schema provides, so a file written here comes back without loss.
"""

import json
from collections.abc import Iterable, Iterator, Sequence

from bibliography.importers.errors import DumpError
from bibliography.importers.reader import Line
from bibliography.importers.records import PaperRecord, VenueRecord
from bibliography.models import AuthorRole, Paper, PaperKind, VenueKind

from . import fields as f
from .names import PersonName, join_name

MEDIA_TYPE = "application/vnd.citationstyles.csl+json"
# A JSON item longer than this is not a reference: refuse it rather than buffer without bound.
MAX_ITEM_CHARS = 8 << 20
_READ_AHEAD_CHARS = 1 << 20

_TYPES = {
    VenueKind.JOURNAL: "article-journal",
    VenueKind.CONFERENCE: "paper-conference",
    VenueKind.WORKSHOP: "paper-conference",
}
_VENUE_KINDS = {"article-journal": VenueKind.JOURNAL, "paper-conference": VenueKind.CONFERENCE}


# writing --------------------------------------------------------------------------------------


def csl_name(person: PersonName) -> dict:
    if person.is_single_word:
        return {"literal": person.family}
    name = {"family": person.family}
    if person.given:
        name["given"] = person.given
    if person.particle:
        name["non-dropping-particle"] = person.particle
    if person.suffix:
        name["suffix"] = person.suffix
    return name


def csl_type(paper: Paper) -> str:
    if paper.kind == PaperKind.TALK:
        return "speech"
    return _TYPES.get(paper.venue.kind if paper.venue else None, "article")


def csl_item(paper: Paper) -> dict:
    item: dict = {"id": paper.citation_key, "type": csl_type(paper)}
    custom: dict = {"id": paper.pk}
    if paper.title:
        item["title"] = paper.title
    if writers := f.writers(paper):
        item["author"] = [csl_name(p.parts) for p in writers]
    if organizers := f.organizers(paper):
        item["organizer"] = [csl_name(p.parts) for p in organizers]
    if paper.published_on:
        d = paper.published_on
        item["issued"] = {"date-parts": [[d.year, d.month, d.day]]}
    elif paper.year:
        item["issued"] = {"date-parts": [[paper.year]]}
    if paper.venue:
        item["event" if paper.kind == PaperKind.TALK else "container-title"] = paper.venue.name
        if paper.venue.short_name:
            item["container-title-short"] = paper.venue.short_name
        custom["venue-kind"] = paper.venue.kind
    if paper.doi:
        item["DOI"] = paper.doi
    if paper.arxiv_id:
        item["number"] = f"arXiv:{paper.arxiv_id}"
        custom["arxiv"] = paper.arxiv_id
    if links := f.links(paper):
        item["URL"] = links[0][0]
        custom["links"] = [{"url": url, "kind": kind} for url, kind in links]
    if paper.abstract:
        item["abstract"] = paper.abstract
    if concepts := f.concept_names(paper):
        item["keyword"] = ", ".join(concepts)
        custom["concepts"] = concepts
    item["custom"] = custom
    return item


def csljson_text(papers: Sequence[Paper]) -> str:
    """Items for a JSON array, without the brackets: see `export.FORMATS`."""
    return ",\n".join(json.dumps(csl_item(paper), ensure_ascii=False, indent=2) for paper in papers)


# reading --------------------------------------------------------------------------------------


def looks_like_csljson(lines: list[str]) -> bool:
    head = "".join(lines).lstrip()
    return (
        head.startswith("[")
        and ('"type"' in head or head[1:].lstrip().startswith("]"))
        or (head.startswith("{") and '"type"' in head)
    )


def _items(reader: Iterable[Line], file_name: str) -> Iterator[tuple[int, dict]]:
    """Each item of the top-level array with its first line, holding about one item in memory."""
    decoder = json.JSONDecoder()
    lines = iter(reader)
    buffer, pos, line_at_pos, exhausted = "", 0, 1, False

    def more() -> bool:
        nonlocal buffer, exhausted
        if exhausted:
            return False
        parts, added = [], 0
        for line in lines:
            parts.append(line.text)
            added += len(line.text) + 1
            if added >= _READ_AHEAD_CHARS:
                break
        else:
            exhausted = True
        if parts:
            buffer += "\n".join(parts) + "\n"
        return added > 0

    def skip(chars: str) -> None:
        nonlocal pos, line_at_pos
        while True:
            while pos < len(buffer) and buffer[pos] in chars:
                line_at_pos += buffer[pos] == "\n"
                pos += 1
            if pos < len(buffer) or not more():
                return

    def fail(message: str, at: int) -> DumpError:
        return DumpError(file_name, line_at_pos + buffer.count("\n", pos, at), message)

    skip(" \t\r\n")
    if pos >= len(buffer) or buffer[pos] not in "[{":
        raise fail("not CSL-JSON: expected a JSON array of items", pos)
    single = buffer[pos] == "{"
    if not single:
        pos += 1
    expect_item = True
    while True:
        skip(" \t\r\n")
        if pos >= len(buffer):
            if single:
                return
            raise fail("the JSON array is not closed with ]", pos)
        if buffer[pos] == "]" and not single:
            return
        if buffer[pos] == "," and not expect_item:
            pos += 1
            expect_item = True
            continue
        if not expect_item:
            raise fail(f"expected , or ] between items, found {buffer[pos]!r}", pos)
        while True:
            try:
                item, end = decoder.raw_decode(buffer, pos)
                break
            except json.JSONDecodeError as error:
                if len(buffer) - pos > MAX_ITEM_CHARS:
                    raise fail(f"an item longer than {MAX_ITEM_CHARS:,} characters", pos) from None
                if not more():
                    raise fail(f"not valid JSON: {error.msg}", error.pos) from None
        if not isinstance(item, dict):
            raise fail(f"each item must be a JSON object, found {type(item).__name__}", pos)
        yield line_at_pos, item
        if single:
            return
        line_at_pos += buffer.count("\n", pos, end)
        pos, expect_item = end, False
        if pos > _READ_AHEAD_CHARS:
            buffer, pos = buffer[pos:], 0


def parse(reader: Iterable[Line], file_name: str, warnings: list[str]) -> Iterator[PaperRecord]:
    for line, item in _items(reader, file_name):
        yield _record(item, line, file_name)


def _string(item: dict, key: str, checks: f.Checks) -> str:
    value = item.get(key)
    if value is None:
        return ""
    if not isinstance(value, (str, int)):
        checks.fail(key, f"expected a string, found {type(value).__name__}")
    return str(value)


def _names(item: dict, key: str, role: AuthorRole, checks: f.Checks) -> list[tuple[str, AuthorRole]]:
    value = item.get(key) or []
    if not isinstance(value, list):
        checks.fail(key, "expected a list of names")
    found = []
    for number, name in enumerate(value, 1):
        if not isinstance(name, dict):
            checks.fail(f"{key}[{number}]", "expected a name object (family, given or literal)")
        if name.get("literal"):
            full = str(name["literal"])
        else:
            particle = " ".join(str(name[k]) for k in ("dropping-particle", "non-dropping-particle") if name.get(k))
            full = join_name(
                given=str(name.get("given") or ""),
                particle=particle,
                family=str(name.get("family") or ""),
                suffix=str(name.get("suffix") or ""),
            )
        full = checks.text(full, f"{key}[{number}]", 300)
        if full:
            found.append((full, role))
    return found


def _date(item: dict, checks: f.Checks) -> tuple[int | None, object]:
    issued = item.get("issued")
    if not issued:
        return None, None
    if isinstance(issued, str):  # EDTF: 2023, 2023-03, 2023-03-20
        parts = issued.split("/")[0].split("-")
    elif isinstance(issued, dict) and issued.get("date-parts"):
        try:
            parts = [str(p) for p in issued["date-parts"][0]]
        except (TypeError, IndexError, KeyError):
            checks.fail("issued", "date-parts must be [[year, month, day]]")
    elif isinstance(issued, dict) and issued.get("raw"):
        parts = str(issued["raw"]).split("-")
    else:
        return None, None
    year = checks.year(parts[0] if parts else None, "issued")
    published_on = checks.date(year, *(parts[1:3] + [None, None])[:2], "issued")
    return year, published_on


def _record(item: dict, line: int, file_name: str) -> PaperRecord:
    checks = f.Checks(file_name, line)
    if "type" not in item:
        checks.fail("type", "every CSL-JSON item needs a type")
    custom = item.get("custom") if isinstance(item.get("custom"), dict) else {}
    kind = PaperKind.TALK if item.get("type") == "speech" else PaperKind.ARTICLE
    raw = json.dumps(item, ensure_ascii=False, sort_keys=True)
    record = PaperRecord(line=line, raw=raw, kind=kind)
    record.title = checks.text(_string(item, "title", checks), "title", 1000)
    record.abstract = _string(item, "abstract", checks).strip()
    record.authors = _names(item, "author", f.writer_role(kind), checks)
    record.authors += _names(item, "organizer", AuthorRole.ORGANIZER, checks)
    record.year, record.published_on = _date(item, checks)
    venue = _string(item, "event" if kind == PaperKind.TALK else "container-title", checks) or _string(
        item, "event" if kind != PaperKind.TALK else "container-title", checks
    )
    venue = checks.text(venue, "container-title", 500)
    if venue:
        default = _VENUE_KINDS.get(
            item.get("type"), VenueKind.LISTING if kind == PaperKind.ARTICLE else VenueKind.WORKSHOP
        )
        if default == VenueKind.CONFERENCE and "workshop" in venue.lower():
            default = VenueKind.WORKSHOP
        record.venue = VenueRecord(
            name=venue,
            kind=f.venue_kind(custom.get("venue-kind"), default),
            short_name=checks.text(_string(item, "container-title-short", checks), "container-title-short", 100),
        )
    record.doi = checks.doi(_string(item, "DOI", checks), "DOI")
    number = _string(item, "number", checks)
    arxiv = custom.get("arxiv") or (number[6:] if number.lower().startswith("arxiv:") else None)
    record.arxiv_id = checks.arxiv_id(arxiv, "custom.arxiv" if custom.get("arxiv") else "number")
    if isinstance(custom.get("links"), list):
        for link in custom["links"]:
            if not isinstance(link, dict) or not isinstance(link.get("url"), str):
                checks.fail("custom.links", 'each link must be {"url": …, "kind": …}')
            record.links.append(f.link_with_kind(checks.url(link["url"], "custom.links"), link.get("kind")))
    elif url := _string(item, "URL", checks):
        record.links.append(f.link_with_kind(checks.url(url, "URL"), None))
    if isinstance(custom.get("concepts"), list):
        names = [str(name) for name in custom["concepts"]]
    else:
        names = [name.strip() for name in _string(item, "keyword", checks).split(",")]
    record.concepts = [checks.text(name, "keyword", 300) for name in names if name.strip()]
    record.citation_key = str(item["id"]) if item.get("id") not in (None, "") else None
    if not record.title:
        record.review_reason = f.UNTITLED_REASON
    return record
