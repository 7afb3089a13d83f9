"""What parsers produce: plain records that know which line they came from, and nothing of the database."""

import datetime
import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from bibliography import text
from bibliography.names import PersonName
from bibliography.vocabulary import AuthorRole, LinkKind, PaperKind, VenueKind

# Why an imported paper waits for a curator when it came without a title; merging a titled paper
# into it, or a later import that brings the title, clears either.
BARE_ABSTRACT_REASON = "no title: imported from a bare abstract"
UNTITLED_REASON = "no title: imported from a reference-manager file without one"
UNTITLED_TALK_REASON = "no title: a talk page without its talk line"
UNTITLED_REASONS = (BARE_ABSTRACT_REASON, UNTITLED_REASON, UNTITLED_TALK_REASON)


@dataclass(frozen=True)
class Person:
    """A contributor as a file names them: the name as written, the role, and the parts when the file
    gave them apart (BibTeX's "van Beethoven, Ludwig", CSL's family and given, a literal name)."""

    name: str
    role: AuthorRole = AuthorRole.AUTHOR
    parts: PersonName | None = None
    orcid: str | None = None  # normalised (identifiers.orcid)
    openalex_id: str | None = None  # A…


@dataclass(frozen=True)
class VenueRecord:
    name: str
    kind: VenueKind
    short_name: str = ""
    year: int | None = None


@dataclass(frozen=True)
class ListingDate:
    """A date as a listing page shows it: month and day, the year only when the page gives it."""

    month: int
    day: int
    year: int | None = None

    def resolved(self, year: int | None) -> datetime.date | None:
        year = self.year or year
        if year is None:
            return None
        try:
            return datetime.date(year, self.month, self.day)
        except ValueError:
            return None


@dataclass
class ScoredTopic:
    """A topic a source's classifier gave the record, with its score and the branch above it, broadest
    first: (slug, name) of each level down to the topic (OpenAlex: domain, field, subfield, topic)."""

    branch: list[tuple[str, str]]
    score: float
    source: str  # who scored it, for the curators: "OpenAlex"


@dataclass
class PaperRecord:
    line: int
    raw: str
    title: str = ""
    abstract: str = ""
    kind: PaperKind = PaperKind.ARTICLE
    authors: list[Person] = field(default_factory=list)
    authors_truncated: bool = False  # "and others"
    links: list[tuple[str, LinkKind]] = field(default_factory=list)
    doi: str | None = None
    arxiv_id: str | None = None
    venue: VenueRecord | None = None
    year: int | None = None
    listed: ListingDate | None = None
    published: ListingDate | None = None  # the paper's own date as a listing shows it, the year perhaps missing
    published_on: datetime.date | None = None
    review_reason: str = ""
    # from reference-manager files: the complete record
    item_type: str | None = None  # CSL type
    issued: dict | None = None  # CSL date, as precise as the file gives it
    accessed: dict | None = None
    csl: dict[str, str] = field(default_factory=dict)  # CSL text variables with a column (CSL_COLUMNS)
    extra: dict[str, object] = field(default_factory=dict)  # other CSL variables and the format's own fields
    keywords: list[str] = field(default_factory=list)
    # the accepted concepts (by name), written by our own exports only, and the citation key to keep
    concepts: list[str] = field(default_factory=list)
    # topics a source's classifier scored (suggested tags for curators to decide, concepts made as needed)
    topics: list[ScoredTopic] = field(default_factory=list)
    citation_key: str | None = None
    alias_keys: list[str] = field(default_factory=list)  # other keys that name this record (a Zotero item URL)
    known_as: int | None = None  # the stored paper the record is, when its format could tell (a talk's key points)
    # what makes the record unusable (FILE:LINE: field: reason); such a record is not imported
    problems: list = field(default_factory=list)
    # values that could not be normalised and were kept as written (FILE:LINE: field: reason): warnings,
    # or with --strict, problems
    unread: list = field(default_factory=list)
    # the band keys of title_key (as bigint[] text) and its trigram count (title_bands.py), when they
    # were made beside the parsing, a batch at a time
    title_sketch: tuple[str, int | None] | None = None

    @cached_property
    def raw_hash(self) -> str:
        return hashlib.sha256(self.raw.encode()).hexdigest()

    # What the record is matched on; computed once, by the thread that reads ahead (see batches.py).
    @cached_property
    def title_key(self) -> str:
        return text.title_key(self.title)

    @cached_property
    def abstract_key(self) -> str | None:
        return text.abstract_key(self.abstract)

    @cached_property
    def isbn_key(self) -> str | None:
        return text.isbn_key(self.csl.get("ISBN", ""))


@dataclass(frozen=True)
class ConceptRecord:
    key: str  # the node id or category name in the file
    name: str
    kind: str
    line: int


@dataclass
class GraphRecord:
    """A concept graph: concepts, parent -> child edges (by key), and node -> key point numbers."""

    concepts: dict[str, ConceptRecord] = field(default_factory=dict)
    edges: list[tuple[str, str, int]] = field(default_factory=list)  # parent, child, line
    key_points_of: dict[str, set[int]] = field(default_factory=dict)


@dataclass
class TalkRecord:
    """A talk page: the talk itself, its numbered key points, and the concept graph that sums it up."""

    paper: PaperRecord
    key_points: dict[int, str]
    graph: GraphRecord
    warnings: list[str] = field(default_factory=list)
    complete: bool = True  # False when the page stops short (its review reason says where)
