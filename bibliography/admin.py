from django.contrib import admin
from django.contrib.postgres.search import SearchQuery

from .models import (
    SEARCH_CONFIG,
    Author,
    Authorship,
    Citation,
    Concept,
    ConceptRelation,
    ImportRun,
    KeyPoint,
    Paper,
    PaperConcept,
    PaperLink,
    SourceRecord,
    Venue,
)

admin.site.site_header = "Bibliography curation"
admin.site.site_title = "Bibliography"
admin.site.index_title = "Curation"


class FullTextSearchMixin:
    """Searches the model's `search_vector` with websearch syntax instead of ILIKE scans."""

    search_fields = ["title"]  # makes the admin show its search box; the lookup is replaced below

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        query = SearchQuery(search_term, search_type="websearch", config=SEARCH_CONFIG)
        return queryset.filter(search_vector=query), False


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    autocomplete_fields = ["author"]
    extra = 0
    ordering = ["position"]


class PaperLinkInline(admin.TabularInline):
    model = PaperLink
    extra = 0


class KeyPointInline(admin.TabularInline):
    model = KeyPoint
    extra = 0
    autocomplete_fields = ["concepts"]


class TagInline(admin.TabularInline):
    model = PaperConcept
    fk_name = "paper"
    autocomplete_fields = ["concept"]
    readonly_fields = ["created_by", "created_at"]
    extra = 0


class SourceRecordInline(admin.TabularInline):
    model = SourceRecord
    fields = ["file_name", "line_number", "listed", "import_run"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "year"]
    list_filter = ["kind", "year"]
    search_fields = ["name", "short_name"]


@admin.register(Paper)
class PaperAdmin(FullTextSearchMixin, admin.ModelAdmin):
    list_display = ["display_title", "kind", "venue", "year", "needs_review", "cited_by_count", "updated_at"]
    list_filter = ["needs_review", "kind", "venue"]
    list_select_related = ["venue"]
    readonly_fields = ["cited_by_count", "created_at", "updated_at"]
    autocomplete_fields = ["venue"]
    show_full_result_count = False
    inlines = [AuthorshipInline, TagInline, PaperLinkInline, KeyPointInline, SourceRecordInline]
    fieldsets = [
        (None, {"fields": ["title", "abstract", "kind", "venue", ("published_on", "year")]}),
        ("Identifiers", {"fields": ["doi", "arxiv_id"]}),
        ("Review", {"fields": ["needs_review", "review_reason"]}),
        ("Bookkeeping", {"fields": ["cited_by_count", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.display(description="title", ordering="title")
    def display_title(self, paper):
        return paper.display_title


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "orcid"]
    search_fields = ["name", "name_key", "orcid"]
    show_full_result_count = False


class ParentRelationInline(admin.TabularInline):
    model = ConceptRelation
    fk_name = "child"
    autocomplete_fields = ["parent"]
    extra = 0
    verbose_name = "parent"
    verbose_name_plural = "parents"


class ChildRelationInline(admin.TabularInline):
    model = ConceptRelation
    fk_name = "parent"
    autocomplete_fields = ["child"]
    extra = 0
    verbose_name = "child"
    verbose_name_plural = "children"


@admin.register(Concept)
class ConceptAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ParentRelationInline, ChildRelationInline]


@admin.register(ConceptRelation)
class ConceptRelationAdmin(admin.ModelAdmin):
    list_display = ["parent", "child"]
    list_select_related = ["parent", "child"]
    autocomplete_fields = ["parent", "child"]
    search_fields = ["parent__name", "child__name"]


@admin.register(PaperConcept)
class PaperConceptAdmin(admin.ModelAdmin):
    list_display = ["paper", "concept", "score", "source", "status", "updated_at"]
    list_filter = ["status", "source"]
    list_select_related = ["paper", "concept"]
    autocomplete_fields = ["paper", "concept"]
    readonly_fields = ["created_by"]
    show_full_result_count = False


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["citing", "cited", "status", "source", "intent"]
    list_filter = ["status", "source", "intent"]
    list_select_related = ["citing", "cited"]
    autocomplete_fields = ["citing", "cited"]
    readonly_fields = ["created_by"]
    show_full_result_count = False


@admin.register(KeyPoint)
class KeyPointAdmin(admin.ModelAdmin):
    list_display = ["paper", "number", "text"]
    list_select_related = ["paper"]
    search_fields = ["text"]
    autocomplete_fields = ["paper", "concepts"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "format", "status", "started_at", "records", "created", "updated", "unchanged"]
    list_filter = ["status", "format"]
    search_fields = ["file_name", "sha256"]


@admin.register(SourceRecord)
class SourceRecordAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "line_number", "paper", "listed", "import_run"]
    list_filter = ["file_name"]
    list_select_related = ["paper", "import_run"]
    show_full_result_count = False
