"""Papers written as BibTeX entries, giving each entry back as it came: the entry type and the field
names the file used, any field the record has no place for, the exact LaTeX of a value this reader
could not say in full (a macro it does not know), and the source text of a value it could not read at
all (`year = {in press}`, `journal = jmlr` without its @string), all kept in `Paper.extra["bibtex"]`.
Our own additions for a lossless round trip of what only this bibliography has: `links` (each link
with its kind), `venuekind`, `concepts`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bibliography import dates, richtext, text
from bibliography.names import PersonName
from bibliography.vocabulary import CSL_COLUMNS, AuthorRole, ItemType, PaperKind, VenueKind

from . import fields as f
from . import languages
from .bibtex_fields import (
    CASING_AS_PRINTED,
    CASING_KEPT_WHOLE,
    CONTAINER_OUT,
    DATE_FIELDS,
    EDITOR_TYPES,
    MONTHS,
    ROLE_OUT,
    TEXT_OUT,
    TYPES_IN,
    TYPES_OUT,
    people,
)

if TYPE_CHECKING:  # writers read any object shaped like a paper
    from bibliography.models import Paper

_GLUED_INITIALS = re.compile(r"^(?:[^\W\d_]\.){2,}$")


def bibtex_name(person: PersonName, as_written: bool = False) -> str:
    """`von Last, Jr, First`: the one form BibTeX never misreads; braces keep an institution whole,
    and (`as_written`, for a name that came from elsewhere than BibTeX) initials written together
    (`A.H.`), which BibTeX's readers would put apart."""
    if person.literal:
        return "{" + richtext.to_latex(person.family) + "}"
    if as_written and not person.suffix and _GLUED_INITIALS.match(person.given):
        return bibtex_name(PersonName(**{**vars(person), "given": ""})) + ", {" + person.given + "}"
    family = richtext.to_latex(person.family)
    if "," in person.family or " and " in f" {person.family} " or " " in person.family:
        family = "{" + family + "}"
    last = " ".join(part for part in (richtext.to_latex(person.particle), family) if part)
    parts = [last]
    if person.suffix:  # a comma or "and" in a part would start another part, or another person
        parts.append(_braced_if_split(person.suffix))
    if person.given or person.suffix:
        parts.append(_braced_if_split(person.given))
    return ", ".join(parts)


def _braced_if_split(part: str) -> str:
    latex = richtext.to_latex(part)
    return "{" + latex + "}" if "," in part or " and " in f" {part} " else latex


def _keyword(name: str) -> str:
    value = richtext.to_latex(name)
    return "{" + value + "}" if "," in name else value


def entry_type(paper: Paper) -> str:
    kept = (paper.extra or {}).get("bibtex", {}).get("type")
    if kept and TYPES_IN.get(kept) == paper.item_type:
        return kept
    if paper.item_type == ItemType.THESIS and not paper.genre:
        return "thesis"  # biblatex's, which says no more than CSL's thesis does ("phdthesis" prints "PhD thesis")
    return TYPES_OUT.get(paper.item_type, "misc")


def date_fingerprint(issued: dict | None) -> str:
    """What a kept date field was read as; the field is written as it came while the date still is."""
    return dates.edtf(issued)


class _Writer:
    """The fields of one entry, in the order written, each in the dialect and LaTeX the file had."""

    def __init__(self, paper: Paper):
        self.bibtex = (paper.extra or {}).get("bibtex", {})
        self.renamed = self.bibtex.get("names", {})
        self.latex = self.bibtex.get("latex", {})
        self.kept = self.bibtex.get("kept", {})  # field -> {"source": as written, "as": what it was read as}
        self.values: list[tuple[str, str, bool]] = []  # name, value, written as it is (no braces added)

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
        self.raw(name, original if unchanged else richtext.to_latex(value), write_as, read_as=value)

    def raw(self, name: str, value: str, write_as: str | None = None, read_as: str | None = None) -> None:
        if not value:
            return
        field = self.renamed.get(name, write_as or name)
        kept = self.kept.get(field)
        if kept is not None and field not in DATE_FIELDS and kept["as"] == (value if read_as is None else read_as):
            self.values.append((field, kept["source"], True))
        else:
            self.values.append((field, value, False))

    def rest_as_kept(self, issued: dict | None, accessed: dict | None) -> None:
        """Kept fields the record gave no value of its own for (a month it could not read): as they came,
        while what they were read as is still what the record says."""
        written = {name for name, _, _ in self.values}
        now = {"urldate": date_fingerprint(accessed)} | {name: date_fingerprint(issued) for name in DATE_FIELDS}
        for field, kept in self.kept.items():
            if field not in written and kept["as"] == now.get(field, ""):
                self.values.append((field, kept["source"], True))


def bibtex_entry(paper: Paper) -> tuple[str, str, list[tuple[str, str, bool]]]:
    kind = entry_type(paper)
    out = _Writer(paper)
    cased = _as_written(paper)
    out.text("title", cased(f.whole_title(paper)))
    if cased(paper.title) != paper.title or (paper.venue and cased(paper.venue.name) != paper.venue.name):
        # our own field: these capitals are meant, read them back so
        out.raw("casing", CASING_KEPT_WHOLE if _not_english_to_csl(paper) else CASING_AS_PRINTED)
    named: dict[str, list[str]] = {}
    typed = _typed_editors(paper)
    for person in f.people(paper):
        role = ROLE_OUT.get(person.role) or typed.get(person.role)
        if role:
            named.setdefault(role, []).append(bibtex_name(person.parts, as_written=not f.from_bibtex(paper)))
    if paper.authors_truncated and "author" in named:
        named["author"].append("others")
    if not f.from_bibtex(paper):  # a CSL list naming a person twice, as the file wrote it
        for role, variable in (("author", "author"), ("editor", "editor")):
            written = f.people_as_written(paper, variable, [p for p in f.people(paper) if ROLE_OUT.get(p.role) == role])
            if written and role in named:
                named[role] = [bibtex_name(name, as_written=True) for name in written]
    for role, names in named.items():
        original = out.latex.get(role)
        keys = [text.name_key(p.name) for p in f.people(paper) if ROLE_OUT.get(p.role) == role]
        if original is not None and _name_keys(original) == (keys, paper.authors_truncated and role == "author"):
            out.raw(role, original)
        else:
            out.raw(role, " and ".join(names))
    for role, field in typed.items():
        out.raw(f"{field}type", EDITOR_TYPE_NAMES[role])
    if paper.venue:
        # a journal's name prints as written, but in an item CSL does not take for English, as it is
        as_is = paper.venue.kind == VenueKind.JOURNAL and not _not_english_to_csl(paper)
        out.text("journal", paper.venue.name if as_is else cased(paper.venue.name), CONTAINER_OUT.get(kind, "journal"))
        if paper.venue.short_name:
            out.text("shortjournal", paper.venue.short_name)
        if paper.venue.kind != f.container_kind(paper.item_type, paper.venue.name):
            out.raw("venuekind", paper.venue.kind)  # our own field, only where the entry type would mislead
    elif isinstance(container := paper.extra.get("container-title"), str):  # "arXiv preprint arXiv:…"
        out.text("journal", container, CONTAINER_OUT.get(kind, "journal"))
    if kind == "article" and (subtype := _SUBTYPES.get(paper.item_type)):
        out.raw("entrysubtype", subtype)  # biblatex's: a newspaper's article, not a journal's
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
    for variable, name in TEXT_OUT.items():
        # a value too long for its column lies in extra (importers/load.py)
        column = getattr(paper, CSL_COLUMNS[variable]) if variable in CSL_COLUMNS else None
        value = column or paper.extra.get(variable)
        if isinstance(value, str) and variable == "page":
            out.raw(name, _pages_out(value), read_as=value)
        elif isinstance(value, str) and variable == "language":
            out.raw(name, languages.babel(value) if out.renamed.get(name, name) == "langid" else value, read_as=value)
        elif isinstance(value, str):
            out.text(name, cased(value) if variable in _TITLES else value)
    publisher_field = {"phdthesis": "school", "mastersthesis": "school", "techreport": "institution"}
    # biblatex's publisher is a list ("A and B"): one name with "and" in it is kept whole
    publisher = paper.publisher if f.from_bibtex(paper) or " and " not in paper.publisher else _whole(paper.publisher)
    out.text("publisher", publisher, publisher_field.get(kind, "publisher"))
    if paper.accessed and "urldate" not in out.kept:
        out.raw("urldate", dates.edtf(paper.accessed))
    if isinstance(original := (paper.extra or {}).get("original-date"), dict) and (said := dates.edtf(original)):
        out.raw("origdate", said)  # biblatex's name for CSL's original-date (a reprint's first year)
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
            out.raw("url", f.url_as_written(paper, links))
        if len(links) > 1 or links[0][1] != f.link_with_kind(links[0][0], None)[1]:
            out.raw("links", " ".join(f"{kind}={url}" for url, kind in links))
    out.text("abstract", paper.abstract)
    if keywords := f.keyword_names(paper):
        out.raw("keywords", out.bibtex.get("keyword_separator", ", ").join(_keyword(name) for name in keywords))
    if concepts := f.concept_names(paper):
        out.raw("concepts", ", ".join(_keyword(name) for name in concepts))
    other = out.bibtex.get("other", {})
    if files := f.files(paper):
        # JabRef's and Zotero's `file`: description:path:type, `;` between files; the path is the stored
        # name, which `export_bibliography --files DIR` copies the files to
        kept = [part for part in re.split(r"(?<!\\);", other.get("file", "")) if part]
        ours = [":".join(_file_part(part) for part in file) for file in files]
        out.raw("file", ";".join(kept + [file for file in ours if file not in kept]))
    for name, value in other.items():
        if not (name == "file" and files):
            out.values.append((name, value, False))
    out.rest_as_kept(paper.issued, paper.accessed)
    return kind, paper.export_key, out.values


def _file_part(part: str) -> str:
    escaped = part.replace("\\", "\\\\").replace(":", "\\:").replace(";", "\\;")
    return escaped.replace("{", "(").replace("}", ")")


_TITLES = ("title-short", "collection-title", "event-title")
EDITOR_TYPE_NAMES = {role: name for name, role in EDITOR_TYPES.items()}


def _typed_editors(paper: Paper) -> dict[str, str]:
    """biblatex's editors of a kind (`editortype = {director}`): the field each such role is written
    in, `editor` when the paper has no plain editor, then `editora`, `editorb`."""
    roles = {p.role for p in f.people(paper)}
    slots = ["editora", "editorb", "editorc"] if AuthorRole.EDITOR in roles else ["editor", "editora", "editorb"]
    typed = [role for role in EDITOR_TYPES.values() if role in roles]
    return dict(zip(typed, slots, strict=False))


_SUBTYPES = {ItemType.ARTICLE_NEWSPAPER: "newspaper", ItemType.ARTICLE_MAGAZINE: "magazine"}


def _as_written(paper: Paper):
    """How a title is written to BibTeX: as it came when it came from BibTeX (in BibTeX's title case);
    else with the capitals it has kept, for BibTeX's readers lower an English title's words, and its
    quotation marks as quotation marks (CSL's straight `"` are, BibTeX's are characters)."""
    if f.from_bibtex(paper):
        return lambda value: value
    if _not_english_to_csl(paper):
        return lambda value: _whole(richtext.curly_quotes(value))
    english = f.in_english(paper)
    if english:
        return lambda value: richtext.keep_case(richtext.curly_quotes(value))
    return richtext.curly_quotes


def _not_english_to_csl(paper: Paper) -> bool:
    """A language of "English" or "eng" is no English to CSL processors, which print such an item's
    titles and journal as they are: written for BibTeX (whose `langid` makes it English to every
    reader) they are protected whole."""
    said = (paper.language or "").strip()
    english = languages.bcp47(said).lower().split("-")[0] == "en"
    return bool(said) and english and not re.match(r"^en(-|$)", said, re.IGNORECASE) and not f.from_bibtex(paper)


def _whole(value: str) -> str:
    return f"{richtext.NOCASE}{value}</span>" if value else value


def _squeezed(latex: str) -> str:
    return f.squeeze(richtext.from_latex(latex))


def _name_keys(value: str) -> tuple[list[str], bool]:
    """The people a name list names, each once (a paper lists an author once, as the import kept it)."""
    found, others = people(value, AuthorRole.AUTHOR, f.Checks("", 0), "")
    return list(dict.fromkeys(text.name_key(p.name) for p in found)), others


def _write_date(out: _Writer, issued: dict | None, year: int | None) -> None:
    if any(name in out.kept for name in DATE_FIELDS) and all(
        kept["as"] == date_fingerprint(issued) for name, kept in out.kept.items() if name in DATE_FIELDS
    ):
        return  # the date as the file wrote it, which the record's date was read from (rest_as_kept)
    if not issued:
        if year:
            out.raw("year", str(year))
        return
    if issued.get("literal") and not issued.get("date-parts"):
        out.raw("year", issued["literal"])  # BibTeX's year holds words too ("in press"); biblatex's date does not
        return
    parts = issued.get("date-parts") or []
    simple = len(parts) == 1 and not issued.get("season") and not issued.get("circa")
    if parts:
        out.raw("year", str(parts[0][0]))
        if len(parts[0]) > 1:
            out.raw("month", MONTHS[parts[0][1] - 1])
    if not simple or (parts and len(parts[0]) == 3) or out.bibtex.get("date"):
        out.raw("date", dates.edtf(issued))


def _pages_out(value: str) -> str:
    return re.sub(r"(?<=\w)\s*[-\u2013]\s*(?=\w)", "--", value)


def _entry_text(kind: str, key: str, values: list[tuple[str, str, bool]]) -> str:
    """One entry: values in braces, but a month macro (`jan`) and a value kept as its source text."""
    lines = []
    for name, value, as_it_is in values:
        bare = as_it_is or (name == "month" and value in MONTHS)
        lines.append(f"  {name} = {value if bare else '{' + value + '}'}")
    return f"@{kind}{{{key},\n" + ",\n".join(lines) + "\n}\n"


def bibtex_text(papers: Sequence[Paper]) -> str:
    return "\n".join(_entry_text(*bibtex_entry(paper)) for paper in papers).strip() + "\n\n"
