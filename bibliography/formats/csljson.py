"""CSL-JSON, the format of citeproc, Zotero, Pandoc and Mendeley: a JSON array of items.

The record is CSL's own vocabulary, so items go in and out variable by variable: types, every name
variable (family, given, particles, suffix; a literal name kept whole; "and others" as pandoc
writes it, `{"literal": "others"}`), dates with their precision, the rich-text markup of titles,
and any variable the record has no column for (kept in `Paper.extra`). Zotero's
`journalAbbreviation` is read as `container-title-short`; an `id` that is a Zotero item URL is kept
as an alias key rather than made the citation key. `custom` carries what only this bibliography has
(links with their kinds, the venue's kind, accepted concepts, the arXiv id).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from bibliography import text
from bibliography.names import PersonName, join_name, split_name
from bibliography.richtext import has_math, literal_dollars, sentence_case, tex_quotes
from bibliography.vocabulary import CSL_COLUMNS, AuthorRole, ItemType, PaperKind, VenueKind

from . import fields as f
from . import languages
from .base import Format
from .errors import DumpError
from .reader import Line
from .records import UNTITLED_REASON, PaperRecord, Person, VenueRecord

if TYPE_CHECKING:  # writers read any object shaped like a paper
    from bibliography.models import Paper

MEDIA_TYPE = "application/vnd.citationstyles.csl+json"
# A JSON item longer than this is not a reference: refuse it rather than buffer without bound.
MAX_ITEM_CHARS = 8 << 20
_READ_AHEAD_CHARS = 1 << 20

NAME_VARIABLES = [
    "author", "chair", "collection-editor", "compiler", "composer", "container-author", "contributor", "curator",
    "director", "editor", "editorial-director", "executive-producer", "guest", "host", "illustrator", "interviewer",
    "narrator", "organizer", "original-author", "performer", "producer", "recipient", "reviewed-author",
    "script-writer", "series-creator", "translator",
]  # fmt: skip
_HANDLED = {
    "id", "type", "title", "abstract", "issued", "accessed", "container-title", "container-title-short",
    "journalAbbreviation", "event", "DOI", "URL", "keyword", "custom", "number", *NAME_VARIABLES, *CSL_COLUMNS,
}  # fmt: skip
_FORMAT_KEYS = {"bibtex", "ris", "listing", "wos", "endnote", "merged"}  # Paper.extra keys that are no CSL
# Variables that BibTeX writes in title case and CSL in sentence case (pandoc's reader converts the
# same ones; a journal's name is a name, left as it is).
_TITLES = ("title", "title-short", "collection-title", "event-title", "volume-title")


_TEXT = (*_TITLES, "container-title", "container-title-short", "publisher", "publisher-place", "event-place", "note")


def _as_csl_writes_it(paper: Paper, item: dict) -> None:
    """A record read from BibTeX in CSL's conventions: English titles in sentence case (CSL styles
    change the case of English titles only), TeX's `'` as the quote it prints, initials apart
    ("J.R." is "J. R." to BibTeX's readers, one name to CSL's)."""
    english = f.in_english(paper)
    journal = paper.venue is not None and paper.venue.kind == VenueKind.JOURNAL
    for variable in (_TITLES if journal else (*_TITLES, "container-title")) if english else ():
        if variable in item:
            item[variable] = sentence_case(item[variable])
    for variable in _TEXT:
        if variable in item:
            item[variable] = tex_quotes(item[variable])
    for variable in NAME_VARIABLES:
        for name in item.get(variable, ()):
            if "given" in name:
                name["given"] = f.initials_apart(name["given"])


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
    return ItemType.SPEECH if paper.kind == PaperKind.TALK else paper.item_type


def csl_date(date: dict | None) -> dict | None:
    if not date:
        return None
    out = {k: v for k, v in date.items() if k != "literal_season"}
    if date.get("literal_season"):
        out["season"] = date["literal_season"]
    return out


def csl_item(paper: Paper) -> dict:
    item: dict = {"id": paper.export_key, "type": csl_type(paper)}
    custom: dict = {"id": paper.pk}
    if paper.title:
        item["title"] = f.whole_title(paper)
    for person in f.people(paper):
        variable = "author" if person.role == AuthorRole.SPEAKER else str(person.role)
        item.setdefault(variable, []).append(csl_name(person.parts))
    if paper.authors_truncated:
        item.setdefault("author", []).append({"literal": "others"})
    if issued := csl_date(paper.issued):
        item["issued"] = issued
    if accessed := csl_date(paper.accessed):
        item["accessed"] = accessed
    if paper.venue:
        item["event" if paper.kind == PaperKind.TALK else "container-title"] = paper.venue.name
        if paper.venue.short_name:
            item["container-title-short"] = paper.venue.short_name
        custom["venue-kind"] = paper.venue.kind
    for variable, column in CSL_COLUMNS.items():
        if value := getattr(paper, column):
            item[variable] = languages.bcp47(value) if variable == "language" else value
    if doi := f.doi_as_written(paper):
        item["DOI"] = doi
    if paper.arxiv_id:
        item.setdefault("number", f"arXiv:{paper.arxiv_id}")
        custom["arxiv"] = paper.arxiv_id
    if links := f.links(paper):
        item["URL"] = f.url_as_written(paper, links)
        custom["links"] = [{"url": url, "kind": kind} for url, kind in links]
    if paper.abstract:
        item["abstract"] = paper.abstract
    if keywords := f.keyword_names(paper):
        item["keyword"] = ", ".join(keywords)
    if concepts := f.concept_names(paper):
        custom["concepts"] = concepts
    for variable, value in (paper.extra or {}).items():
        if variable not in _FORMAT_KEYS and (variable not in item or _kept_names(variable, value, item)):
            item[variable] = value
    if f.from_bibtex(paper):
        _as_csl_writes_it(paper, item)
    _dollars_as_dollars(item, custom)
    item["custom"] = custom
    return item


def _dollars_as_dollars(item: dict, custom: dict) -> None:
    """CSL text has no TeX: an escaped dollar is written as the dollar it is. A variable with math in
    it is kept as we hold it in `custom`, which only our reader reads, so math comes back as math."""
    for variable in (*_TEXT, "abstract", "event", *CSL_COLUMNS):
        value = item.get(variable)
        if not isinstance(value, str) or "$" not in value:
            continue
        if has_math(value):
            custom.setdefault("tex", {})[variable] = value
        item[variable] = value.replace("\\$", "$")


def _kept_names(variable: str, kept, item: dict) -> bool:
    """A name list kept as it came (part of it no name, or a person listed twice): written back as it
    came while the paper still has the people read from it."""
    if variable not in NAME_VARIABLES or not isinstance(kept, list):
        return False
    return len(item.get(variable, [])) == len(f.distinct_names(kept))


def csljson_text(papers: Sequence[Paper]) -> str:
    """Items for a JSON array, without the brackets (`FORMAT` adds them)."""
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
        yield item_record(item, line, file_name, warnings)


def _string(item: dict, key: str, checks: f.Checks, kept: dict) -> str:
    """A variable's text (a number is its digits); anything else is kept as it came, for export."""
    value = item.get(key)
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            checks.unreadable(key, f"expected a string, found {value!r}")
            kept[key] = value
        return ""
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value)  # some tools write a list where CSL has one string
    if not isinstance(value, str | int | float):
        checks.unreadable(key, f"expected a string, found {type(value).__name__}")
        kept[key] = value
        return ""
    return str(value)


def _people(item: dict, key: str, role: AuthorRole, checks: f.Checks, kept: dict) -> tuple[list[Person], bool]:
    value = item.get(key) or []
    if isinstance(value, dict | str):
        value = [value]  # one name where CSL has a list of them
    if not isinstance(value, list):
        checks.unreadable(key, "expected a list of names")
        kept[key] = value
        return [], False
    found, others = [], False
    for number, name in enumerate(value, 1):
        if isinstance(name, str) and name.strip():
            checks.warn(f"{key}[{number}]", f"a name as a string, not a name object: read as {name.strip()[:60]!r}")
            parts = split_name(" ".join(name.split()))
            found.append(Person(checks.text(parts.full or name, f"{key}[{number}]", 300), role, parts))
            continue
        if not isinstance(name, dict):
            checks.unreadable(f"{key}[{number}]", "expected a name object (family, given or literal)")
            kept[key] = value
            continue
        if name.get("literal"):
            literal = " ".join(str(name["literal"]).split())
            if literal.casefold() == "others":
                others = True
                continue
            found.append(Person(checks.text(literal, f"{key}[{number}]", 300), role, PersonName(literal, literal=True)))
            continue
        particle = " ".join(str(name[k]) for k in ("dropping-particle", "non-dropping-particle") if name.get(k))
        parts = PersonName(
            family=" ".join(str(name.get("family") or "").split()),
            given=" ".join(str(name.get("given") or "").split()),
            particle=particle,
            suffix=str(name.get("suffix") or "").strip(),
        )
        if not parts.family and parts.given:
            parts = PersonName(family=parts.given)
        full = checks.text(join_name(**{k: getattr(parts, k) for k in ("given", "particle", "family", "suffix")}),
                           f"{key}[{number}]", 300)  # fmt: skip
        if full:
            found.append(Person(full, role, parts))
    if len({text.name_key(person.name) for person in found}) < len(found):
        kept[key] = value  # a person listed twice (a reference manager's slip): one person, the list as written
    return found, others


def item_record(item: dict, line: int, file_name: str, warnings: list[str] | None = None) -> PaperRecord:
    checks = f.Checks(file_name, line, warnings)
    raw = json.dumps(item, ensure_ascii=False, sort_keys=True)
    kept: dict = {}  # variables as they came, where they could not be read: written back as they were
    item_type = str(item.get("type") or "")
    if not item_type:
        checks.warn("type", "an item without a type: read as article")
        item_type = ItemType.ARTICLE
    elif item_type not in ItemType.values:
        checks.warn("type", f"{item_type!r} is not a CSL type: read as article")
        item_type = ItemType.ARTICLE
    custom = item.get("custom") if isinstance(item.get("custom"), dict) else {}
    kind = PaperKind.TALK if item_type == ItemType.SPEECH else PaperKind.ARTICLE
    record = PaperRecord(line=line, raw=raw, kind=kind, item_type=item_type or ItemType.ARTICLE)
    # Dollars in another tool's CSL are dollars; ours carries our internal form, math and all.
    tex = custom.get("tex") if isinstance(custom.get("tex"), dict) and "id" in custom else {}

    def text_of(value: str, variable: str) -> str:
        held = tex.get(variable)
        return held if isinstance(held, str) and held.replace("\\$", "$") == value else literal_dollars(value)

    record.title = checks.text(text_of(_string(item, "title", checks, kept), "title"), "title", f.READ_TITLE_CHARS)
    record.abstract = text_of(_string(item, "abstract", checks, kept).strip(), "abstract")
    for variable in NAME_VARIABLES:
        role = f.writer_role(kind) if variable == "author" else AuthorRole(variable)
        people, others = _people(item, variable, role, checks, kept)
        record.authors += people
        record.authors_truncated |= others
    for variable in ("issued", "accessed"):
        date = checks.csl_date(item.get(variable), variable)
        if date is None and item.get(variable) not in (None, "", {}, []):
            kept[variable] = item[variable]
        setattr(record, variable, date)
    venue_key = "event" if kind == PaperKind.TALK else "container-title"
    venue = _string(item, venue_key, checks, kept) or _string(item, "container-title", checks, kept)
    venue = checks.text(text_of(venue, venue_key), venue_key, 500)
    preprint = (
        f.arxiv_container(venue, item.get("volume") if isinstance(item.get("volume"), str) else None)
        if venue and kind != PaperKind.TALK
        else None
    )
    if preprint is not None:  # a preprint: arXiv is where it is, not a venue; the words are kept
        record.extra["container-title"], venue = venue, ""
    if venue:
        short = _string(item, "container-title-short", checks, kept) or _string(
            item, "journalAbbreviation", checks, kept
        )
        record.venue = VenueRecord(
            name=venue,
            kind=f.container_kind(item_type, venue, custom.get("venue-kind")),
            short_name=checks.text(short, "container-title-short", f.SHORT_NAME_CHARS),
        )
    for variable in CSL_COLUMNS:
        if value := _string(item, variable, checks, kept).strip():
            record.csl[variable] = text_of(value, variable)
    doi = _string(item, "DOI", checks, kept)
    record.doi = checks.doi(doi, "DOI")
    f.keep_doi_as_written(record, doi)
    number = _string(item, "number", checks, kept).strip()
    arxiv = custom.get("arxiv") or (number[6:] if number.lower().startswith("arxiv:") else None)
    record.arxiv_id = checks.arxiv_id(arxiv, "custom.arxiv" if custom.get("arxiv") else "number") or preprint or None
    if number and not (record.arxiv_id and number.lower().startswith("arxiv:")):
        record.csl["number"] = number
    if isinstance(custom.get("links"), list):
        for link in custom["links"]:
            if not isinstance(link, dict) or not isinstance(link.get("url"), str):
                checks.unreadable("custom.links", 'each link must be {"url": …, "kind": …}')
                continue
            record.links += [f.link_with_kind(u, link.get("kind")) for u in checks.urls(link["url"], "custom.links")]
    elif url := _string(item, "URL", checks, kept):
        record.links += [f.link_with_kind(u, None) for u in checks.urls(url, "URL")]
        if checks.other_uris or (record.links and record.links[0][0] != url.strip()):
            kept["URL"] = url  # as written (`//host/…`, `www.…`): written back so
    keywords = item.get("keyword")
    if isinstance(keywords, list):  # not CSL, but some tools write a list
        keywords = ", ".join(str(k) for k in keywords)
    record.keywords = [checks.text(k, "keyword", 300) for k in str(keywords or "").split(",") if k.strip()]
    if isinstance(custom.get("concepts"), list):
        record.concepts = [
            checks.text(str(name), "custom.concepts", 300) for name in custom["concepts"] if str(name).strip()
        ]
    for variable, value in item.items():
        if variable not in _HANDLED and value not in (None, "", [], {}):
            record.extra[variable] = value
    record.extra.update(kept)
    key = str(item["id"]) if item.get("id") not in (None, "") else None
    if key and "://" in key:
        record.alias_keys.append(key)  # a Zotero item URL names the item, but is no key to cite by
    else:
        record.citation_key = key
    if not record.title:
        record.review_reason = UNTITLED_REASON
    record.problems += checks.problems
    record.unread += checks.unread
    return record


FORMAT = Format(
    "csljson", "CSL-JSON", looks_like_csljson, parse, parse_elsewhere=True,
    media_type=MEDIA_TYPE, extension="json", render=csljson_text, head="[\n", tail="\n]\n", between=",\n",
)  # fmt: skip
