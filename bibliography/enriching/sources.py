"""The services a paper is looked up in. Each answers with records in the importers' shape
(`PaperRecord`), made by the readers of the same service's bulk files, so that a work fetched
from OpenAlex's API and one read from its snapshot are the same record.

- OpenAlex: by DOI (an arXiv e-print by its DataCite DOI, 10.48550/arXiv.<id>), else a search of
  titles, else, for a bare abstract, a search of its first words.
- Crossref: by DOI (not arXiv's, which Crossref does not hold), else a bibliographic search.
- arXiv's API: by arXiv id, else a title search. Its answers are Atom; an error comes as an entry
  titled "Error".
"""

import email.utils
import json
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from defusedxml import ElementTree

from bibliography.formats import arxiv as arxiv_format
from bibliography.formats import csljson, openalex
from bibliography.formats.records import PaperRecord
from bibliography.models import Paper
from bibliography.names import split_name

from .http import LookupFailed, PoliteClient, Service

# How many works a search brings back to choose from.
SEARCH_ROWS = 5
# The first words of a bare abstract that a search is made of.
ABSTRACT_WORDS = 30


@dataclass
class Candidate:
    record: PaperRecord
    source: "Source"
    found_by: str  # "DOI", "arXiv id", "title search", "abstract search"
    url: str  # where a curator reads the work at the source


class Source:
    name: str
    format: str
    service: Service

    def __init__(self, client: PoliteClient):
        self.client = client

    def candidates(self, paper: Paper) -> list[Candidate]:
        raise NotImplementedError

    def _get(self, path: str, params: dict | None = None, *, json: bool = True):
        return self.client.get(self.service, path, params, json=json)


def _words(text: str, at_most: int | None = None) -> str:
    """Text as a search's words: the characters a service's query syntax reads (commas, colons,
    quotes) made spaces."""
    words = re.sub(r"[^\w\s-]", " ", text).split()
    return " ".join(words[:at_most])


class OpenAlex(Source):
    name, format = "OpenAlex", openalex.FORMAT.name

    def __init__(self, client: PoliteClient, *, contact: str = "", api_key: str = ""):
        super().__init__(client)
        params = {k: v for k, v in (("mailto", contact), ("api_key", api_key)) if v}
        # singleton lookups: OpenAlex allows 100 requests a second; a tenth of that is polite
        self.service = Service("OpenAlex", "https://api.openalex.org", 0.1, params)

    def candidates(self, paper: Paper) -> list[Candidate]:
        doi = paper.doi or (f"10.48550/arxiv.{paper.arxiv_id}" if paper.arxiv_id else None)
        if doi:
            work = self._get(f"/works/doi:{quote(doi, safe='/')}")
            return [self._candidate(work, "DOI" if paper.doi else "arXiv id")] if work else []
        if paper.title:
            query, found_by = {"filter": f"title.search:{_words(paper.plain_title)}"}, "title search"
        elif paper.abstract:
            query, found_by = {"search": _words(paper.abstract, ABSTRACT_WORDS)}, "abstract search"
        else:
            return []
        page = self._get("/works", {**query, "per-page": SEARCH_ROWS})
        results = page.get("results") if isinstance(page, dict) else None
        if not isinstance(results, list):
            raise LookupFailed(f"OpenAlex answered a search with no list of results: {str(page)[:80]!r}")
        return [self._candidate(work, found_by) for work in results if isinstance(work, dict)]

    def _candidate(self, work, found_by: str) -> Candidate:
        if not isinstance(work, dict):
            raise LookupFailed(f"OpenAlex answered with {str(work)[:80]!r}, not a work")
        raw = json.dumps(work, ensure_ascii=False, sort_keys=True)
        record = openalex.work_record(work, raw, 1, "OpenAlex API", None)
        url = str(work.get("id") or "")
        return Candidate(record, self, found_by, url)


# Crossref's types as CSL names them, where they differ (OpenAlex's type_crossref uses Crossref's).
_CROSSREF_DATES = ("issued", "published-print", "published-online", "published", "created")
_JATS = re.compile(r"<[^>]+>")


class Crossref(Source):
    name, format = "Crossref", csljson.FORMAT.name

    def __init__(self, client: PoliteClient, *, contact: str = ""):
        super().__init__(client)
        self.service = Service("Crossref", "https://api.crossref.org", 0.1, {"mailto": contact} if contact else {})

    def candidates(self, paper: Paper) -> list[Candidate]:
        if paper.doi and not paper.doi.startswith("10.48550/"):  # arXiv's DOIs are DataCite's
            body = self._get(f"/works/{quote(paper.doi, safe='/')}")
            return [self._candidate(_message(body), "DOI")] if body else []
        if not paper.title:
            return []
        body = self._get("/works", {"query.bibliographic": _words(paper.plain_title), "rows": SEARCH_ROWS})
        items = _message(body).get("items")
        if not isinstance(items, list):
            raise LookupFailed(f"Crossref answered a search with no list of items: {str(body)[:80]!r}")
        return [self._candidate(item, "title search") for item in items if isinstance(item, dict)]

    def _candidate(self, work: dict, found_by: str) -> Candidate:
        record = csljson.item_record(crossref_csl(work), 1, "Crossref API", None)
        record.raw = json.dumps(work, ensure_ascii=False, sort_keys=True)
        return Candidate(record, self, found_by, f"https://doi.org/{work.get('DOI', '')}")


def _message(body) -> dict:
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, dict):
        raise LookupFailed(f"Crossref answered without a message: {str(body)[:80]!r}")
    return message


def crossref_csl(work: dict) -> dict:
    """A Crossref work (the API's `message`) as the CSL-JSON item it nearly is: its lists of one
    title made strings, its type named as CSL names it, its JATS abstract made text."""

    def first(key):
        value = work.get(key)
        return value[0] if isinstance(value, list) and value else value if isinstance(value, str) else None

    kind = openalex.TYPES.get(str(work.get("type") or ""), "article")
    item = {"type": kind, "title": first("title"), "container-title": first("container-title"),
            "DOI": work.get("DOI"), "ISSN": first("ISSN"), "ISBN": first("ISBN")}  # fmt: skip
    for variable in ("volume", "issue", "page", "publisher", "language", "URL"):
        if isinstance(work.get(variable), str):
            item[variable] = work[variable]
    if isinstance(work.get("abstract"), str):
        item["abstract"] = " ".join(_JATS.sub(" ", work["abstract"]).split())
    for key in _CROSSREF_DATES:
        date = work.get(key)
        if isinstance(date, dict) and (date.get("date-parts") or [[None]])[0][0]:
            item["issued"] = {"date-parts": date["date-parts"]}
            break
    people = [p for p in work.get("author", []) if isinstance(p, dict)] if isinstance(work.get("author"), list) else []
    item["author"] = [
        {k: p[k] for k in ("family", "given", "suffix") if isinstance(p.get(k), str)}
        or {"literal": str(p.get("name", ""))}
        for p in people
    ]
    return {k: v for k, v in item.items() if v not in (None, "", [])}


_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_ABS = re.compile(r"arxiv\.org/abs/(.+?)(v[0-9]+)?$")


class ArxivApi(Source):
    name, format = "arXiv", arxiv_format.FORMAT.name

    def __init__(self, client: PoliteClient):
        super().__init__(client)
        # arXiv asks for no more than one request every three seconds
        self.service = Service("arXiv", "https://export.arxiv.org/api", 3.0)

    def candidates(self, paper: Paper) -> list[Candidate]:
        if paper.arxiv_id:
            query, found_by = {"id_list": paper.arxiv_id, "max_results": 1}, "arXiv id"
        elif paper.title:
            query, found_by = (
                {"search_query": f'ti:"{_words(paper.plain_title)}"', "max_results": SEARCH_ROWS},
                "title search",
            )
        else:
            return []
        feed = self._get("/query", query, json=False)
        return [Candidate(record, self, found_by, url) for record, url in atom_records(feed or "")]


def atom_records(feed: str) -> list[tuple[PaperRecord, str]]:
    """The e-prints of an answer of arXiv's API, each as the metadata snapshot would give it."""
    try:
        root = ElementTree.fromstring(feed)
    except ElementTree.ParseError as error:
        raise LookupFailed(f"arXiv answered with a body that is not Atom: {error}") from None
    found = []
    for entry in root.iter(f"{_ATOM}entry"):
        entry_id = entry.findtext(f"{_ATOM}id", "")
        if "/api/errors" in entry_id:
            raise LookupFailed(f"arXiv refused the query: {entry.findtext(f'{_ATOM}summary', '').strip()}")
        match = _ABS.search(entry_id.strip())
        if not match:
            continue
        item = {
            "id": match.group(1),
            "title": entry.findtext(f"{_ATOM}title", ""),
            "abstract": entry.findtext(f"{_ATOM}summary", ""),
            "authors_parsed": [_name_parts(a.findtext(f"{_ATOM}name", "")) for a in entry.iter(f"{_ATOM}author")],
            "doi": entry.findtext(f"{_ARXIV}doi", ""),
            "journal-ref": entry.findtext(f"{_ARXIV}journal_ref", ""),
            "comments": entry.findtext(f"{_ARXIV}comment", ""),
            "categories": " ".join(c.get("term", "") for c in entry.iter(f"{_ATOM}category")),
        }
        if published := _rfc2822(entry.findtext(f"{_ATOM}published", "")):
            item["versions"] = [{"version": "v1", "created": published}]
        raw = json.dumps(item, ensure_ascii=False, sort_keys=True)
        found.append(
            (arxiv_format.eprint_record(item, raw, 1, "arXiv API", None), f"https://arxiv.org/abs/{item['id']}")
        )
    return found


def _name_parts(name: str) -> list[str]:
    """[family, given, suffix], as the snapshot's authors_parsed writes a name."""
    parts = split_name(" ".join(name.split()))
    family = " ".join(filter(None, (parts.particle, parts.family)))
    return [family, parts.given, parts.suffix]


def _rfc2822(iso: str) -> str | None:
    try:
        return email.utils.format_datetime(datetime.fromisoformat(iso.strip().replace("Z", "+00:00")), usegmt=True)
    except ValueError:
        return None
