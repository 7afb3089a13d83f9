from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField, TrigramSimilarity, TrigramWordSimilarity
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import F, Q
from django.db.models.fields.json import KT
from django.db.models.functions import MD5, Cast, ExtractYear, Greatest, Left, Lower
from django.db.models.lookups import Exact
from simple_history.models import HistoricalRecords

from bibliography import dates, richtext, text

# A text search configuration made by migration 0001: English stemming over unaccented words,
# so "Gödel" and "Godel" find each other.
SEARCH_CONFIG = "bibliography_english"
# The same without stemming, for people's names.
NAME_SEARCH_CONFIG = "bibliography_simple"

# New-style (2401.01234) or old-style (hep-th/9901001, math.GT/0309136) ids, without version.
ARXIV_ID_PATTERN = r"^([0-9]{4}\.[0-9]{4,5}|[a-z][a-z-]*(\.[A-Z]{2})?/[0-9]{7})$"

# the years paper_year_plausible and venue_year_plausible take, said to forms and the API's schema
_YEAR_SAID = f"The year must be between {dates.MIN_YEAR} and {dates.MAX_YEAR}."
PLAUSIBLE_YEAR = [MinValueValidator(dates.MIN_YEAR, _YEAR_SAID), MaxValueValidator(dates.MAX_YEAR, _YEAR_SAID)]

# Paper columns the database's triggers keep (migrations 0003 and 0046)
DATABASE_KEPT = {"cited_by_count", "version"}

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

# Enough of an abstract or a note to find it by; tsvector itself stops at 1 MB.
SEARCHED_ABSTRACT_CHARS = 100_000


class JsonType(models.Func):
    function = "jsonb_typeof"
    output_field = models.CharField()


class VenueKind(models.TextChoices):
    """What a paper's container is: where it was published (never a page that merely listed it)."""

    CONFERENCE = "conference"
    WORKSHOP = "workshop"
    JOURNAL = "journal"
    BOOK = "book", "book (a chapter's)"
    WEBSITE = "website"
    REPOSITORY = "repository", "repository or archive"
    OTHER = "other"


class PaperKind(models.TextChoices):
    ARTICLE = "article"
    TALK = "talk"


class ItemType(models.TextChoices):
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


class LinkKind(models.TextChoices):
    CODE = "code"
    PROJECT = "project"
    DATASET = "dataset"
    DOI = "doi", "DOI"
    OTHER = "other"


class AuthorRole(models.TextChoices):
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


class Source(models.TextChoices):
    """Where a tag or a citation came from."""

    IMPORTED = "imported"
    AUTOMATIC = "automatic"
    MANUAL = "manual"


class ReviewStatus(models.TextChoices):
    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class CitationIntent(models.TextChoices):
    BACKGROUND = "background"
    USES = "uses"
    EXTENDS = "extends"
    COMPARES = "compares"


class Venue(models.Model):
    """Where papers appear: a conference, workshop, journal, or a listing page such as a trending feed."""

    name = models.CharField(max_length=500, unique=True)
    short_name = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=VenueKind.choices)
    year = models.PositiveSmallIntegerField(null=True, blank=True, validators=PLAUSIBLE_YEAR)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""), name="venue_name_not_blank", violation_error_message="A venue needs a name."
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__range=(1400, 2200)),
                name="venue_year_plausible",
                violation_error_message="The year must be between 1400 and 2200.",
            ),
        ]

    def __str__(self):
        return richtext.plain(self.name)


def tagged_paper_ids(concept_ids, *, descendants: bool = True, statuses=(ReviewStatus.ACCEPTED,)):
    """The ids of papers tagged with these concepts (or any below them) in these statuses, as a subquery."""
    from .concepts import Concept, PaperConcept  # noqa: PLC0415 — concepts imports this module

    if descendants:
        concept_ids = Concept.objects.descendants_of(list(concept_ids)).values("id")
    tags = PaperConcept.objects.filter(concept__in=concept_ids, status__in=statuses)  # paperconcept_concept_idx
    return tags.values("paper_id")


SCHEMES = ("id", "doi", "arxiv", "key")  # how a paper is named: identifiers.paper_reference


class PaperQuerySet(models.QuerySet):
    def needing_review(self):
        return self.filter(needs_review=True)

    def for_listing(self):
        """With what a list of papers shows: venue, authors in order, links and accepted concepts."""
        from .concepts import PaperConcept  # noqa: PLC0415 — concepts imports this module

        return self.select_related("venue").prefetch_related(
            models.Prefetch("authorships", queryset=Authorship.objects.select_related("author").order_by("position")),
            models.Prefetch(
                "tags",
                queryset=PaperConcept.objects.filter(status=ReviewStatus.ACCEPTED).select_related("concept"),
                to_attr="accepted_tags",
            ),
            "links",
            models.Prefetch("paper_keywords", queryset=PaperKeyword.objects.select_related("keyword")),
        )

    _search = None  # the Search of .search(), which .ranked() and .with_relevance() rank by

    def _clone(self):
        clone = super()._clone()
        clone._search = self._search
        return clone

    def search(self, terms: str):
        """The papers a search finds (bibliography/searching.py); all of them for one without words."""
        from bibliography.searching import PREFIX_BELOW, Search  # noqa: PLC0415 — it reads identifiers, which import models

        if not terms.strip():
            return self
        search = Search(terms)
        found = self.filter(search.matches())
        if search.can_be_prefix and found[:PREFIX_BELOW].count() < PREFIX_BELOW:
            search = search.as_prefix()
            found = self.filter(search.matches())
        found._search = search
        return found

    def ranked(self, *, expected: float | None = None):
        """These matches of a search as a ranked list shows them, with their relevance and snippet: the
        newest RANK_WINDOW of them and those found exactly (searching.rank_window); most relevant first.
        `expected`: how many matches there are, when counted already."""
        from bibliography.searching import rank_window  # noqa: PLC0415

        ids = rank_window(self, self._search, expected=expected)
        # the ids passed every filter already: testing them again would rebuild the full-text index's
        # bitmap of every match (15 ms for a word in 6% of a million papers)
        ranked = self.model.objects.filter(id__in=ids).annotate(
            relevance=self._search.relevance(), snippet=self._search.snippet()
        )
        ranked._search = self._search
        return ranked.order_by("-relevance", "-id")

    def with_relevance(self):
        """These matches of a search with their relevance and snippet, in whatever order they are listed."""
        return self.annotate(relevance=self._search.relevance(), snippet=self._search.snippet())

    def similar_to(self, title: str):
        """Papers titled like this, most alike first (trigrams of the folded titles)."""
        key = text.title_key(title)
        if not key:  # no words: no title is like it
            return self.none().annotate(relevance=models.Value(0.0, output_field=models.FloatField()))
        return self.filter(title_key__trigram_similar=key).annotate(  # paper_title_key_trgm_idx
            relevance=Greatest(TrigramSimilarity("title_key", key), TrigramWordSimilarity(key, "title_key"))
        )

    def counts_by(self, key: str) -> list[dict]:
        """How many of these papers have each value of a key (bibliography/facets.py)."""
        from bibliography.facets import paper_counts  # noqa: PLC0415 — facets imports the models

        return paper_counts(self, key)

    def tagged_with(self, concept_ids, *, descendants: bool = True, statuses=(ReviewStatus.ACCEPTED,)):
        """Papers with a tag of these concepts, or of any concept below them, in one of these statuses."""
        return self.filter(id__in=tagged_paper_ids(concept_ids, descendants=descendants, statuses=statuses))

    def named(self, references, *, follow: bool = True) -> list[int | None]:
        """The id of the paper each (scheme, value) reference names (identifiers.paper_reference), None
        for none; with `follow`, a merged-away id or an old citation key names the paper it became."""
        wanted = {scheme: [value for kind, value in references if kind == scheme] for scheme in SCHEMES}
        rows = self.filter(
            Q(pk__in=wanted["id"]) | Q(doi__in=wanted["doi"]) | Q(arxiv_id__in=wanted["arxiv"])
            | Q(citation_key__in=wanted["key"])
        ).values_list("pk", "doi", "arxiv_id", "citation_key")  # fmt: skip
        found = {}
        for pk, doi, arxiv, key in rows:
            found |= {("id", pk): pk, ("doi", doi): pk, ("arxiv", arxiv): pk, ("key", key): pk}
        if follow:
            old_ids = PaperAlias.objects.filter(old_id__in=wanted["id"]).values_list("old_id", "paper_id")
            old_keys = CitationKeyAlias.objects.filter(key__in=wanted["key"]).values_list("key", "paper_id")
            found = {("id", old): pk for old, pk in old_ids} | {("key", old): pk for old, pk in old_keys} | found
        return [found.get(reference) for reference in references]

    def with_authors(self):
        return self.prefetch_related(
            models.Prefetch("authorships", queryset=Authorship.objects.select_related("author"))
        )


class Paper(models.Model):
    """A paper or a talk: one row however many files list it (see SourceRecord for each appearance)."""

    title = models.CharField(max_length=1000, blank=True)
    abstract = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=PaperKind.choices, default=PaperKind.ARTICLE)
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, null=True, blank=True, related_name="papers")
    published_on = models.DateField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True, validators=PLAUSIBLE_YEAR)
    doi = models.CharField("DOI", max_length=255, null=True, blank=True, unique=True)
    arxiv_id = models.CharField("arXiv id", max_length=40, null=True, blank=True, unique=True)
    # Byte order (C collation) so that the unique index also serves prefix searches (LIKE 'stem%').
    citation_key = models.CharField(
        max_length=100,
        null=True,
        blank=True,
        db_collation="C",
        help_text="The BibTeX key; set on first import or export, then kept so that documents citing it still work.",
    )
    citation_key_provisional = models.BooleanField(
        default=False,
        help_text="The key was made before the paper had authors and a year (`anonnd…`): it is remade once the "
        "paper has both, the old key kept as an alias.",
    )
    item_type = models.CharField(
        "type", max_length=40, choices=ItemType.choices, default=ItemType.ARTICLE, help_text="CSL's item type."
    )
    issued = models.JSONField(
        "date",
        null=True,
        blank=True,
        help_text="When it was published, as precise as known (CSL date: year, month, day, season, range, circa).",
    )
    title_short = models.CharField("short title", max_length=500, blank=True)
    collection_title = models.CharField("series", max_length=500, blank=True)
    collection_number = models.CharField("number in series", max_length=100, blank=True)
    volume = models.CharField(max_length=100, blank=True)
    issue = models.CharField(max_length=100, blank=True)
    page = models.CharField("pages", max_length=100, blank=True, help_text="Pages, or the article number.")
    number = models.CharField(max_length=100, blank=True, help_text="A report's, patent's or standard's number.")
    edition = models.CharField(max_length=100, blank=True)
    publisher = models.CharField(max_length=500, blank=True, help_text="Or the university, for a thesis.")
    publisher_place = models.CharField("place", max_length=500, blank=True)
    genre = models.CharField(max_length=200, blank=True, help_text='A thesis or report\'s type ("PhD thesis").')
    event_title = models.CharField("event", max_length=500, blank=True)
    event_place = models.CharField(max_length=500, blank=True)
    isbn = models.CharField("ISBN", max_length=200, blank=True)
    # the first ISBN of `isbn` as thirteen digits: a book is found by it whichever way it is written
    isbn_key = models.CharField(max_length=13, blank=True, editable=False)
    issn = models.CharField("ISSN", max_length=200, blank=True)
    language = models.CharField(max_length=50, blank=True)
    note = models.TextField(blank=True)
    accessed = models.JSONField(null=True, blank=True, help_text="When the URL was read (CSL date).")
    authors_truncated = models.BooleanField(
        "author list truncated", default=False, help_text='The author list ends with "and others" (et al.).'
    )
    extra = models.JSONField(
        default=dict,
        blank=True,
        help_text="Other CSL variables (PMID, license, …), and fields of a file's own format kept to be written back.",
    )
    title_key = models.CharField(max_length=1000, blank=True, editable=False)
    abstract_key = models.CharField(max_length=32, null=True, blank=True, editable=False)
    search_vector = models.GeneratedField(
        expression=SearchVector("title", config=SEARCH_CONFIG, weight="A")
        + SearchVector(Left("abstract", SEARCHED_ABSTRACT_CHARS), config=SEARCH_CONFIG, weight="B"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    needs_review = models.BooleanField(default=False)
    review_reason = models.CharField(max_length=500, blank=True)
    cited_by_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set by the database (migration 0046) on every change to the paper or to a row its document shows:
    # the writing transaction's id, which the API's `since=` compares with a client's library version.
    version = models.BigIntegerField(default=0, editable=False)

    authors = models.ManyToManyField("Author", through="Authorship", related_name="papers")
    concepts = models.ManyToManyField("Concept", through="PaperConcept", related_name="papers")
    keywords = models.ManyToManyField("Keyword", through="PaperKeyword", related_name="papers")
    references = models.ManyToManyField(
        "self", through="Citation", through_fields=("citing", "cited"), symmetrical=False, related_name="cited_by"
    )

    objects = PaperQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["search_vector", "title_key", "abstract_key", "isbn_key", "cited_by_count", "version"]
    )

    class Meta:
        ordering = ["-id"]
        indexes = [
            # import matching and duplicate detection by normalised title / abstract
            models.Index(fields=["title_key"], name="paper_title_key_idx"),
            # near-identical titles (duplicates, similar_to, autocomplete) by trigram similarity
            GinIndex(fields=["title_key"], opclasses=["gin_trgm_ops"], name="paper_title_key_trgm_idx"),
            models.Index(fields=["abstract_key"], name="paper_abstract_key_idx"),
            # full-text search
            GinIndex(fields=["search_vector"], name="paper_search_vector_idx"),
            # the review queue
            models.Index(fields=["id"], condition=Q(needs_review=True), name="paper_needs_review_idx"),
            models.Index(fields=["year"], name="paper_year_idx"),
            models.Index(fields=["created_at"], name="paper_created_at_idx"),
            models.Index(fields=["updated_at"], name="paper_updated_at_idx"),
            # what changed since a client's copy (`since=`)
            models.Index(fields=["version", "id"], name="paper_version_idx"),
            # has_abstract=false
            models.Index(fields=["id"], condition=Q(abstract=""), name="paper_without_abstract_idx"),
            models.Index(fields=["published_on"], name="paper_published_on_idx"),
            models.Index(fields=["item_type"], name="paper_item_type_idx"),
            # import matching of books by ISBN
            models.Index(fields=["isbn_key"], condition=~Q(isbn_key=""), name="paper_isbn_key_idx"),
            # the works OpenAlex references name (bibliography/importers/load.py, _add_references)
            models.Index(KT("extra__openalex__id"), name="paper_openalex_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title="") | Q(needs_review=True),
                name="paper_untitled_needs_review",
                violation_error_message="A paper without a title must be marked “needs review”, with the reason.",
            ),
            models.CheckConstraint(
                condition=Q(needs_review=True, review_reason__gt="") | Q(needs_review=False, review_reason=""),
                name="paper_review_reason_iff_needs_review",
                violation_error_message="Say why the paper needs review; or, when it no longer does, clear the reason.",
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__range=(1400, 2200)),
                name="paper_year_plausible",
                violation_error_message="The year must be between 1400 and 2200.",
            ),
            models.CheckConstraint(
                condition=Q(published_on__isnull=True) | Q(year=ExtractYear("published_on")),
                name="paper_year_matches_date",
                violation_error_message="The year and the date disagree: give the date's year (or clear one of them).",
            ),
            models.CheckConstraint(
                condition=Q(doi__isnull=True) | (Q(doi__startswith="10.") & Q(doi=Lower("doi"))),
                name="paper_doi_normalised",
                violation_error_message="A DOI looks like 10.1000/xyz (a https://doi.org/ address is read as its DOI).",
            ),
            models.CheckConstraint(
                condition=Q(arxiv_id__isnull=True) | Q(arxiv_id__regex=ARXIV_ID_PATTERN),
                name="paper_arxiv_id_normalised",
                violation_error_message="An arXiv id looks like 2401.01234 or hep-th/9901001, without a version.",
            ),
            models.CheckConstraint(
                condition=Q(issued__isnull=True)
                | ~Q(issued__has_key="date-parts")
                | Q(year=Cast(KT("issued__date-parts__0__0"), models.IntegerField())),
                name="paper_year_matches_issued",
                violation_error_message="The year and the date disagree: the date sets the year.",
            ),
            models.CheckConstraint(
                condition=Q(kind=PaperKind.TALK, item_type=ItemType.SPEECH)
                | (~Q(kind=PaperKind.TALK) & ~Q(item_type=ItemType.SPEECH)),
                name="paper_talk_is_speech",
                violation_error_message="A talk is of type “speech”, and only a talk is.",
            ),
            models.CheckConstraint(
                condition=Exact(JsonType("extra"), "object"),
                name="paper_extra_object",
                violation_error_message='Other fields (extra) must be a JSON object, like {"note": "…"}.',
            ),
            models.CheckConstraint(
                condition=Q(issued__isnull=True) | Exact(JsonType("issued"), "object"),
                name="paper_issued_object",
                violation_error_message="The date must be a CSL date object.",
            ),
            models.UniqueConstraint(fields=["citation_key"], name="paper_citation_key_unique"),
            models.CheckConstraint(
                condition=Q(citation_key__isnull=True) | Q(citation_key__regex=CITATION_KEY_PATTERN),
                name="paper_citation_key_format",
                violation_error_message="A citation key is letters, digits and : - _ . / + only, without spaces.",
            ),
        ]

    def __str__(self):
        return self.plain_title

    def save(self, *args, **kwargs):
        self.settle()
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            # what the database keeps (a citation's trigger counts, every change sets the version) is
            # never written back from a copy read before it changed
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in DATABASE_KEPT
            ]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"title", "abstract", "isbn"} & set(update_fields):
            kwargs["update_fields"] = set(update_fields) | {"title_key", "abstract_key", "isbn_key"}
        if update_fields is not None and {"year", "published_on", "issued"} & set(update_fields):
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"year", "published_on", "issued"}
        super().save(*args, **kwargs)

    def clean(self):
        self.settle()

    def settle(self) -> None:
        """What is derived, derived: the matching keys, the year and day from the date, and a talk's type."""
        self.refresh_keys()
        self.issued, self.year, self.published_on = dates.settled(self.issued, self.year, self.published_on)
        if self.kind == PaperKind.TALK or self.item_type == ItemType.SPEECH:
            self.kind, self.item_type = PaperKind.TALK, ItemType.SPEECH

    @property
    def display_title(self) -> str:
        """The title, or until a curator writes one, a label made from the abstract's first words."""
        return self.title or text.provisional_label(self.abstract)

    @property
    def export_key(self) -> str:
        """The citation key, or for a paper made some other way than imports, the admin and the API
        (which give one), a stable stand-in: exports never write."""
        return self.citation_key or f"paper{self.pk}"

    @property
    def plain_title(self) -> str:
        """The title as a page shows it: without its markup (italics, protected case)."""
        return richtext.plain(self.display_title)

    def refresh_keys(self) -> None:
        self.title_key = text.title_key(self.title)
        self.abstract_key = text.abstract_key(self.abstract)
        self.isbn_key = text.isbn_key(self.isbn) or ""


class CitationKeyStem(models.Model):
    """How far along its suffixes (``""``, ``b``, …, ``z``, ``aa``, …) a citation-key stem is.

    Choosing a key then costs a few exact lookups, not a scan of every key sharing the stem: a
    listing of a million untitled-author papers has stems like ``anon2024learning`` thousands
    of times over.
    """

    stem = models.CharField(max_length=100, primary_key=True, db_collation="C")
    next_suffix = models.PositiveIntegerField(default=0, help_text="The position of the next suffix to try.")

    def __str__(self):
        return f"{self.stem} (next #{self.next_suffix})"


class PaperLink(models.Model):
    """A URL that belongs to a paper: its code, project page, data set or DOI."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(max_length=2000)
    kind = models.CharField(max_length=20, choices=LinkKind.choices, default=LinkKind.OTHER)

    class Meta:
        ordering = ["-paper_id", "id"]
        constraints = [models.UniqueConstraint(fields=["paper", "url"], name="paperlink_unique_url_per_paper")]
        indexes = [
            # papers that share a code or project URL
            models.Index(fields=["url"], name="paperlink_url_idx"),
        ]

    def __str__(self):
        return self.url


class AuthorQuerySet(models.QuerySet):
    def named(self, name: str) -> "Author":
        """The author of this name (the oldest, when several share it), or a new one."""
        return self.all_named([name])[text.name_key(" ".join(name.split()))]

    def all_named(self, names) -> dict[str, "Author"]:
        """`named` for many names in three queries, by name key. Writers naming the same new person at
        once make one author: each name is locked until the transaction ends (in key order, so that
        two writers never wait on each other)."""
        wanted = {}
        for name in names:
            name = " ".join(name.split())
            wanted.setdefault(text.name_key(name), name)
        if not wanted:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended('author name ' || key, 0)) "
                "FROM unnest(%s::text[]) AS key ORDER BY key",
                [sorted(wanted)],
            )
        found = {}
        for author in self.filter(name_key__in=list(wanted)).order_by("-id"):
            found[author.name_key] = author  # the oldest last, so it stays
        new = [Author(name=name) for key, name in wanted.items() if key not in found]
        for author in new:
            author.settle_parts()
        return found | {author.name_key: author for author in self.bulk_create(new)}


class Author(models.Model):
    """A person who wrote, gave or organised papers and talks."""

    name = models.CharField(max_length=300, help_text="The name as it is written.")
    # The parts a bibliography sorts and abbreviates by, as the name's source gave them.
    family = models.CharField("family name", max_length=300, blank=True)
    given = models.CharField("given names", max_length=300, blank=True)
    particle = models.CharField(max_length=100, blank=True, help_text='"van", "de la", kept with the family name.')
    suffix = models.CharField(max_length=50, blank=True, help_text='"Jr.", "III".')
    literal = models.BooleanField(
        "institution", default=False, help_text="An organisation's name, kept whole, never split into parts."
    )
    name_key = models.CharField(max_length=300, editable=False)
    orcid = models.CharField("ORCID", max_length=19, null=True, blank=True, unique=True)
    openalex_id = models.CharField(
        "OpenAlex id", max_length=20, null=True, blank=True, unique=True, help_text="The author's OpenAlex id (A…)."
    )
    search_vector = models.GeneratedField(
        expression=SearchVector("name", config=NAME_SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    history = HistoricalRecords(excluded_fields=["search_vector", "name_key"])
    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            # import matching and lookups by name
            models.Index(fields=["name_key"], name="author_name_key_idx"),
            # full-text search of papers by their authors' names
            GinIndex(fields=["search_vector"], name="author_search_vector_idx"),
            # autocomplete of names as they are typed
            GinIndex(fields=["name_key"], opclasses=["gin_trgm_ops"], name="author_name_key_trgm_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""), name="author_name_not_blank", violation_error_message="An author needs a name."
            ),
            models.CheckConstraint(
                condition=Q(literal=True, family="", given="", particle="", suffix="")
                | Q(literal=False) & ~Q(family=""),
                name="author_parts_or_literal",
                violation_error_message="A person needs a family name; an institution's name is kept whole.",
            ),
            models.CheckConstraint(
                condition=Q(orcid__isnull=True) | Q(orcid__regex=r"^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$"),
                name="author_orcid_format",
                violation_error_message="An ORCID looks like 0000-0002-1825-0097 (the last may be X).",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.settle_parts()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "literal"} & set(update_fields):
            kwargs["update_fields"] = set(update_fields) | {"name_key", "family", "given", "particle", "suffix"}
        super().save(*args, **kwargs)

    def clean(self):
        self.settle_parts()

    def settle_parts(self, parts=None) -> None:
        """Fill the name's key and parts: the given parts, else the name split the usual way."""
        from bibliography.formats.names import split_name  # noqa: PLC0415 — names needs no models

        self.name_key = text.name_key(self.name)
        if self.literal:
            self.family = self.given = self.particle = self.suffix = ""
            return
        if parts is None and self.family and text.name_key(self.parts.full) == self.name_key:
            return  # parts already given for this very name
        parts = parts or split_name(self.name)
        self.family, self.given, self.particle, self.suffix = parts.family, parts.given, parts.particle, parts.suffix

    @property
    def parts(self):
        from bibliography.formats.names import PersonName  # noqa: PLC0415

        if self.literal:
            return PersonName(family=self.name, literal=True)
        return PersonName(family=self.family, given=self.given, particle=self.particle, suffix=self.suffix)


class Authorship(models.Model):
    """An author's place in a paper's ordered author list, and the name the paper credits them by."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="authorships")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="authorships")
    position = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=20, choices=AuthorRole.choices, default=AuthorRole.AUTHOR)
    credited = models.JSONField(
        "credited as",
        null=True,
        blank=True,
        help_text="The name as this paper gives it, when it differs from the author's own spelling "
        "(name, family, given, particle, suffix, literal).",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-paper_id", "position"]
        constraints = [
            # deferred so that a curator can swap two positions in one save
            models.UniqueConstraint(
                fields=["paper", "position"],
                name="authorship_unique_position",
                deferrable=models.Deferrable.DEFERRED,
            ),
            # a person is listed once in each role: a chapter's author may edit the book too
            models.UniqueConstraint(
                fields=["paper", "author", "role"],
                name="authorship_unique_author_role",
                violation_error_message="This person is already listed in this role.",
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1),
                name="authorship_position_from_one",
                violation_error_message="Positions start at 1.",
            ),
        ]
        indexes = [
            # an author's papers
            models.Index(fields=["author", "paper"], name="authorship_author_idx"),
        ]

    def __str__(self):
        return f"{self.position}. {self.author}"

    @property
    def credited_parts(self):
        """The name's parts as this paper gives them."""
        from bibliography.formats.names import PersonName  # noqa: PLC0415

        if not self.credited:
            return self.author.parts
        return PersonName(
            family=self.credited.get("family", ""),
            given=self.credited.get("given", ""),
            particle=self.credited.get("particle", ""),
            suffix=self.credited.get("suffix", ""),
            literal=bool(self.credited.get("literal")),
        )

    @property
    def credited_name(self) -> str:
        return (self.credited or {}).get("name") or self.author.name

    def credit_as(self, name: str | None, parts=None) -> None:
        """Credit the author on this paper under this name (its parts as given, else split the usual
        way); no name, or the author's own, credits them as their record names them."""
        self.credited = credit(name, parts, self.author)


def credit(name: str | None, parts, author: Author) -> dict | None:
    """`Authorship.credited` for a name a paper gives an author: None when it is the author's own."""
    from bibliography.formats.names import split_name  # noqa: PLC0415

    name = " ".join((name or "").split())
    if not name:
        return None
    parts = parts or split_name(name)
    if name == author.name and parts == author.parts:
        return None
    credited = {"name": name, "family": parts.family, "given": parts.given}
    credited |= {k: v for k, v in (("particle", parts.particle), ("suffix", parts.suffix)) if v}
    return credited | ({"literal": True} if parts.literal else {})


class Keyword(models.Model):
    """A word a reference manager tags papers with (Zotero's tags, BibTeX's keywords): flat, per paper,
    and never a concept of the graph on its own (a curator may map one to a concept)."""

    # as written: "ML" and "ml" are two keywords, as they are two tags in Zotero (a curator may merge them)
    name = models.CharField(max_length=300, unique=True)
    name_key = models.CharField(max_length=300, editable=False)  # folded, for finding it

    class Meta:
        ordering = ["name_key", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""), name="keyword_not_blank", violation_error_message="A keyword cannot be blank."
            )
        ]
        indexes = [
            # the keyword list's search box
            GinIndex(fields=["name_key"], opclasses=["gin_trgm_ops"], name="keyword_name_key_trgm_idx"),
            # ?keyword= in any case
            models.Index(fields=["name_key"], name="keyword_name_key_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = text.name_key(self.name)
        super().save(*args, **kwargs)


class PaperKeyword(models.Model):
    """A keyword on a paper, in the order the paper's source listed them."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="paper_keywords")
    keyword = models.ForeignKey(Keyword, on_delete=models.CASCADE, related_name="paper_keywords")
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["-paper_id", "position"]
        constraints = [models.UniqueConstraint(fields=["paper", "keyword"], name="paperkeyword_unique")]
        indexes = [
            # papers with a keyword (filter and facet)
            models.Index(fields=["keyword", "paper"], name="paperkeyword_keyword_idx"),
        ]

    def __str__(self):
        return f"{self.paper_id}: {self.keyword_id}"


class Note(models.Model):
    """A curator's note on a paper (why it matters, what to check): searchable with the papers, kept
    with its history and its writer."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=SearchVector(Left("text", SEARCHED_ABSTRACT_CHARS), config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["-paper_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""), name="note_text_not_blank", violation_error_message="A note needs some text."
            )
        ]
        indexes = [
            models.Index(fields=["paper"], name="note_paper_idx"),
            GinIndex(fields=["search_vector"], name="note_search_vector_idx"),
        ]

    def __str__(self):
        return self.text if len(self.text) <= 60 else self.text[:59] + "…"


class KeyPoint(models.Model):
    """One numbered point of a talk's summary."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="keypoints")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1, "Key points are numbered from 1.")])
    text = models.TextField()
    concepts = models.ManyToManyField("Concept", blank=True, related_name="key_points")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-paper_id", "number"]
        constraints = [
            # deferred so that a curator can swap or renumber points in one save
            models.UniqueConstraint(
                fields=["paper", "number"], name="keypoint_unique_number", deferrable=models.Deferrable.DEFERRED
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="keypoint_number_from_one",
                violation_error_message="Key points are numbered from 1.",
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="keypoint_text_not_blank",
                violation_error_message="A key point needs some text.",
            ),
        ]
        indexes = [
            # a page of a talk seen before without its talk line is known by a key point's text
            models.Index(MD5("text"), "number", name="keypoint_text_idx"),
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:80]}"


class Citation(models.Model):
    """One paper citing another, found in the text or entered by a curator."""

    citing = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="citations_made")
    cited = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="citations_received")
    context = models.TextField(blank=True, help_text="The sentence where the citation was found.")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.SUGGESTED)
    intent = models.CharField(max_length=20, choices=CitationIntent.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["citing", "cited"], name="citation_unique_pair"),
            models.CheckConstraint(
                condition=~Q(citing=F("cited")),
                name="citation_not_self",
                violation_error_message="A paper cannot cite itself.",
            ),
        ]
        indexes = [
            # a paper's cited-by list, accepted first
            models.Index(fields=["cited", "status"], name="citation_cited_status_idx"),
            # the review queue of suggested citations
            models.Index(fields=["id"], condition=Q(status="suggested"), name="citation_suggested_idx"),
            # the review queue's papers with suggested references, in id order
            models.Index(fields=["citing"], condition=Q(status="suggested"), name="citation_suggested_citing_idx"),
        ]

    def __str__(self):
        return f"{self.citing_id} cites {self.cited_id}"


class ReferenceScheme(models.TextChoices):
    OPENALEX = "openalex", "OpenAlex work"
    DOI = "doi", "DOI"


class UnresolvedReference(models.Model):
    """A work a paper cites that is not in the bibliography yet, by its id in a source (an OpenAlex
    W-id, or a DOI from a Crossref reference list): it becomes a Citation as soon as that work
    arrives, by any import."""

    citing = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="unresolved_references")
    scheme = models.CharField(max_length=20, choices=ReferenceScheme.choices)
    value = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["citing", "scheme", "value"], name="unresolvedreference_unique"),
            models.CheckConstraint(condition=~Q(value=""), name="unresolvedreference_value_not_blank"),
        ]
        # the works an import brings: which references waited for them
        indexes = [models.Index(fields=["scheme", "value"], name="unresolvedreference_value_idx")]

    def __str__(self):
        return f"{self.citing_id} cites {self.scheme}:{self.value}"


class PaperAlias(models.Model):
    """What a merged-away paper was known by, pointing at the paper it was merged into.

    Imports match aliases like papers, so a record of the old paper lands on the survivor, and the
    API answers the old id with a redirect.
    """

    old_id = models.BigIntegerField(unique=True)
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="aliases")
    title_key = models.CharField(max_length=1000, blank=True)
    abstract_key = models.CharField(max_length=32, null=True, blank=True)
    doi = models.CharField("DOI", max_length=255, null=True, blank=True)
    arxiv_id = models.CharField("arXiv id", max_length=40, null=True, blank=True)
    openalex_id = models.CharField("OpenAlex work", max_length=20, null=True, blank=True)
    merged_at = models.DateTimeField(auto_now_add=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "paper aliases"
        ordering = ["-merged_at"]
        indexes = [
            # import matching against merged-away papers
            models.Index(fields=["title_key"], name="paperalias_title_key_idx"),
            models.Index(fields=["abstract_key"], name="paperalias_abstract_key_idx"),
            models.Index(fields=["doi"], name="paperalias_doi_idx"),
            models.Index(fields=["arxiv_id"], name="paperalias_arxiv_id_idx"),
            models.Index(fields=["openalex_id"], name="paperalias_openalex_id_idx"),
        ]

    def __str__(self):
        return f"#{self.old_id} → #{self.paper_id}"


class AuthorAlias(models.Model):
    """An author merged into another: its old id (which links and scripts may hold) and name lead to
    the author it became."""

    old_id = models.BigIntegerField(unique=True)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=300)
    merged_at = models.DateTimeField(auto_now_add=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "author aliases"
        ordering = ["-merged_at"]
        indexes = [models.Index(fields=["author"], name="authoralias_author_idx")]

    def __str__(self):
        return f"#{self.old_id} {self.name} → {self.author}"


class CitationKeyAlias(models.Model):
    """A citation key a paper is also known by, so that documents citing it keep working: the key of
    a paper merged into this one, or of a second entry of an imported file that was this paper."""

    key = models.CharField(max_length=100, unique=True, db_collation="C")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="key_aliases")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "citation key aliases"
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(condition=Q(key__regex=CITATION_KEY_PATTERN), name="citationkeyalias_format"),
        ]
        indexes = [models.Index(fields=["paper"], name="citationkeyalias_paper_idx")]

    def __str__(self):
        return f"{self.key} → #{self.paper_id}"


class DuplicateReason(models.TextChoices):
    IDENTIFIER = "identifier", "same DOI or arXiv id"
    TITLE = "title", "near-identical titles"
    ABSTRACT = "abstract", "same abstract"


class DuplicateStatus(models.TextChoices):
    OPEN = "open"
    DISMISSED = "dismissed", "not a duplicate"


class DuplicateCandidate(models.Model):
    """Two papers that may be one. A dismissed pair is remembered and never proposed again."""

    paper_a = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    paper_b = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=DuplicateReason.choices)
    similarity = models.FloatField()
    status = models.CharField(max_length=20, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-similarity", "id"]
        constraints = [
            models.UniqueConstraint(fields=["paper_a", "paper_b"], name="duplicatecandidate_unique_pair"),
            models.CheckConstraint(condition=Q(paper_a__lt=F("paper_b")), name="duplicatecandidate_ordered_pair"),
            models.CheckConstraint(condition=Q(similarity__gte=0, similarity__lte=1), name="duplicatecandidate_0_1"),
        ]
        indexes = [
            # the open queue
            models.Index(fields=["-similarity"], condition=Q(status="open"), name="duplicatecandidate_open_idx"),
            models.Index(fields=["paper_b"], name="duplicatecandidate_b_idx"),
        ]

    def __str__(self):
        return f"#{self.paper_a_id} ~ #{self.paper_b_id} ({self.get_reason_display()})"
