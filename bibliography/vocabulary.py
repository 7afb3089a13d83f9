"""The bibliography's vocabulary: the values its fields take (CSL's item types and name variables, kinds
of venue, link and tag status), the identifier and key patterns, and the search configurations.

It depends on nothing of the project, so that formats, models and services can all speak it."""

from django.db.models import TextChoices

# A text search configuration made by migration 0001: English stemming over unaccented words,
# so "Gödel" and "Godel" find each other.
SEARCH_CONFIG = "bibliography_english"

# The same without stemming, for people's names.
NAME_SEARCH_CONFIG = "bibliography_simple"

# New-style (2401.01234) or old-style (hep-th/9901001, math.GT/0309136) ids, without version.
ARXIV_ID_PATTERN = r"^([0-9]{4}\.[0-9]{4,5}|[a-z][a-z-]*(\.[A-Z]{2})?/[0-9]{7})$"

# What BibTeX, biber and reference managers all accept in a citation key.
CITATION_KEY_PATTERN = r"^[A-Za-z0-9_:./+-]+$"

# CSL's text variables that have a column of their own: the rest of a record goes in `extra`.
CSL_COLUMNS = {
    "title-short": "title_short",
    "collection-title": "collection_title",
    "collection-number": "collection_number",
    "volume": "volume",
    "issue": "issue",
    "page": "page",
    "number": "number",
    "edition": "edition",
    "publisher": "publisher",
    "publisher-place": "publisher_place",
    "genre": "genre",
    "event-title": "event_title",
    "event-place": "event_place",
    "ISBN": "isbn",
    "ISSN": "issn",
    "language": "language",
    "note": "note",
}

# What a venue's short name (a journal's abbreviation) holds.
VENUE_SHORT_NAME_CHARS = 300

# Enough of an abstract or a note to find it by; tsvector itself stops at 1 MB.
SEARCHED_ABSTRACT_CHARS = 100_000
# Of a file's text (a paper's PDF: 40,000 to 150,000 characters, a thesis more), the part the search
# reads: a vector of any 300,000 characters stays under tsvector's 1 MB (tests/test_attachments.py).
SEARCHED_FILE_CHARS = 300_000


class VenueKind(TextChoices):
    """What a paper's container is: where it was published (never a page that merely listed it)."""

    CONFERENCE = "conference"
    WORKSHOP = "workshop"
    JOURNAL = "journal"
    BOOK = "book", "book (a chapter's)"
    WEBSITE = "website"
    REPOSITORY = "repository", "repository or archive"
    OTHER = "other"


class PaperKind(TextChoices):
    ARTICLE = "article"
    TALK = "talk"


class ItemType(TextChoices):
    """CSL 1.0.2's item types, the vocabulary every reference manager maps to."""

    ARTICLE = "article", "article (preprint, working paper)"
    ARTICLE_JOURNAL = "article-journal", "journal article"
    ARTICLE_MAGAZINE = "article-magazine", "magazine article"
    ARTICLE_NEWSPAPER = "article-newspaper", "newspaper article"
    BILL = "bill"
    BOOK = "book"
    BROADCAST = "broadcast"
    CHAPTER = "chapter", "book chapter"
    CLASSIC = "classic"
    COLLECTION = "collection"
    DATASET = "dataset"
    DOCUMENT = "document"
    ENTRY = "entry"
    ENTRY_DICTIONARY = "entry-dictionary", "dictionary entry"
    ENTRY_ENCYCLOPEDIA = "entry-encyclopedia", "encyclopedia entry"
    EVENT = "event"
    FIGURE = "figure"
    GRAPHIC = "graphic"
    HEARING = "hearing"
    INTERVIEW = "interview"
    LEGAL_CASE = "legal_case", "legal case"
    LEGISLATION = "legislation"
    MANUSCRIPT = "manuscript"
    MAP = "map"
    MOTION_PICTURE = "motion_picture", "motion picture"
    MUSICAL_SCORE = "musical_score", "musical score"
    PAMPHLET = "pamphlet"
    PAPER_CONFERENCE = "paper-conference", "conference paper"
    PATENT = "patent"
    PERFORMANCE = "performance"
    PERIODICAL = "periodical"
    PERSONAL_COMMUNICATION = "personal_communication", "personal communication"
    POST = "post"
    POST_WEBLOG = "post-weblog", "blog post"
    REGULATION = "regulation"
    REPORT = "report"
    REVIEW = "review"
    REVIEW_BOOK = "review-book", "book review"
    SOFTWARE = "software"
    SONG = "song"
    SPEECH = "speech", "speech or talk"
    STANDARD = "standard"
    THESIS = "thesis"
    TREATY = "treaty"
    WEBPAGE = "webpage"


class LinkKind(TextChoices):
    CODE = "code"
    PROJECT = "project"
    DATASET = "dataset"
    DOI = "doi", "DOI"
    OTHER = "other"


class AuthorRole(TextChoices):
    """How a person contributed: CSL's name variables, and "speaker" for a talk's."""

    AUTHOR = "author"
    SPEAKER = "speaker"
    ORGANIZER = "organizer"
    EDITOR = "editor"
    TRANSLATOR = "translator"
    CONTAINER_AUTHOR = "container-author", "author of the container"
    COLLECTION_EDITOR = "collection-editor", "series editor"
    EDITORIAL_DIRECTOR = "editorial-director", "editorial director"
    CHAIR = "chair"
    COMPILER = "compiler"
    COMPOSER = "composer"
    CONTRIBUTOR = "contributor"
    CURATOR = "curator"
    DIRECTOR = "director"
    EXECUTIVE_PRODUCER = "executive-producer", "executive producer"
    GUEST = "guest"
    HOST = "host"
    ILLUSTRATOR = "illustrator"
    INTERVIEWER = "interviewer"
    NARRATOR = "narrator"
    ORIGINAL_AUTHOR = "original-author", "original author"
    PERFORMER = "performer"
    PRODUCER = "producer"
    RECIPIENT = "recipient"
    REVIEWED_AUTHOR = "reviewed-author", "reviewed author"
    SCRIPT_WRITER = "script-writer", "script writer"
    SERIES_CREATOR = "series-creator", "series creator"


class Source(TextChoices):
    """Where a tag or a citation came from."""

    IMPORTED = "imported"
    AUTOMATIC = "automatic"
    MANUAL = "manual"


class ReviewStatus(TextChoices):
    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class CitationIntent(TextChoices):
    BACKGROUND = "background"
    USES = "uses"
    EXTENDS = "extends"
    COMPARES = "compares"


class ReferenceScheme(TextChoices):
    OPENALEX = "openalex", "OpenAlex work"
    DOI = "doi", "DOI"


class DuplicateReason(TextChoices):
    IDENTIFIER = "identifier", "same DOI or arXiv id"
    TITLE = "title", "near-identical titles"
    ABSTRACT = "abstract", "same abstract"


class DuplicateStatus(TextChoices):
    OPEN = "open"
    DISMISSED = "dismissed", "not a duplicate"


class ConceptKind(TextChoices):
    CATEGORY = "category"
    TOPIC = "topic"


class ImportStatus(TextChoices):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
