"""The data model, one module per aggregate; the values its fields take are in bibliography/vocabulary.py
and are named here too, so that `from bibliography.models import ItemType` keeps working."""

from bibliography.vocabulary import (
    ARXIV_ID_PATTERN,
    CITATION_KEY_PATTERN,
    CSL_COLUMNS,
    NAME_SEARCH_CONFIG,
    SEARCH_CONFIG,
    AuthorRole,
    CitationIntent,
    ConceptKind,
    DuplicateReason,
    DuplicateStatus,
    ImportStatus,
    ItemType,
    LinkKind,
    PaperKind,
    ReferenceScheme,
    ReviewStatus,
    Source,
    VenueKind,
)

from . import lookups  # noqa: F401 — registers `__any`
from .attachments import Attachment
from .citations import Citation, UnresolvedReference
from .concepts import Concept, ConceptAlias, ConceptRelation, PaperConcept
from .duplicates import DuplicateCandidate, TitleSketch, WaitingPaper
from .jobs import Job, JobKind, JobStatus
from .notes import KeyPoint, Note
from .papers import CitationKeyAlias, CitationKeyStem, Keyword, Paper, PaperAlias, PaperKeyword, PaperLink
from .people import Author, AuthorAlias, Authorship, credit
from .proposals import PROPOSED_FIELDS, Proposal
from .provenance import ImportRun, SourceRecord
from .search_index import SearchIndexChange
from .sync import Deletion, IdempotentRequest, PaperVersion
from .venues import Venue

__all__ = [
    "SearchIndexChange",
    "ARXIV_ID_PATTERN",
    "CITATION_KEY_PATTERN",
    "CSL_COLUMNS",
    "NAME_SEARCH_CONFIG",
    "PROPOSED_FIELDS",
    "SEARCH_CONFIG",
    "Attachment",
    "Author",
    "AuthorAlias",
    "AuthorRole",
    "Authorship",
    "Citation",
    "CitationIntent",
    "CitationKeyAlias",
    "CitationKeyStem",
    "Concept",
    "ConceptAlias",
    "ConceptKind",
    "ConceptRelation",
    "Deletion",
    "DuplicateCandidate",
    "DuplicateReason",
    "DuplicateStatus",
    "IdempotentRequest",
    "ImportRun",
    "ImportStatus",
    "ItemType",
    "Job",
    "JobKind",
    "JobStatus",
    "KeyPoint",
    "Keyword",
    "LinkKind",
    "Note",
    "Paper",
    "PaperAlias",
    "PaperConcept",
    "PaperKeyword",
    "PaperKind",
    "PaperLink",
    "PaperVersion",
    "Proposal",
    "ReferenceScheme",
    "ReviewStatus",
    "Source",
    "TitleSketch",
    "SourceRecord",
    "UnresolvedReference",
    "Venue",
    "VenueKind",
    "WaitingPaper",
    "credit",
]
