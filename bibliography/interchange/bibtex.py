"""BibTeX (and biblatex) entries, written and read with bibtexparser.

Entry types follow the paper's kind and venue: a talk is `@inproceedings` with `type = {talk}`,
a paper at a conference or workshop `@inproceedings`, in a journal `@article`, anything else
(preprints, papers seen on a listing page) `@misc`. Organisers go in `editor` with
`editortype = {organizer}` (biblatex's name for the role). Beyond the standard fields, `links`
keeps every link with its kind (`code=https://… project=https://…`) and `venuekind` the venue's
kind, so that a file written here comes back without loss; other tools ignore both.
"""

import re
from collections.abc import Iterable, Iterator, Sequence

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares import AddEnclosingMiddleware
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, Field, ParsingFailedBlock, String
from bibtexparser.writer import BibtexFormat

from bibliography.importers.errors import DumpError
from bibliography.importers.reader import Line
from bibliography.importers.records import PaperRecord, VenueRecord
from bibliography.models import AuthorRole, LinkKind, Paper, PaperKind, VenueKind

from . import fields as f
from .latex import from_latex, to_latex
from .names import PersonName, join_name

MEDIA_TYPE = "application/x-bibtex"
CHUNK_ENTRIES = 500

_VENUE_FIELD = {
    VenueKind.JOURNAL: "journal",
    VenueKind.CONFERENCE: "booktitle",
    VenueKind.WORKSHOP: "booktitle",
    VenueKind.LISTING: "howpublished",
}
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


# writing --------------------------------------------------------------------------------------


def _format() -> BibtexFormat:
    fmt = BibtexFormat()
    fmt.indent = "  "
    fmt.block_separator = "\n"
    return fmt


def bibtex_name(person: PersonName) -> str:
    """`von Last, Jr, First`: the one form BibTeX never misreads; braces keep a comma or an 'and'."""
    family = to_latex(person.family)
    if "," in person.family or " and " in f" {person.family} " or " " in person.family:
        family = "{" + family + "}"
    last = " ".join(part for part in (to_latex(person.particle), family) if part)
    parts = [last]
    if person.suffix:
        parts.append(to_latex(person.suffix))
    if person.given or person.suffix:
        parts.append(to_latex(person.given))
    return ", ".join(parts)


def _keyword(name: str) -> str:
    value = to_latex(name)
    return "{" + value + "}" if "," in name else value


def entry_type(paper: Paper) -> str:
    if paper.kind == PaperKind.TALK:
        return "inproceedings"
    kind = paper.venue.kind if paper.venue else None
    return {
        VenueKind.JOURNAL: "article",
        VenueKind.CONFERENCE: "inproceedings",
        VenueKind.WORKSHOP: "inproceedings",
    }.get(kind, "misc")


def bibtex_entry(paper: Paper) -> Entry:
    values: list[tuple[str, str]] = []
    add = values.append
    if paper.title:
        add(("title", to_latex(paper.title)))
    if writers := f.writers(paper):
        add(("author", " and ".join(bibtex_name(p.parts) for p in writers)))
    if organizers := f.organizers(paper):
        add(("editor", " and ".join(bibtex_name(p.parts) for p in organizers)))
        add(("editortype", "organizer"))
    if paper.venue:
        add((_VENUE_FIELD[paper.venue.kind], to_latex(paper.venue.name)))
        add(("venuekind", paper.venue.kind))
    if paper.kind == PaperKind.TALK:
        add(("type", "talk"))
    if paper.year:
        add(("year", str(paper.year)))
    if paper.published_on:
        add(("month", _MONTHS[paper.published_on.month - 1]))
        add(("date", paper.published_on.isoformat()))
    if paper.doi:
        add(("doi", paper.doi))  # verbatim in biblatex, like url
    if paper.arxiv_id:
        add(("eprint", paper.arxiv_id))
        add(("archiveprefix", "arXiv"))
    if links := f.links(paper):
        add(("url", links[0][0]))
        add(("links", " ".join(f"{kind}={url}" for url, kind in links)))
    if paper.abstract:
        add(("abstract", to_latex(paper.abstract)))
    if concepts := f.concept_names(paper):
        add(("keywords", ", ".join(_keyword(name) for name in concepts)))
    entry = Entry(entry_type(paper), paper.citation_key, [Field(key, value) for key, value in values])
    return entry


def bibtex_text(papers: Sequence[Paper]) -> str:
    library = Library([bibtex_entry(paper) for paper in papers])
    # Values are escaped above; month macros (jan, feb) go unbraced, everything else in braces.
    text = bibtexparser.write_string(
        library,
        unparse_stack=[
            AddEnclosingMiddleware(reuse_previous_enclosing=False, enclose_integers=True, default_enclosing="{")
        ],
        bibtex_format=_format(),
    )
    return re.sub(r"^(  month = )\{([a-z]{3})\}", r"\1\2", text, flags=re.MULTILINE).strip() + "\n\n"


# reading --------------------------------------------------------------------------------------

_ENTRY_START = re.compile(r"^\s*@\s*([A-Za-z]+)\s*[{(]")
_IGNORED = {"comment", "preamble"}


def looks_like_bibtex(lines: list[str]) -> bool:
    starts = [_ENTRY_START.match(line) for line in lines]
    return any(m and m.group(1).lower() not in _IGNORED for m in starts)


def _chunks(reader: Iterable[Line]) -> Iterator[tuple[int, str]]:
    """Pieces of the file holding whole entries: (first line number, text)."""
    lines: list[str] = []
    first = 1
    entries = 0
    for line in reader:
        if _ENTRY_START.match(line.text):
            if entries >= CHUNK_ENTRIES:
                yield first, "\n".join(lines)
                lines, first, entries = [], line.number, 0
            entries += 1
        lines.append(line.text)
    if lines:
        yield first, "\n".join(lines)


def parse(reader: Iterable[Line], file_name: str, warnings: list[str]) -> Iterator[PaperRecord]:
    strings: list[String] = []
    for first, chunk in _chunks(reader):
        library = bibtexparser.parse_string(chunk, library=Library(list(strings)))
        for block in library.failed_blocks:
            line = first + block.start_line
            if isinstance(block, DuplicateBlockKeyBlock):
                if isinstance(block.ignore_error_block, Entry):
                    warnings.append(f"{file_name}:{line}: a second entry with the key {block.key!r}; both kept")
                    yield _record(block.ignore_error_block, first, file_name)
                continue
            said = str(block.error).strip().splitlines() if isinstance(block, ParsingFailedBlock) else []
            raise DumpError(file_name, line, f"not a BibTeX entry: {said[0] if said else 'unreadable'}")
        strings = list(library.strings)
        for entry in library.entries:
            yield _record(entry, first, file_name)


def _field(entry: Entry, name: str) -> str | None:
    found = entry.fields_dict.get(name)
    if found is None:
        return None
    value = found.value
    return str(value) if value is not None else None


def _names(value: str | None, role: AuthorRole, checks: f.Checks, field: str) -> list[tuple[str, AuthorRole]]:
    if not value:
        return []
    found = []
    for raw in split_multiple_persons_names(value):
        try:
            parts = parse_single_name_into_parts(raw, strict=False)
        except Exception as error:  # noqa: BLE001 — bibtexparser raises several kinds for a bad name
            checks.fail(field, f"cannot read the name {raw!r}: {error}")
        name = join_name(
            given=from_latex(" ".join(parts.first)),
            particle=from_latex(" ".join(parts.von)),
            family=from_latex(" ".join(parts.last)),
            suffix=from_latex(" ".join(parts.jr)),
        )
        if name and name.casefold() != "others":
            found.append((checks.text(name, field, 300), role))
    return found


def _keywords(value: str | None) -> list[str]:
    """Comma-separated, where braces keep a comma inside one keyword."""
    if not value:
        return []
    found, depth, current = [], 0, []
    for char in value:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        if char in ",;" and depth == 0:
            found.append("".join(current))
            current = []
        else:
            current.append(char)
    found.append("".join(current))
    return [name for name in (" ".join(from_latex(k).split()) for k in found) if name]


def _record(entry: Entry, first: int, file_name: str) -> PaperRecord:
    line = first + entry.start_line
    checks = f.Checks(file_name, line)
    get = lambda name: _field(entry, name)  # noqa: E731
    decoded = lambda name, limit=None: checks.text(from_latex(get(name) or ""), name, limit)  # noqa: E731
    kind = PaperKind.TALK if (get("type") or "").strip().lower() == "talk" else PaperKind.ARTICLE
    record = PaperRecord(line=line, raw=entry.raw, kind=kind)
    record.title = decoded("title", 1000)
    record.abstract = decoded("abstract")
    record.authors = _names(get("author"), f.writer_role(kind), checks, "author")
    editor_role = AuthorRole.ORGANIZER if (get("editortype") or "").strip().lower() == "organizer" else None
    if editor_role:
        record.authors += _names(get("editor"), editor_role, checks, "editor")
    record.year = checks.year(get("year"), "year")
    date = (get("date") or "").strip()
    if date:
        match = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", date)
        if not match:
            checks.fail("date", f"{date[:40]!r} is not a date (YYYY-MM-DD)")
        year = checks.year(match.group(1), "date")
        record.published_on = checks.date(year, match.group(2), match.group(3), "date")
        record.year = record.year or year
    for name, default in (
        ("journal", VenueKind.JOURNAL),
        ("booktitle", VenueKind.CONFERENCE),
        ("howpublished", VenueKind.LISTING),
    ):
        venue = decoded(name, 500)
        if venue and not (kind == PaperKind.TALK and name == "howpublished" and venue.lower() == "talk"):
            default = VenueKind.WORKSHOP if default == VenueKind.CONFERENCE and "workshop" in venue.lower() else default
            record.venue = VenueRecord(name=venue, kind=f.venue_kind(get("venuekind"), default))
            break
    record.doi = checks.doi(get("doi"))
    prefix = (get("archiveprefix") or get("eprinttype") or "").strip().lower()
    if get("eprint") and prefix in ("", "arxiv"):
        record.arxiv_id = checks.arxiv_id(get("eprint"), "eprint")
    if get("links"):
        for token in get("links").split():
            kind_name, _, url = token.partition("=")
            if kind_name not in LinkKind.values:
                kind_name, url = "", token
            record.links.append(f.link_with_kind(checks.url(url, "links"), kind_name))
    elif get("url"):
        record.links.append(f.link_with_kind(checks.url(get("url"), "url"), None))
    record.concepts = [checks.text(name, "keywords", 300) for name in _keywords(get("keywords"))]
    record.citation_key = entry.key
    if not record.title:
        record.review_reason = f.UNTITLED_REASON
    return record
