"""OpenAlex works: JSON lines as the snapshot and a script's downloads give them (one work a line),
or a page of the API as it answers (`{"meta": …, "results": [works]}`).

A work becomes a record with:
- its title (`display_name`), DOI, and arXiv id (from an arXiv DOI, `10.48550/arxiv.…`, or an
  arXiv location);
- its date: `publication_date` to the day, except a 1 January, which OpenAlex writes for a work
  whose day it does not know: that is read as the year alone;
- its authors in order (`authorships[].author.display_name`);
- its venue (`primary_location.source`: a journal, a conference, a book series; a repository such
  as arXiv is no venue), volume, issue and pages (`biblio`), language;
- the abstract, rebuilt from `abstract_inverted_index`;
- CSL's type from `type_crossref` (else `type`);
- in `extra.openalex`: the W-id, OpenAlex's `cited_by_count` (its count, beside ours) and the
  `referenced_works`, kept whole for citations to be made from them.
"""

import json
import re
from collections.abc import Iterable, Iterator

from bibliography import identifiers
from bibliography.names import split_name
from bibliography.vocabulary import ItemType, VenueKind

from . import fields as f
from .base import Format
from .errors import DumpError
from .reader import Line
from .records import UNTITLED_REASON, PaperRecord, Person, ScoredTopic, VenueRecord

_WORK = re.compile(r'^\{\s*"id"\s*:\s*"https://openalex\.org/W[0-9]+"')
_PAGE = re.compile(r'^\{\s*"meta"\s*:')
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_ARXIV_PAGE = re.compile(r"^https?://arxiv\.org/abs/([^/?#]+)", re.IGNORECASE)
# A page of the API holds at most 200 works; a file larger than this is no page.
MAX_PAGE_CHARS = 64 << 20

TYPES = {
    "journal-article": ItemType.ARTICLE_JOURNAL,
    "proceedings-article": ItemType.PAPER_CONFERENCE,
    "posted-content": ItemType.ARTICLE,
    "preprint": ItemType.ARTICLE,
    "book-chapter": ItemType.CHAPTER,
    "book": ItemType.BOOK,
    "monograph": ItemType.BOOK,
    "edited-book": ItemType.BOOK,
    "dissertation": ItemType.THESIS,
    "report": ItemType.REPORT,
    "dataset": ItemType.DATASET,
    "article": ItemType.ARTICLE_JOURNAL,
}
VENUES = {"journal": VenueKind.JOURNAL, "conference": VenueKind.CONFERENCE, "book series": VenueKind.BOOK}


def looks_like_openalex(lines: list[str]) -> bool:
    first = next((line.strip() for line in lines if line.strip()), "")
    if _WORK.match(first):
        return True
    return bool(_PAGE.match(first)) and '"results"' in "".join(lines) and "openalex.org/W" in "".join(lines)


def parse(lines: Iterable[Line], file_name: str, warnings: list[str] | None = None) -> Iterator[PaperRecord]:
    page: list[str] | None = None
    first_line = 0
    for line in lines:
        text = line.text.strip()
        if page is not None:
            page.append(line.text)
            if sum(map(len, page)) > MAX_PAGE_CHARS:
                raise DumpError(file_name, first_line, "a page of OpenAlex's API larger than 64 MB: not a page")
            continue
        if not text:
            continue
        if _PAGE.match(text):
            page, first_line = [line.text], line.number
            continue
        yield work_record(_json(text, file_name, line.number), text, line.number, file_name, warnings)
    if page is not None:
        body = _json("\n".join(page), file_name, first_line)
        results = body.get("results")
        if not isinstance(results, list):
            raise DumpError(file_name, first_line, "a page of OpenAlex's API without its list of results")
        for number, work in enumerate(results):
            if not isinstance(work, dict):
                raise DumpError(file_name, first_line, f"results[{number}]: expected a work, a JSON object")
            raw = json.dumps(work, ensure_ascii=False, sort_keys=True)
            yield work_record(work, raw, first_line, file_name, warnings, where=f"results[{number}].")


def _json(text: str, file_name: str, line: int) -> dict:
    try:
        value = json.loads(text)
    except ValueError as error:
        raise DumpError(file_name, line, f"not a JSON object: {error}") from None
    if not isinstance(value, dict):
        raise DumpError(file_name, line, f"expected a work as a JSON object, found {text[:40]!r}")
    return value


def work_record(work: dict, raw: str, line: int, file_name: str, warnings, where: str = "") -> PaperRecord:
    checks = f.Checks(file_name, line, warnings)
    openalex_id = _text(work, "id", checks, where).removeprefix("https://openalex.org/")
    if not re.fullmatch(r"W[0-9]+", openalex_id):
        checks.unreadable(f"{where}id", f"{openalex_id[:40]!r} is not an OpenAlex work id (W…)")
        openalex_id = ""
    kind = _text(work, "type_crossref", checks, where) or _text(work, "type", checks, where)
    record = PaperRecord(line=line, raw=raw, item_type=TYPES.get(kind, ItemType.ARTICLE))
    record.title = checks.text(_text(work, "display_name", checks, where) or _text(work, "title", checks, where),
                               f"{where}display_name", f.READ_TITLE_CHARS)  # fmt: skip
    record.doi = checks.doi(_text(work, "doi", checks, where) or None, f"{where}doi")
    record.arxiv_id = _arxiv_id(work, record.doi, checks, where)
    record.issued = _date(work, checks, where)
    record.authors = _authors(work.get("authorships"), checks, where)
    record.abstract = abstract_text(work.get("abstract_inverted_index"), checks, f"{where}abstract_inverted_index")
    location = work.get("primary_location") if isinstance(work.get("primary_location"), dict) else {}
    source = location.get("source") if isinstance(location.get("source"), dict) else {}
    if (venue_kind := VENUES.get(str(source.get("type") or ""))) and source.get("display_name"):
        record.venue = VenueRecord(
            name=checks.text(str(source["display_name"]), f"{where}source", 500), kind=venue_kind
        )
    biblio = work.get("biblio") if isinstance(work.get("biblio"), dict) else {}
    pages = "-".join(dict.fromkeys(str(biblio[k]) for k in ("first_page", "last_page") if biblio.get(k)))
    for variable, value in (("volume", biblio.get("volume")), ("issue", biblio.get("issue")), ("page", pages)):
        if value:
            record.csl[variable] = checks.text(str(value), f"{where}biblio", 100)
    if language := _text(work, "language", checks, where):
        record.csl["language"] = language
    record.topics = _topics(work.get("topics"), checks, where)
    references = work.get("referenced_works") if isinstance(work.get("referenced_works"), list) else []
    record.extra["openalex"] = {
        "id": openalex_id,
        "cited_by_count": work.get("cited_by_count") if isinstance(work.get("cited_by_count"), int) else None,
        "referenced_works": [str(w).removeprefix("https://openalex.org/") for w in references],
    }
    if not (record.title or record.doi or openalex_id):
        checks.refuse(f"{where}id", "a work with neither an OpenAlex id, a DOI nor a title names no work")
    if not record.title:
        record.review_reason = UNTITLED_REASON
    record.problems += checks.problems
    record.unread += checks.unread
    return record


# OpenAlex's topic levels, broadest first, and the slug prefix of each level's concepts.
_LEVELS = (("domain", "domains"), ("field", "fields"), ("subfield", "subfields"))


def _topics(topics, checks: f.Checks, where: str) -> list[ScoredTopic]:
    """`topics`: each with its score and its domain > field > subfield, as concepts' (slug, name)."""
    found = []
    for number, topic in enumerate(topics if isinstance(topics, list) else []):
        field = f"{where}topics[{number}]"
        if not isinstance(topic, dict) or not isinstance(topic.get("score"), int | float):
            checks.warn(field, "a topic without a score is left out")
            continue
        branch = []
        for level, prefix in _LEVELS:
            node = topic.get(level) if isinstance(topic.get(level), dict) else {}
            if number_id := _level_id(node.get("id"), f"{prefix}/"):
                branch.append(
                    (f"openalex-{level}-{number_id}", checks.text(str(node.get("display_name") or ""), field, 300))
                )
        topic_id = _level_id(topic.get("id"), "T")
        name = checks.text(str(topic.get("display_name") or ""), field, 300)
        if not topic_id or not name or any(not n for _, n in branch):
            checks.warn(field, "a topic without its id or name is left out")
            continue
        branch.append((f"openalex-topic-{topic_id.lower()}", name))
        found.append(ScoredTopic(branch, min(1.0, max(0.0, float(topic["score"]))), "OpenAlex"))
    return found


def _level_id(value, prefix: str) -> str | None:
    """`https://openalex.org/fields/17` → `17`, `https://openalex.org/T10028` → `10028`."""
    match = re.fullmatch(rf"(?:https://openalex\.org/)?{re.escape(prefix)}([0-9]+)", str(value or ""))
    return match.group(1) if match else None


def _text(work: dict, key: str, checks: f.Checks, where: str) -> str:
    value = work.get(key)
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        checks.unreadable(f"{where}{key}", f"expected a string, found {type(value).__name__}: left out")
        return ""
    return value


def _arxiv_id(work: dict, doi: str | None, checks: f.Checks, where: str) -> str | None:
    if doi and (match := _ARXIV_DOI.match(doi)):
        return checks.arxiv_id(match.group(1), f"{where}doi")
    for location in work.get("locations") or []:
        url = location.get("landing_page_url") if isinstance(location, dict) else None
        if isinstance(url, str) and (match := _ARXIV_PAGE.match(url)):
            return checks.arxiv_id(match.group(1), f"{where}locations")
    return None


def _date(work: dict, checks: f.Checks, where: str) -> dict | None:
    date = _text(work, "publication_date", checks, where)
    if re.fullmatch(r"[0-9]{4}-01-01", date):
        return {"date-parts": [[int(date[:4])]]}  # OpenAlex's placeholder for a work of unknown day
    if date:
        return checks.date(date, f"{where}publication_date")
    year = work.get("publication_year")
    return {"date-parts": [[year]]} if isinstance(year, int) else None


def _authors(authorships, checks: f.Checks, where: str) -> list[Person]:
    people = []
    for number, authorship in enumerate(authorships if isinstance(authorships, list) else []):
        author = authorship.get("author") if isinstance(authorship, dict) else None
        name = author.get("display_name") if isinstance(author, dict) else None
        if not isinstance(name, str) or not name.strip():
            checks.warn(f"{where}authorships[{number}]", "an authorship without a name is left out")
            continue
        name = checks.text(name, f"{where}authorships[{number}]", 300)
        try:
            orcid = identifiers.orcid(author.get("orcid") if isinstance(author.get("orcid"), str) else None)
        except identifiers.NotAnIdentifier as error:
            checks.warn(f"{where}authorships[{number}].author.orcid", f"{error}; left out")
            orcid = None
        openalex_id = str(author.get("id") or "").removeprefix("https://openalex.org/")
        openalex_id = openalex_id if re.fullmatch(r"A[0-9]{1,18}", openalex_id) else None
        people.append(Person(name, parts=split_name(name), orcid=orcid, openalex_id=openalex_id))
    return people


def abstract_text(index, checks: f.Checks, field: str) -> str:
    """The abstract an inverted index (word -> positions) encodes, its words in order."""
    if index is None:
        return ""
    if not isinstance(index, dict):
        checks.unreadable(field, "expected a mapping of words to their positions")
        return ""
    placed: dict[int, str] = {}
    for word, positions in index.items():
        if not isinstance(positions, list) or not all(isinstance(p, int) and p >= 0 for p in positions):
            checks.unreadable(field, f"{word[:40]!r}: expected a list of positions")
            return ""
        for position in positions:
            placed[position] = word
    return " ".join(placed[position] for position in sorted(placed))


FORMAT = Format("openalex", "OpenAlex works", looks_like_openalex, parse, parse_elsewhere=True)
