"""Where records came from and what they were once called, read-only: import runs, the source
records tying papers to the lines of files, and the aliases merges and renames leave so that old
ids, slugs and keys still lead somewhere."""

from django.contrib import admin

from bibliography.formats.registry import FORMATS
from bibliography.models import AuthorAlias, CitationKeyAlias, ConceptAlias, ImportRun, PaperAlias, SourceRecord

from .pagination import EstimatedCountPaginator


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FormatFilter(admin.SimpleListFilter):
    """The formats of the registry, by the names people call them."""

    title = parameter_name = "format"

    def lookups(self, request, model_admin):
        return [(format.name, format.label) for format in FORMATS.values()]

    def queryset(self, request, queryset):
        return queryset.filter(format=self.value()) if self.value() else queryset


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "format_label", "status", "started_at", "records", "created", "updated", "unchanged"]
    list_filter = ["status", FormatFilter]
    search_fields = ["file_name", "sha256"]

    @admin.display(description="format", ordering="format")
    def format_label(self, run):
        return FORMATS[run.format].label if run.format in FORMATS else run.format


@admin.register(SourceRecord)
class SourceRecordAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "line_number", "paper", "listed", "import_run"]
    list_filter = ["file_name"]
    list_select_related = ["paper", "import_run"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False


@admin.register(PaperAlias)
class PaperAliasAdmin(ReadOnlyAdmin):
    list_display = ["old_id", "paper", "doi", "arxiv_id", "merged_at", "merged_by"]
    list_select_related = ["paper", "merged_by"]
    search_fields = ["=old_id", "doi", "arxiv_id"]


@admin.register(AuthorAlias)
class AuthorAliasAdmin(ReadOnlyAdmin):
    list_display = ["old_id", "name", "author", "merged_at", "merged_by"]
    list_select_related = ["author", "merged_by"]
    search_fields = ["=old_id", "name"]


@admin.register(ConceptAlias)
class ConceptAliasAdmin(ReadOnlyAdmin):
    list_display = ["slug", "concept", "created_at"]
    list_select_related = ["concept"]
    search_fields = ["=slug"]


@admin.register(CitationKeyAlias)
class CitationKeyAliasAdmin(ReadOnlyAdmin):
    list_display = ["key", "paper", "created_at"]
    list_select_related = ["paper"]
    search_fields = ["=key"]
