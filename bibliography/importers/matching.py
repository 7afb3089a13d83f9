"""Which paper an imported record is, if it is one already: identity without merging different works.

In this order, a record is:
1. the paper that the very same record (same text) became when it was imported before, or the
   paper its format recognised it as (a talk page repeating a stored talk's key points);
2. the paper whose citation key, or key alias, the record's own key (BibTeX key, CSL `id`, RIS
   `ID`) names, unless the two contradict each other;
3. the paper with its DOI, then with its arXiv id, then (a book) the book with its ISBN;
4. a paper with its normalised title, when nothing contradicts it; a paper with the title that
   something does contradict stays apart, and the pair goes to the curators as a duplicate candidate;
5. for an untitled record, the paper with its abstract (and an untitled paper with its abstract
   becomes the titled record's).

Facts contradict when both sides have them and they differ: a DOI, an arXiv id, a book's ISBN, the
year, the first author's family name, the volume, part or edition a title names (and, for a key,
the title). A set's ISBN is often given to each of its volumes, so an ISBN does not make
"Encyclopedia (Vol. 6)" and "Encyclopedia (Vol. 7)" one book. A chapter's or a proceedings
paper's ISBN is its book's, so only books are told apart or found by theirs. Missing facts
contradict nothing, so a listing page naming a paper by its title alone finds the paper.

Two records of one file are stricter still: they are one paper only when they share an identifier,
or agree on title, authors and year. A file is a library, and a library lists a work once.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from operator import itemgetter

from django.db.models import Q
from django.db.models.fields.json import KT

from bibliography import text
from bibliography.formats.records import PaperRecord
from bibliography.identifiers import openalex_work
from bibliography.models import CSL_COLUMNS, Authorship, CitationKeyAlias, ItemType, Paper, PaperAlias, SourceRecord
from bibliography.names import split_name

PAPER_FIELDS = [
    "id",
    "title",
    "abstract",
    "doi",
    "arxiv_id",
    "venue",
    "year",
    "published_on",
    "title_key",
    "abstract_key",
    "isbn_key",
    "needs_review",
    "review_reason",
    "citation_key",
    "kind",
    "item_type",
    "issued",
    "accessed",
    "extra",
    *CSL_COLUMNS.values(),
]


# "vol 7", "part ii", "band 3", "3rd edition" in a folded title (text.title_key)
_VOLUME = re.compile(
    r"\b(?:vol|volume|part|pt|band|bd|tome|tomo|book|no|number|edition|ed)\s+([0-9]+|[ivxlc]+)\b"
    r"|\b([0-9]+)(?:st|nd|rd|th)\s+(?:ed|edition)\b"
)


_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def volumes(title_key: str) -> tuple[int, ...]:
    """The volumes, parts and editions a folded title names, in order ("part ii" is part 2)."""
    return tuple(_number(number or ordinal) for number, ordinal in _VOLUME.findall(title_key))


def _number(numeral: str) -> int:
    if numeral.isdigit():
        return int(numeral)
    values = [_ROMAN[c] for c in numeral]
    return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))


def other_volume(a_title_key: str, b_title_key: str) -> bool:
    """Both titles name a volume, part or edition, and not the same."""
    mine, theirs = volumes(a_title_key), volumes(b_title_key)
    return bool(mine and theirs) and mine != theirs


def family_key(name: str | None) -> str:
    return text.name_key(split_name(name).family) if name else ""


@dataclass(frozen=True)
class Facts:
    """What identity is judged on, for a record or a paper alike."""

    doi: str | None
    arxiv_id: str | None
    title_key: str
    year: int | None
    first_family: str  # "" when the authors are unknown
    isbn: str | None = None  # a book's own ISBN (see book_isbn)

    def contradiction(self, other: "Facts", *, titles: bool = False) -> str | None:
        """Why these cannot be one work, or None."""
        for name in ("doi", "arxiv_id", "isbn", "year", "first_family") + (("title_key",) if titles else ()):
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine and theirs and mine != theirs:
                return name
        return "volume" if other_volume(self.title_key, other.title_key) else None


def book_isbn(item_type: str | None, isbn_key: str | None) -> str | None:
    """The ISBN that identifies the work itself: a book's, not that of a chapter's book."""
    return isbn_key or None if item_type == ItemType.BOOK else None


def record_facts(record: PaperRecord, year: int | None) -> Facts:
    first = record.authors[0] if record.authors else None
    family = text.name_key(first.parts.family) if first and first.parts else family_key(first and first.name)
    return Facts(
        record.doi, record.arxiv_id, record.title_key, year, family, book_isbn(record.item_type, record.isbn_key)
    )


def same_in_one_file(a: PaperRecord, year_a: int | None, b: PaperRecord, year_b: int | None) -> bool:
    """Two entries of one file are one work only if they share an identifier or agree on
    title, authors and year; never a work and a part of it (a chapter given its book's DOI)."""
    if _part_of(a, b) or _part_of(b, a):
        return False
    if (a.doi and a.doi == b.doi) or (a.arxiv_id and a.arxiv_id == b.arxiv_id):
        return True
    if (isbn := book_isbn(a.item_type, a.isbn_key)) and isbn == book_isbn(b.item_type, b.isbn_key):
        return not other_volume(a.title_key, b.title_key)
    names = lambda r: [text.name_key(person.name) for person in r.authors]  # noqa: E731
    return bool(a.title_key) and a.title_key == b.title_key and names(a) == names(b) and year_a == year_b


def _part_of(part: PaperRecord, whole: PaperRecord) -> bool:
    return bool(part.venue and whole.title_key) and text.title_key(part.venue.name) == whole.title_key != part.title_key


@dataclass
class Candidates:
    """The papers a batch of records could be, indexed by what they are matched on."""

    by_raw: dict[str, Paper] = field(default_factory=dict)
    by_id: dict[int, Paper] = field(default_factory=dict)
    by_key: dict[str, Paper] = field(default_factory=dict)
    by_doi: dict[str, Paper] = field(default_factory=dict)
    by_arxiv: dict[str, Paper] = field(default_factory=dict)
    by_isbn: dict[str, list[Paper]] = field(default_factory=lambda: defaultdict(list))  # books, or volumes of a set
    by_openalex: dict[str, Paper] = field(default_factory=dict)  # OpenAlex's W-ids
    by_title: dict[str, list[Paper]] = field(default_factory=lambda: defaultdict(list))
    by_abstract: dict[str, Paper] = field(default_factory=dict)
    untitled_by_abstract: dict[str, Paper] = field(default_factory=dict)
    facts: dict[int, Facts] = field(default_factory=dict)  # by id(paper)
    # papers a record of the file being imported already landed on, with their authors' name keys
    this_run: dict[int, list[str]] = field(default_factory=dict)

    def add(self, paper: Paper, facts: Facts, keys: Paper | PaperAlias | None = None) -> None:
        """Index the paper under its own keys, or under those of an alias it absorbed."""
        keys = keys or paper
        self.facts[id(paper)] = facts
        if paper.pk is not None:
            self.by_id[paper.pk] = paper
        if keys.doi:
            self.by_doi.setdefault(keys.doi, paper)
        if keys.arxiv_id:
            self.by_arxiv.setdefault(keys.arxiv_id, paper)
        if keys is paper and facts.isbn and paper not in self.by_isbn[facts.isbn]:
            self.by_isbn[facts.isbn].append(paper)
        if work := (openalex_work(paper.extra) if keys is paper else keys.openalex_id):
            self.by_openalex.setdefault(work, paper)
        if keys.title_key and paper not in self.by_title[keys.title_key]:
            self.by_title[keys.title_key].append(paper)
        if keys.abstract_key:
            self.by_abstract.setdefault(keys.abstract_key, paper)
            if not keys.title_key:
                self.untitled_by_abstract.setdefault(keys.abstract_key, paper)
        if getattr(keys, "citation_key", None):
            self.by_key.setdefault(keys.citation_key, paper)

    def same_in_one_file_as(self, paper: Paper, record: PaperRecord, year: int | None) -> bool:
        """The rule for two entries of one file, with the paper an earlier entry of the file made
        or landed on standing for that entry (it holds what the entry said)."""
        if (record.doi and record.doi == paper.doi) or (record.arxiv_id and record.arxiv_id == paper.arxiv_id):
            return True
        if (isbn := book_isbn(record.item_type, record.isbn_key)) and isbn == self.facts[id(paper)].isbn:
            return not other_volume(record.title_key, paper.title_key)
        names = [text.name_key(person.name) for person in record.authors]
        same = record.title_key == paper.title_key and names == self.this_run[paper.pk] and year == paper.year
        return bool(record.title_key) and same

    def match(self, record: PaperRecord, facts: Facts) -> tuple[Paper | None, list[Paper]]:
        """The paper the record is (or None), and papers with its title that it is not but may be."""
        if paper := self.by_raw.get(record.raw_hash):
            return paper, []
        if record.known_as is not None and (paper := self.by_id.get(record.known_as)):
            return paper, []
        paper = self.by_key.get(record.citation_key) if record.citation_key else None
        if paper is not None and not facts.contradiction(self.facts[id(paper)], titles=True):
            return paper, []
        if record.doi and (paper := self.by_doi.get(record.doi)):
            return paper, []
        if record.arxiv_id and (paper := self.by_arxiv.get(record.arxiv_id)):
            return paper, []
        for paper in self.by_isbn.get(facts.isbn, ()) if facts.isbn else ():
            if not other_volume(facts.title_key, paper.title_key):
                return paper, []
        if (work := openalex_work(record.extra)) and (paper := self.by_openalex.get(work)):
            return paper, []
        if record.title_key:
            suspects = []
            for paper in self.by_title.get(record.title_key, ()):
                if facts.contradiction(self.facts[id(paper)]):
                    suspects.append(paper)
                else:
                    return paper, []
            if record.abstract_key and (paper := self.untitled_by_abstract.get(record.abstract_key)):
                return paper, suspects
            return None, suspects
        if record.abstract_key and (paper := self.by_abstract.get(record.abstract_key)):
            return paper, []
        return None, []


@dataclass
class Unsent:
    """The provenance and authorships of the batch before, not sent yet (they are sent while this batch
    is matched), as matching reads them: each source record's (raw hash, paper) in order, and the
    people of each paper it gave authors, as (name key, family) in order."""

    sources: list[tuple[str, int]] = field(default_factory=list)
    people: dict[int, list[tuple[str, str]]] = field(default_factory=dict)


def existing_candidates(records: list[PaperRecord], run=None, unsent: Unsent | None = None) -> Candidates:
    """Every paper already stored that one of these records could be, in a fixed number of queries;
    and of them, those an earlier record of the same import (`run`) landed on. `unsent` counts as
    stored."""
    unsent = unsent or Unsent()
    dois = {r.doi for r in records if r.doi}
    arxiv_ids = {r.arxiv_id for r in records if r.arxiv_id}
    title_keys = {r.title_key for r in records if r.title_key}
    isbns = {isbn for r in records if (isbn := book_isbn(r.item_type, r.isbn_key))}
    abstract_keys = {r.abstract_key for r in records if r.abstract_key}
    keys = {r.citation_key for r in records if r.citation_key}
    works = {work for r in records if (work := openalex_work(r.extra))}
    # Put in order here, not by the queries: with ORDER BY id the planner may walk the whole primary
    # key and filter every row, which it prefers while its statistics lag behind a large import.
    sources = SourceRecord.objects.filter(
        raw_hash__any={r.raw_hash for r in records}
    ).order_by()  # sourcerecord_raw_hash_idx
    seen = {raw_hash: paper_id for _, raw_hash, paper_id in sorted(sources.values_list("id", "raw_hash", "paper_id"))}
    hashes = {r.raw_hash for r in records}
    seen.update((raw_hash, paper_id) for raw_hash, paper_id in unsent.sources if raw_hash in hashes)  # the newest
    aliased_keys = dict(CitationKeyAlias.objects.filter(key__any=keys).order_by().values_list("key", "paper_id"))
    query = Q(doi__any=dois) | Q(arxiv_id__any=arxiv_ids) | Q(title_key__any=title_keys)
    query |= Q(abstract_key__any=abstract_keys) | Q(citation_key__any=keys) | Q(isbn_key__any=isbns)
    known = {r.known_as for r in records if r.known_as is not None}
    query |= Q(id__any=set(seen.values()) | set(aliased_keys.values()) | known)
    query |= Q(openalex_work__any=works)  # paper_openalex_id_idx
    stored = Paper.objects.alias(openalex_work=KT("extra__openalex__id"))
    papers = {p.pk: p for p in sorted(stored.filter(query).order_by().only(*PAPER_FIELDS), key=lambda p: p.pk)}
    aliases = sorted(
        PaperAlias.objects.filter(
            Q(doi__any=dois)
            | Q(arxiv_id__any=arxiv_ids)
            | Q(title_key__any=title_keys)
            | Q(abstract_key__any=abstract_keys)
            | Q(openalex_id__any=works)
        )
        .order_by()
        .values("id", "paper_id", "doi", "arxiv_id", "title_key", "abstract_key", "openalex_id"),
        key=itemgetter("id"),
    )
    missing = {a["paper_id"] for a in aliases} - set(papers)
    papers.update({p.pk: p for p in Paper.objects.filter(id__any=missing).only(*PAPER_FIELDS)})
    firsts = dict(Authorship.objects.filter(paper_id__any=papers, position=1).values_list("paper_id", "author__family"))
    firsts.update((pk, people[0][1]) for pk, people in unsent.people.items() if pk in papers)

    found = Candidates()
    for paper in papers.values():
        found.add(paper, paper_facts(paper, firsts.get(paper.pk)))
    for alias in aliases:
        paper = papers[alias["paper_id"]]
        found.add(
            paper,
            found.facts[id(paper)],
            keys=_AliasKeys(**{k: v for k, v in alias.items() if k not in ("id", "paper_id")}),
        )
    for raw_hash, paper_id in seen.items():
        if paper_id in papers:
            found.by_raw[raw_hash] = papers[paper_id]
    for key, paper_id in aliased_keys.items():
        if paper_id in papers:
            found.by_key.setdefault(key, papers[paper_id])
    if run is not None and run.pk is not None:
        landed = set(
            SourceRecord.objects.filter(import_run=run, paper_id__any=papers).values_list("paper_id", flat=True)
        )
        landed |= {pk for _, pk in unsent.sources if pk in papers}
        found.this_run = {pk: [] for pk in landed}
        names = (
            Authorship.objects.filter(paper_id__any=landed)
            .order_by()
            .values_list("paper_id", "position", "author__name_key")
        )
        for paper_id, _, name_key in sorted(names):
            found.this_run[paper_id].append(name_key)
        for pk in landed & unsent.people.keys():  # a paper given its authors by the batch before had none
            found.this_run[pk] += [name_key for name_key, _ in unsent.people[pk]]
    return found


def paper_facts(paper: Paper, first_family: str | None) -> Facts:
    family = text.name_key(first_family or "")
    return Facts(
        paper.doi, paper.arxiv_id, paper.title_key, paper.year, family, book_isbn(paper.item_type, paper.isbn_key)
    )


@dataclass(frozen=True)
class _AliasKeys:
    doi: str | None
    arxiv_id: str | None
    title_key: str
    abstract_key: str | None
    openalex_id: str | None = None
