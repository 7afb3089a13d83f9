from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from bibliography.models import Author, ImportRun, KeyPoint, PaperAlias, SourceRecord, Venue

from .pagination import EstimatedCountPaginator


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "year"]
    list_filter = ["kind", "year"]
    search_fields = ["name", "short_name"]


@admin.register(Author)
class AuthorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "orcid"]
    search_fields = ["name_key", "orcid"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        from bibliography import text

        key = text.name_key(search_term)
        if not key:
            return queryset, False
        return queryset.filter(name_key__trigram_word_similar=key) | queryset.filter(name_key__startswith=key), False


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
    paginator = EstimatedCountPaginator
    show_full_result_count = False


@admin.register(PaperAlias)
class PaperAliasAdmin(ReadOnlyAdmin):
    list_display = ["old_id", "paper", "doi", "arxiv_id", "merged_at", "merged_by"]
    list_select_related = ["paper", "merged_by"]
    search_fields = ["=old_id", "doi", "arxiv_id"]
