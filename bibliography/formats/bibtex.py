"""BibTeX and biblatex entries, written and read with bibtexparser.

Reading maps both dialects onto the record (CSL's vocabulary): `journal` or `journaltitle`,
`address` or `location`, `school` or `institution`, `year` and `month` or `date`, `eprint` with
`archivePrefix` or `eprinttype`, `urldate`, `langid`, editors and translators, "and others".
Text is read into the internal rich-text form (richtext.py): `{ALEPH}` stays protected, math stays
math, accents become letters.

Writing gives the entry back as it came: the entry type and the field names the file used, any field
the record has no place for, and the exact LaTeX of a value this reader could not say in full (a
macro it does not know), all kept in `Paper.extra["bibtex"]`. Our own additions for a lossless round
trip of what only this bibliography has: `links` (each link with its kind), `venuekind`, `concepts`.
"""

import re
from collections.abc import Iterable, Iterator, Sequence

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares import AddEnclosingMiddleware
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, Field, ParsingFailedBlock, String
from bibtexparser.writer import BibtexFormat

from bibliography import dates, richtext, text
from bibliography.models import CSL_COLUMNS, AuthorRole, ImportFormat, ItemType, LinkKind, Paper, PaperKind

from . import fields as f
from . import languages
from .base import Format
from .errors import DumpError
from .names import PersonName
from .reader import Line
from .records import UNTITLED_REASON, PaperRecord, Person, VenueRecord

MEDIA_TYPE = "application/x-bibtex"
CHUNK_ENTRIES = 500
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_MONTH_NAMES = {name: n for n, name in enumerate(_MONTHS, 1)} | {
    "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7, "august": 8, "september": 9,
    "sept": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip

# entry type -> CSL type, and back (the entry type a file used is kept when it differs)
TYPES_IN = {
    "article": ItemType.ARTICLE_JOURNAL,
    "inproceedings": ItemType.PAPER_CONFERENCE,
    "conference": ItemType.PAPER_CONFERENCE,
    "incollection": ItemType.CHAPTER,
    "inbook": ItemType.CHAPTER,
    "suppbook": ItemType.CHAPTER,
    "book": ItemType.BOOK,
    "mvbook": ItemType.BOOK,
    "collection": ItemType.BOOK,
    "mvcollection": ItemType.BOOK,
    "proceedings": ItemType.BOOK,
    "mvproceedings": ItemType.BOOK,
    "reference": ItemType.BOOK,
    "manual": ItemType.REPORT,
    "phdthesis": ItemType.THESIS,
    "mastersthesis": ItemType.THESIS,
    "thesis": ItemType.THESIS,
    "techreport": ItemType.REPORT,
    "report": ItemType.REPORT,
    "online": ItemType.WEBPAGE,
    "www": ItemType.WEBPAGE,
    "electronic": ItemType.WEBPAGE,
    "software": ItemType.SOFTWARE,
    "dataset": ItemType.DATASET,
    "unpublished": ItemType.MANUSCRIPT,
    "patent": ItemType.PATENT,
    "booklet": ItemType.PAMPHLET,
    "periodical": ItemType.PERIODICAL,
    "standard": ItemType.STANDARD,
    "misc": ItemType.ARTICLE,
}
TYPES_OUT = {
    ItemType.ARTICLE_JOURNAL: "article",
    ItemType.ARTICLE_MAGAZINE: "article",
    ItemType.ARTICLE_NEWSPAPER: "article",
    ItemType.PAPER_CONFERENCE: "inproceedings",
    ItemType.SPEECH: "inproceedings",
    ItemType.CHAPTER: "incollection",
    ItemType.ENTRY_DICTIONARY: "incollection",
    ItemType.ENTRY_ENCYCLOPEDIA: "incollection",
    ItemType.BOOK: "book",
    ItemType.THESIS: "phdthesis",
    ItemType.REPORT: "techreport",
    ItemType.WEBPAGE: "online",
    ItemType.POST_WEBLOG: "online",
    ItemType.SOFTWARE: "software",
    ItemType.DATASET: "dataset",
    ItemType.MANUSCRIPT: "unpublished",
    ItemType.PATENT: "patent",
    ItemType.PAMPHLET: "booklet",
    ItemType.PERIODICAL: "periodical",
    ItemType.STANDARD: "standard",
}
_CONTAINER_IN = ("journal", "journaltitle", "booktitle", "maintitle")
# where the container's title goes, by entry type (BibTeX's names)
_CONTAINER_OUT = {"inproceedings": "booktitle", "incollection": "booktitle"}
# plain text fields: BibTeX/biblatex name -> CSL variable (the first name is the one written)
_TEXT_IN = {
    "shorttitle": "title-short",
    "series": "collection-title",
    "volume": "volume",
    "pages": "page",
    "edition": "edition",
    "publisher": "publisher",
    "address": "publisher-place",
    "location": "publisher-place",
    "eventtitle": "event-title",
    "venue": "event-place",
    "isbn": "ISBN",
    "issn": "ISSN",
    "langid": "language",
    "language": "language",
    "note": "note",
    "pmid": "PMID",
    "pmcid": "PMCID",
    "chapter": "chapter-number",
    "pagetotal": "number-of-pages",
    "copyright": "license",
    "rights": "license",
    "annote": "annote",
    "version": "version",
    "shortjournal": "container-title-short",
    "journalabbreviation": "container-title-short",
}
_TEXT_OUT = {
    "title-short": "shorttitle",
    "collection-title": "series",
    "volume": "volume",
    "page": "pages",
    "edition": "edition",
    "publisher-place": "address",
    "event-title": "eventtitle",
    "event-place": "venue",
    "ISBN": "isbn",
    "ISSN": "issn",
    "language": "langid",
    "note": "note",
    "PMID": "pmid",
    "PMCID": "pmcid",
    "chapter-number": "chapter",
    "number-of-pages": "pagetotal",
    "license": "copyright",
    "annote": "annote",
    "version": "version",
}
# values that are not text (no LaTeX inside)
_VERBATIM = {"url", "doi", "eprint", "file", "isbn", "issn", "pmid", "pmcid", "urldate", "date", "langid"}
_PEOPLE = {"author": AuthorRole.AUTHOR, "editor": AuthorRole.EDITOR, "translator": AuthorRole.TRANSLATOR}
_ROLE_OUT = {
    AuthorRole.AUTHOR: "author",
    AuthorRole.SPEAKER: "author",
    AuthorRole.EDITOR: "editor",
    AuthorRole.TRANSLATOR: "translator",
}
_EDITOR_TYPES = {"organizer": AuthorRole.ORGANIZER, "director": AuthorRole.DIRECTOR, "compiler": AuthorRole.COMPILER}


# writing --------------------------------------------------------------------------------------


def _format() -> BibtexFormat:
    fmt = BibtexFormat()
    fmt.indent = "  "
    fmt.block_separator = "\n"
    return fmt


def bibtex_name(person: PersonName) -> str:
    """`von Last, Jr, First`: the one form BibTeX never misreads; braces keep an institution whole."""
    if person.literal:
        return "{" + richtext.to_latex(person.family) + "}"
    family = richtext.to_latex(person.family)
    if "," in person.family or " and " in f" {person.family} " or " " in person.family:
        family = "{" + family + "}"
    last = " ".join(part for part in (richtext.to_latex(person.particle), family) if part)
    parts = [last]
    if person.suffix:
        parts.append(richtext.to_latex(person.suffix))
    if person.given or person.suffix:
        parts.append(richtext.to_latex(person.given))
    return ", ".join(parts)


def _keyword(name: str) -> str:
    value = richtext.to_latex(name)
    return "{" + value + "}" if "," in name else value


def entry_type(paper: Paper) -> str:
    kept = (paper.extra or {}).get("bibtex", {}).get("type")
    if kept and TYPES_IN.get(kept) == paper.item_type:
        return kept
    return TYPES_OUT.get(paper.item_type, "misc")


class _Writer:
    """The fields of one entry, in the order written, each in the dialect and LaTeX the file had."""

    def __init__(self, paper: Paper):
        self.bibtex = (paper.extra or {}).get("bibtex", {})
        self.renamed = self.bibtex.get("names", {})
        self.latex = self.bibtex.get("latex", {})
        self.values: list[tuple[str, str]] = []

    def text(self, name: str, value: str, write_as: str | None = None) -> None:
        """A text field, under the name the file used (else `write_as`, else `name`)."""
        if not value:
            return
        original = self.latex.get(name)
        unchanged = original is not None and value in (
            richtext.from_latex(original),
            _squeezed(original),
            richtext.plain(richtext.from_latex(original)),
        )
        self.raw(name, original if unchanged else richtext.to_latex(value), write_as)

    def raw(self, name: str, value: str, write_as: str | None = None) -> None:
        if value:
            self.values.append((self.renamed.get(name, write_as or name), value))


def bibtex_entry(paper: Paper) -> Entry:
    kind = entry_type(paper)
    out = _Writer(paper)
    out.text("title", paper.title)
    people: dict[str, list[str]] = {}
    for person in f.people(paper):
        role = _ROLE_OUT.get(person.role, "editor" if person.role == AuthorRole.ORGANIZER else None)
        if role:
            people.setdefault(role, []).append(bibtex_name(person.parts))
    if paper.authors_truncated and "author" in people:
        people["author"].append("others")
    for role, names in people.items():
        original = out.latex.get(role)
        keys = [text.name_key(p.name) for p in f.people(paper) if _ROLE_OUT.get(p.role) == role]
        if original is not None and _name_keys(original) == (keys, paper.authors_truncated and role == "author"):
            out.raw(role, original)
        else:
            out.raw(role, " and ".join(names))
    if f.organizers(paper):
        out.raw("editortype", "organizer")
    if paper.venue:
        out.text("journal", paper.venue.name, _CONTAINER_OUT.get(kind, "journal"))
        if paper.venue.short_name:
            out.text("shortjournal", paper.venue.short_name)
        out.raw("venuekind", paper.venue.kind)
    if paper.kind == PaperKind.TALK:
        out.raw("type", "talk")
    elif paper.genre:
        out.text("type", paper.genre)
    _write_date(out, paper.issued, paper.year)
    numbered = {"article": paper.issue, "periodical": paper.issue}
    if kind in numbered:
        out.text("number", paper.issue)
    elif paper.collection_title and paper.collection_number:
        out.text("number", paper.collection_number)
    else:
        out.text("number", paper.number)
    for variable, name in _TEXT_OUT.items():
        value = getattr(paper, CSL_COLUMNS[variable]) if variable in CSL_COLUMNS else paper.extra.get(variable)
        if isinstance(value, str) and variable == "page":
            out.raw(name, _pages_out(value))
        elif isinstance(value, str) and variable == "language":
            out.raw(name, languages.babel(value) if out.renamed.get(name, name) == "langid" else value)
        elif isinstance(value, str):
            out.text(name, value)
    publisher_field = {"phdthesis": "school", "mastersthesis": "school", "techreport": "institution"}
    out.text("publisher", paper.publisher, publisher_field.get(kind, "publisher"))
    if paper.accessed:
        out.raw("urldate", dates.edtf(paper.accessed))
    out.raw("doi", f.doi_as_written(paper))
    written = out.bibtex.get("eprint")
    if paper.arxiv_id:
        same = written and f.Checks("", 0).arxiv_id(written, "eprint") == paper.arxiv_id
        out.raw("eprint", written if same else paper.arxiv_id)
        out.raw("archiveprefix", "arXiv")
    elif written:
        out.raw("eprint", written)
    if not f.links(paper) and (other := out.bibtex.get("url")):
        out.raw("url", other)
    if links := f.links(paper):
        if out.bibtex.get("url_field") == "howpublished":
            out.raw("howpublished", richtext.to_latex(links[0][0]))
        elif out.bibtex.get("url_field") == "url, every one":
            out.raw("url", " ".join(url for url, _ in links))
        else:
            out.raw("url", links[0][0])
        if len(links) > 1 or links[0][1] != f.link_with_kind(links[0][0], None)[1]:
            out.raw("links", " ".join(f"{kind}={url}" for url, kind in links))
    out.text("abstract", paper.abstract)
    if keywords := f.keyword_names(paper):
        out.raw("keywords", out.bibtex.get("keyword_separator", ", ").join(_keyword(name) for name in keywords))
    if concepts := f.concept_names(paper):
        out.raw("concepts", ", ".join(_keyword(name) for name in concepts))
    for name, value in out.bibtex.get("other", {}).items():
        out.values.append((name, value))
    return Entry(kind, paper.export_key, [Field(key, value) for key, value in out.values])


def _squeezed(latex: str) -> str:
    return f.squeeze(richtext.from_latex(latex))


def _name_keys(value: str) -> tuple[list[str], bool]:
    """The people a name list names, each once (a paper lists an author once, as the import kept it)."""
    people, others = _people(value, AuthorRole.AUTHOR, f.Checks("", 0), "")
    return list(dict.fromkeys(text.name_key(p.name) for p in people)), others


def _write_date(out: _Writer, issued: dict | None, year: int | None) -> None:
    if not issued:
        if year:
            out.raw("year", str(year))
        return
    parts = issued.get("date-parts") or []
    simple = len(parts) == 1 and not issued.get("season") and not issued.get("circa")
    if parts:
        out.raw("year", str(parts[0][0]))
        if len(parts[0]) > 1:
            out.raw("month", _MONTHS[parts[0][1] - 1])
    if not simple or (parts and len(parts[0]) == 3) or out.bibtex.get("date"):
        out.raw("date", dates.edtf(issued))


def _pages_out(value: str) -> str:
    return re.sub(r"(?<=\w)\s*[-\u2013]\s*(?=\w)", "--", value)


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
_IGNORED = {"comment", "preamble", "string"}


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
                    warnings.append(f"{file_name}:{line}: a second entry with the key {block.key!r}")
                    yield _record(block.ignore_error_block, first, file_name, warnings)
                continue
            said = str(block.error).strip().splitlines() if isinstance(block, ParsingFailedBlock) else []
            broken = PaperRecord(line=line, raw=block.raw or "")
            broken.problems.append(
                DumpError(file_name, line, f"not a BibTeX entry: {said[0] if said else 'unreadable'}")
            )
            yield broken
        strings = list(library.strings)
        for entry in library.entries:
            yield _record(entry, first, file_name, warnings)


def _field(entry: Entry, name: str) -> str | None:
    found = entry.fields_dict.get(name)
    if found is None:
        return None
    value = found.value
    return str(value) if value is not None else None


def _people(value: str | None, role: AuthorRole, checks: f.Checks, field: str) -> tuple[list[Person], bool]:
    """The people of a name list, and whether it ends with "and others"."""
    if not value:
        return [], False
    found, others = [], False
    names = split_multiple_persons_names(value)
    for n, raw in enumerate(names):
        if raw.strip().casefold() == "others" and n == len(names) - 1:
            others = True  # "and others" at the end: et al.
            continue
        stripped = raw.strip()
        if stripped.startswith("{") and stripped.endswith("}") and _balanced(stripped[1:-1]):
            name = richtext.plain(richtext.from_latex(stripped[1:-1])).strip()  # {World Health Organization}
            if name:
                found.append(Person(checks.text(name, field, 300), role, PersonName(family=name, literal=True)))
            continue
        try:
            parts = parse_single_name_into_parts(raw, strict=False)
        except Exception as error:  # noqa: BLE001 — bibtexparser raises several kinds for a bad name
            checks.problem(field, f"cannot read the name {raw!r}: {error}")
            continue
        person = PersonName(
            given=_name_part(parts.first),
            particle=_name_part(parts.von),
            family=_name_part(parts.last),
            suffix=_name_part(parts.jr),
        )
        if not person.family and person.given:
            person = PersonName(family=person.given)
        if person.full:
            found.append(Person(checks.text(person.full, field, 300), role, person))
    return found, others


def _name_part(words: list[str]) -> str:
    text = " ".join(richtext.plain(richtext.from_latex(w)) if "\\" in w or "{" in w else w for w in words)
    return " ".join(text.split())


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _keywords(value: str | None) -> list[str]:
    """Comma-separated (or semicolons), where braces keep a comma inside one keyword."""
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
    return [name for name in (" ".join(richtext.plain(richtext.from_latex(k)).split()) for k in found) if name]


class _Reader:
    """One entry's fields, each read once; what is left at the end is kept to be written back."""

    def __init__(self, entry: Entry, checks: f.Checks):
        self.checks = checks
        self.fields = {name.lower(): value for name, value in ((fd.key, fd.value) for fd in entry.fields)}
        self.used: set[str] = set()
        self.names: dict[str, str] = {}  # the record's field name -> the name this file used
        self.latex: dict[str, str] = {}

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


def _record(entry: Entry, first: int, file_name: str, warnings: list[str] | None = None) -> PaperRecord:
    line = first + entry.start_line
    checks = f.Checks(file_name, line, warnings)
    read = _Reader(entry, checks)
    kind_name = entry.entry_type.lower()
    talk = (read.fields.get("type") or "").strip().lower() == "talk"
    item_type = ItemType.SPEECH if talk else TYPES_IN.get(kind_name, ItemType.ARTICLE)
    kind = PaperKind.TALK if talk else PaperKind.ARTICLE
    record = PaperRecord(line=line, raw=entry.raw, kind=kind, item_type=item_type)
    # BibTeX's titles are in title case (styles lower it); CSL's are in sentence case (styles raise it)
    bibtex: dict = {"title_case": True}
    if TYPES_OUT.get(item_type, "misc") != kind_name:
        bibtex["type"] = kind_name

    record.title = read.text("title", limit=1000)
    record.abstract = read.plain_text("abstract")
    for name, role in _PEOPLE.items():
        value = read.raw(name)
        people, others = _people(value, role, checks, name)
        keys = [text.name_key(p.name) for p in people]
        if value and ("\\" in value or len(set(keys)) < len(keys)):
            # accents as macros, or a person listed twice: written back as the file wrote them
            read.latex[name] = value
        if role == AuthorRole.AUTHOR:
            people = [Person(p.name, f.writer_role(kind), p.parts) for p in people]
            record.authors_truncated = others
        elif name == "editor":
            role = _EDITOR_TYPES.get((read.raw("editortype") or "").lower())
            people = [Person(p.name, role, p.parts) for p in people] if role else people
        record.authors += people
    record.issued = _issued(read, checks)
    if "date" in read.fields:
        bibtex["date"] = True
    record.accessed = checks.date(read.raw("urldate"), "urldate")

    container = read.text(*_CONTAINER_IN, limit=500)
    howpublished = read.raw("howpublished")
    if howpublished and re.match(r"^(https?://|www\.)", howpublished):
        urls = checks.urls(richtext.plain(richtext.from_latex(howpublished)), "howpublished")
        record.links += [f.link_with_kind(url, None) for url in urls]
        bibtex["url_field"] = "howpublished"  # Zotero's BibTeX puts a web page's URL there
    elif howpublished and not container and not talk:
        container = checks.text(richtext.from_latex(howpublished), "howpublished", 500)
        read.names["journal"] = "howpublished"
    if container:
        short = read.text("shortjournal", "journalabbreviation", limit=100)
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
    for name, variable in _TEXT_IN.items():
        if name in read.used or variable in ("container-title-short",):
            continue
        value = read.raw(name) if name in _VERBATIM else read.text(name)
        if value and variable not in record.csl and variable not in record.extra:
            if variable == "page":
                value = re.sub(r"\s*(--|\u2013)\s*", "-", value)
            if variable in CSL_COLUMNS:
                record.csl[variable] = value
            else:
                record.extra[variable] = value
            if name != _TEXT_OUT.get(variable, name):
                read.names[_TEXT_OUT.get(variable, name)] = name

    doi = read.raw("doi")
    record.doi = checks.doi(doi)
    f.keep_doi_as_written(record, doi)
    prefix = (read.raw("archiveprefix", "eprinttype") or "").strip().lower()
    eprint = read.raw("eprint", "arxivid")
    if eprint and prefix in ("", "arxiv"):
        record.arxiv_id = checks.arxiv_id(eprint, "eprint")
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
    record.keywords = [checks.text(name, "keywords", 300) for name in _keywords(keywords)]
    if keywords and (separator := re.search(r"\s*[,;]\s*", keywords)) and separator.group() != ", ":
        bibtex["keyword_separator"] = separator.group()
    record.concepts = [checks.text(name, "concepts", 300) for name in _keywords(read.raw("concepts"))]
    record.citation_key = entry.key

    other = {name: str(value) for name, value in read.fields.items() if name not in read.used}
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
    return record


def _issued(read: _Reader, checks: f.Checks) -> dict | None:
    date = read.raw("date")
    if date:
        issued = checks.date(date, read.names.get("date", "date"))
        read.raw("year", "month", "day")
        if issued is not None:
            read.names.pop("date", None)
        return issued
    year_text, month_text, day_text = read.raw("year"), read.raw("month"), read.raw("day")
    if not year_text:
        return None
    year = checks.year(year_text, "year")
    if year is None:
        return None
    month = None
    if month_text:
        key = re.sub(r"[^a-z0-9]", "", month_text.lower())
        month = _MONTH_NAMES.get(key) or (int(key) if key.isdigit() and 1 <= int(key) <= 12 else None)
        if month is None:
            season = dates.SEASONS.get(key)
            if season:
                return {"date-parts": [[year]], "season": season}
            checks.problem("month", f"{month_text[:40]!r} is not a month")
    day = whole(day_text) if month else None
    try:
        return dates.from_parts(year, month, day)
    except dates.DateError as error:
        checks.problem("day", str(error))
        return dates.from_parts(year, month)


def whole(value: str | None) -> int | None:
    from bibliography.text import whole_number  # noqa: PLC0415

    return whole_number((value or "").strip())


FORMAT = Format(
    ImportFormat.BIBTEX, looks_like_bibtex, parse, parse_elsewhere=True,
    media_type=MEDIA_TYPE, media_aliases=("text/x-bibtex",), extension="bib", render=bibtex_text,
)  # fmt: skip
