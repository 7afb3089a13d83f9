"""arXiv's metadata snapshot: the JSON-lines file arXiv publishes for bulk use (one e-print a line:
`id`, `title`, `abstract`, `authors_parsed`, `versions`, `doi`, `journal-ref`, `categories`, …).

An e-print is read as CSL reads a preprint (type `article`, publisher arXiv, number `arXiv:<id>`):
- title and abstract without arXiv's line wrapping (a line starting with two spaces begins a new
  paragraph of the abstract); LaTeX in the title is read as for BibTeX (math kept as math);
- authors in order, from `authors_parsed` ([family, given, suffix, affiliation…]);
- the date of the first version (`versions[0].created`), to the day;
- the arXiv id without version, the DOI (the first one, if several are given), the abstract page as
  a link;
- categories as keywords (`cs.LG`), not concepts: they are arXiv's own filing, kept with the record
  and searchable, while concepts are the curators' DAG (docs/importing.md);
- `journal-ref`, `comments`, `report-no`, `license` and the latest version kept in `extra`.
"""

import email.utils
import json
import re
from collections.abc import Iterable, Iterator

from bibliography import identifiers
from bibliography.names import PersonName, join_name
from bibliography.richtext import from_latex
from bibliography.vocabulary import AuthorRole, ItemType, LinkKind

from . import fields as f
from .base import Format
from .errors import DumpError
from .reader import Line
from .records import UNTITLED_REASON, PaperRecord, Person

_KEYS = {"id", "authors_parsed", "versions"}
_PARAGRAPH = re.compile(r"\n(?=  )")  # arXiv indents a new paragraph by two spaces


def looks_like_arxiv(lines: list[str]) -> bool:
    first = next((line.strip() for line in lines if line.strip()), "")
    if not first.startswith("{"):
        return False
    try:
        item = json.loads(first)
    except ValueError:
        return first.startswith('{"id":') and '"authors_parsed"' in first  # a first line longer than the sniff
    return isinstance(item, dict) and set(item) >= _KEYS


def parse(lines: Iterable[Line], file_name: str, warnings: list[str] | None = None) -> Iterator[PaperRecord]:
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        try:
            item = json.loads(text)
        except ValueError as error:
            raise DumpError(file_name, line.number, f"not a JSON object: {error}") from None
        if not isinstance(item, dict):
            raise DumpError(file_name, line.number, f"expected an e-print as a JSON object, found {text[:40]!r}")
        yield eprint_record(item, text, line.number, file_name, warnings)


def eprint_record(item: dict, raw: str, line: int, file_name: str, warnings: list[str] | None) -> PaperRecord:
    checks = f.Checks(file_name, line, warnings)
    record = PaperRecord(line=line, raw=raw, item_type=ItemType.ARTICLE)
    said_id = _string(item, "id", checks)
    try:
        arxiv_id = identifiers.arxiv_id(said_id) if said_id else None
    except identifiers.NotAnIdentifier as error:
        checks.unreadable("id", str(error))
        arxiv_id = None
    record.arxiv_id = arxiv_id
    record.title = checks.text(_read_title(_string(item, "title", checks)), "title", f.READ_TITLE_CHARS)
    if arxiv_id is None and not record.title:
        checks.refuse("id", "an e-print with neither an arXiv id nor a title names no work")
    record.abstract = unwrapped(_string(item, "abstract", checks))
    record.authors = _authors(item.get("authors_parsed"), checks)
    record.issued = _first_version(item.get("versions"), checks)
    dois = _string(item, "doi", checks).split()
    record.doi = checks.doi(dois[0], "doi") if dois else None
    if dois and (len(dois) > 1 or record.doi is None):
        record.extra["DOI"] = " ".join(dois)  # as written: other DOIs, or one that could not be read
    if arxiv_id:
        record.links = [(f"https://arxiv.org/abs/{arxiv_id}", LinkKind.OTHER)]
        record.csl["number"] = f"arXiv:{arxiv_id}"
    record.csl["publisher"] = "arXiv"
    record.keywords = _string(item, "categories", checks).split()
    arxiv = {key: _string(item, key, checks) for key in ("journal-ref", "comments", "report-no")}
    versions = item.get("versions") if isinstance(item.get("versions"), list) else []
    if versions and isinstance(versions[-1], dict) and versions[-1].get("version"):
        arxiv["version"] = str(versions[-1]["version"])
    record.extra["arxiv"] = {key: value for key, value in arxiv.items() if value}
    if license_url := _string(item, "license", checks):
        record.extra["license"] = license_url
    if not record.title:
        record.review_reason = UNTITLED_REASON
    record.problems += checks.problems
    record.unread += checks.unread
    return record


def _string(item: dict, key: str, checks: f.Checks) -> str:
    value = item.get(key)
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        checks.unreadable(key, f"expected a string, found {type(value).__name__}: left out")
        return ""
    return value


def _read_title(value: str) -> str:
    return from_latex(f.squeeze(value))


def unwrapped(abstract: str) -> str:
    """An abstract without arXiv's line wrapping: its paragraphs, each on one line."""
    paragraphs = _PARAGRAPH.split(abstract.strip("\n"))
    return "\n\n".join(f.squeeze(paragraph) for paragraph in paragraphs if paragraph.strip())


def _authors(parsed, checks: f.Checks) -> list[Person]:
    if parsed is None:
        return []
    if not isinstance(parsed, list):
        checks.unreadable("authors_parsed", "expected a list of [family, given, suffix] names")
        return []
    people = []
    for number, name in enumerate(parsed):
        if not isinstance(name, list) or not name or not all(isinstance(part, str) for part in name):
            checks.unreadable(f"authors_parsed[{number}]", "expected [family, given, suffix]")
            continue
        family, given, suffix = (*[f.squeeze(part) for part in name[:3]], "", "")[:3]
        if not family and not given:
            continue
        parts = PersonName(family=family or given, given=given if family else "", suffix=suffix)
        full = checks.text(join_name(given=parts.given, family=parts.family, suffix=parts.suffix),
                           f"authors_parsed[{number}]", 300)  # fmt: skip
        people.append(Person(full, AuthorRole.AUTHOR, parts))
    return people


def _first_version(versions, checks: f.Checks) -> dict | None:
    """The day the first version was submitted (`Mon, 2 Apr 2007 19:18:42 GMT`), as a CSL date."""
    if not versions:
        return None
    first = versions[0] if isinstance(versions, list) else None
    created = first.get("created") if isinstance(first, dict) else None
    try:
        when = email.utils.parsedate_to_datetime(created)
    except (TypeError, ValueError):
        example = "Mon, 2 Apr 2007 19:18:42 GMT"
        checks.unreadable("versions[0].created", f"{str(created)[:40]!r} is not a date like {example!r}")
        return None
    return {"date-parts": [[when.year, when.month, when.day]]}


FORMAT = Format("arxiv", "arXiv metadata snapshot", looks_like_arxiv, parse, parse_elsewhere=True)
