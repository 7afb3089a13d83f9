"""BibTeX's vocabulary as the bibliography reads and writes it: entry types and fields in CSL's terms,
both dialects (BibTeX and biblatex), and the name lists of `author`, `editor` and `translator`."""

import functools

from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

from bibliography import richtext
from bibliography.names import PersonName
from bibliography.vocabulary import AuthorRole, ItemType

from . import fields as f
from .records import Person

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DATE_FIELDS = ("year", "month", "day", "date")

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
    # biblatex's further types, as pandoc reads them
    "movie": ItemType.MOTION_PICTURE,
    "video": ItemType.MOTION_PICTURE,
    "artwork": ItemType.GRAPHIC,
    "image": ItemType.GRAPHIC,
    "audio": ItemType.SONG,
    "music": ItemType.SONG,
    "letter": ItemType.PERSONAL_COMMUNICATION,
    "jurisdiction": ItemType.LEGAL_CASE,
    "legislation": ItemType.LEGISLATION,
    "review": ItemType.REVIEW,
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
    ItemType.MOTION_PICTURE: "movie",
    ItemType.BROADCAST: "video",
    ItemType.GRAPHIC: "artwork",
    ItemType.SONG: "audio",
    ItemType.PERSONAL_COMMUNICATION: "letter",
    ItemType.LEGAL_CASE: "jurisdiction",
    ItemType.LEGISLATION: "legislation",
    ItemType.REVIEW: "review",
}
CONTAINER_IN = ("journal", "journaltitle", "booktitle", "maintitle")
# where the container's title goes, by entry type (BibTeX's names)
CONTAINER_OUT = {"inproceedings": "booktitle", "incollection": "booktitle"}
# plain text fields: BibTeX/biblatex name -> CSL variable (the first name is the one written)
TEXT_IN = {
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
TEXT_OUT = {
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
NOT_TEXT = {"url", "doi", "eprint", "file", "isbn", "issn", "pmid", "pmcid", "urldate", "date", "langid"}
PEOPLE = {"author": AuthorRole.AUTHOR, "editor": AuthorRole.EDITOR, "translator": AuthorRole.TRANSLATOR}
ROLE_OUT = {
    AuthorRole.AUTHOR: "author",
    AuthorRole.SPEAKER: "author",
    AuthorRole.EDITOR: "editor",
    AuthorRole.TRANSLATOR: "translator",
}
EDITOR_TYPES = {"organizer": AuthorRole.ORGANIZER, "director": AuthorRole.DIRECTOR, "compiler": AuthorRole.COMPILER}


def people(value: str | None, role: AuthorRole, checks: f.Checks, field: str) -> tuple[list[Person], bool]:
    """The people of a name list, and whether it ends with "and others"."""
    if not value:
        return [], False
    found, others = [], False
    names = split_multiple_persons_names(value)
    for n, raw in enumerate(names):
        if raw.strip().casefold() == "others" and n == len(names) - 1:
            others = True  # "and others" at the end: et al.
            continue
        person, unreadable = _person_name(raw)
        if unreadable:
            checks.warn(field, f"cannot read the name {raw[:60]!r} ({unreadable}): kept whole, as one name")
        if person:
            found.append(Person(checks.text(person.full, field, 300), role, person))
    return found, others


@functools.lru_cache(maxsize=100_000)
def _person_name(raw: str) -> tuple[PersonName | None, str | None]:
    """One name of a name list as parts, and why it could not be split if it could not (then it is
    kept whole). Read once per distinct string: a library names the same people again and again."""
    stripped = raw.strip()
    if stripped.startswith("{") and stripped.endswith("}") and _balanced(stripped[1:-1]):
        name = richtext.plain(richtext.from_latex(stripped[1:-1])).strip()  # {World Health Organization}
        return (PersonName(family=name, literal=True) if name else None), None
    try:
        parts = parse_single_name_into_parts(raw, strict=False)
    except Exception as error:  # noqa: BLE001 — bibtexparser raises several kinds for a bad name
        name = " ".join(richtext.plain(richtext.from_latex(stripped)).split())
        return (PersonName(family=name, literal=True) if name else None), str(error)
    person = PersonName(
        given=_name_part(parts.first),
        particle=_name_part(parts.von),
        family=_name_part(parts.last),
        suffix=_name_part(parts.jr),
    )
    if not person.family and person.given:
        person = PersonName(family=person.given)
    return (person if person.full else None), None


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


def keywords(value: str | None) -> list[str]:
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


# Our export's words for titles a reader is to keep as they are (they came from CSL-JSON or RIS): it
# protects their capitals (or, for an item CSL takes for no English, the whole title) from BibTeX's
# readers, and reads the protection back off
CASING_AS_PRINTED = "as printed"
CASING_KEPT_WHOLE = "kept whole"
