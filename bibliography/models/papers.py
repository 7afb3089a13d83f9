"""Papers: the record itself, its queries, links, keywords, and the ids and keys it was known by before."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField, TrigramSimilarity, TrigramWordSimilarity
from django.db import connection, models
from django.db.models import F, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, ExtractYear, Greatest, Left, Lower
from django.db.models.lookups import Exact
from simple_history.models import HistoricalRecords

from bibliography import dates, richtext, text
from bibliography.vocabulary import (
    ARXIV_ID_PATTERN,
    CITATION_KEY_PATTERN,
    SEARCH_CONFIG,
    SEARCHED_ABSTRACT_CHARS,
    ItemType,
    LinkKind,
    PaperKind,
    ReviewStatus,
)

from .concepts import Concept, PaperConcept
from .expressions import date_key
from .people import Authorship
from .venues import PLAUSIBLE_YEAR, Venue

# Paper columns the database's triggers keep (migrations 0003 and 0046)
DATABASE_KEPT = {"cited_by_count", "version"}


class JsonType(models.Func):
    function = "jsonb_typeof"
    output_field = models.CharField()


def tagged_paper_ids(concept_ids, *, descendants: bool = True, statuses=(ReviewStatus.ACCEPTED,)):
    """The ids of papers tagged with these concepts (or any below them) in these statuses, as a subquery."""

    if descendants:
        concept_ids = Concept.objects.descendants_of(list(concept_ids)).values("id")
    tags = PaperConcept.objects.filter(concept__in=concept_ids, status__in=statuses)  # paperconcept_concept_idx
    return tags.values("paper_id")


SCHEMES = ("id", "doi", "arxiv", "key")  # how a paper is named: identifiers.paper_reference


_YEARS = """
    WITH RECURSIVE years(year) AS (
        (SELECT year FROM bibliography_paper WHERE year IS NOT NULL ORDER BY year DESC LIMIT 1)
        UNION ALL
        SELECT (SELECT p.year FROM bibliography_paper p WHERE p.year < years.year ORDER BY p.year DESC LIMIT 1)
        FROM years WHERE years.year IS NOT NULL
    )
    SELECT year FROM years WHERE year IS NOT NULL
"""


_TYPES_IN_USE = """
    SELECT t FROM unnest(%s::text[]) WITH ORDINALITY AS types(t, n)
    WHERE EXISTS (SELECT FROM bibliography_paper WHERE item_type = types.t) ORDER BY n
"""


class PaperQuerySet(models.QuerySet):
    def needing_review(self):
        return self.filter(needs_review=True)

    def for_listing(self):
        """With what a list of papers shows: venue, authors in order, links and accepted concepts."""

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

    def similar_to(self, title: str):
        """Papers titled like this, most alike first (trigrams of the folded titles)."""
        key = text.title_key(title)
        if not key:  # no words: no title is like it
            return self.none().annotate(relevance=models.Value(0.0, output_field=models.FloatField()))
        return self.filter(title_key__trigram_similar=key).annotate(  # paper_title_key_trgm_idx
            relevance=Greatest(TrigramSimilarity("title_key", key), TrigramWordSimilarity(key, "title_key"))
        )

    def years(self) -> list[int]:
        """The years the library's papers have, newest first, read by skipping from one year to the next
        down paper_year_idx (a loose index scan): one probe per year, where DISTINCT reads every
        paper's year (a million index entries at a million papers). Of the whole table."""
        with connection.cursor() as cursor:
            cursor.execute(_YEARS)
            return [year for (year,) in cursor.fetchall()]

    def item_types(self) -> list[str]:
        """The CSL types the library's papers have: one probe of paper_item_type_idx per CSL type."""
        with connection.cursor() as cursor:
            cursor.execute(_TYPES_IN_USE, [list(ItemType.values)])
            return [item_type for (item_type,) in cursor.fetchall()]

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
        ).order_by().values_list("pk", "doi", "arxiv_id", "citation_key")  # fmt: skip
        found = {}
        for pk, doi, arxiv, key in rows:
            found |= {("id", pk): pk, ("doi", doi): pk, ("arxiv", arxiv): pk, ("key", key): pk}
        if follow:
            old_ids = PaperAlias.objects.filter(old_id__in=wanted["id"]).order_by().values_list("old_id", "paper_id")
            old_keys = CitationKeyAlias.objects.filter(key__in=wanted["key"]).order_by().values_list("key", "paper_id")
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
        help_text="Made here and not used yet: made again when what it is made from changes, until an export, "
        "a curator or a script fixes it (old keys stay aliases).",
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
    # The id of the transaction that last wrote the paper's own row (migration 0046; a row its document
    # shows: PaperVersion), which the API's `since=` compares with a client's library version.
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
            # matching and duplicates by folded title; (column, id): a list sorted by it (admin/papers.py)
            models.Index(fields=["title_key", "id"], name="paper_title_key_idx"),
            # near-identical titles (duplicates, similar_to, autocomplete) by trigram similarity
            GinIndex(fields=["title_key"], opclasses=["gin_trgm_ops"], name="paper_title_key_trgm_idx"),
            models.Index(fields=["abstract_key"], name="paper_abstract_key_idx"),
            # an arXiv DOI (10.48550/arxiv.<id>, lower case) and the e-print it names (duplicates.py)
            models.Index(Lower("arxiv_id"), name="paper_arxiv_id_lower_idx"),
            GinIndex(fields=["search_vector"], name="paper_search_vector_idx"),
            models.Index(fields=["id"], condition=Q(needs_review=True), name="paper_needs_review_idx"),
            models.Index(fields=["year", "id"], name="paper_year_idx"),
            models.Index(fields=["created_at", "id"], name="paper_created_at_idx"),
            models.Index(fields=["updated_at", "id"], name="paper_updated_at_idx"),
            models.Index(fields=["cited_by_count", "id"], name="paper_cited_by_count_idx"),
            models.Index(date_key(), F("id"), name="paper_date_key_idx"),  # the API's ordering=date
            # what changed since a client's copy (`since=`)
            models.Index(fields=["version", "id"], name="paper_version_idx"),
            models.Index(fields=["id"], condition=Q(abstract=""), name="paper_without_abstract_idx"),
            models.Index(fields=["published_on"], name="paper_published_on_idx"),
            models.Index(fields=["item_type"], name="paper_item_type_idx"),
            # import matching of books by ISBN
            models.Index(fields=["isbn_key"], condition=~Q(isbn_key=""), name="paper_isbn_key_idx"),
            # the works OpenAlex references name (bibliography/importers/citations.py, references_add)
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

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="links", db_index=False)  # unique pair
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

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="paper_keywords", db_index=False)  # unique
    keyword = models.ForeignKey(Keyword, on_delete=models.CASCADE, related_name="paper_keywords", db_index=False)  # idx
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


class CitationKeyAlias(models.Model):
    """A citation key a paper is also known by, so that documents citing it keep working: the key of
    a paper merged into this one, or of a second entry of an imported file that was this paper."""

    key = models.CharField(max_length=100, unique=True, db_collation="C")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="key_aliases", db_index=False)
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
