from django.contrib import admin, messages
from django.db import IntegrityError, transaction
from simple_history.admin import SimpleHistoryAdmin

from bibliography.models import Concept, ConceptRelation


class ParentInline(admin.TabularInline):
    model = ConceptRelation
    fk_name = "child"
    autocomplete_fields = ["parent"]
    extra = 0
    verbose_name, verbose_name_plural = "parent", "parents"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")


class ChildInline(admin.TabularInline):
    model = ConceptRelation
    fk_name = "parent"
    autocomplete_fields = ["child"]
    extra = 0
    verbose_name, verbose_name_plural = "child", "children"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("child")


@admin.register(Concept)
class ConceptAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "slug", "papers", "papers_with_descendants"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ParentInline, ChildInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_paper_counts()

    def save_formset(self, request, form, formset, change):
        # Each new edge passes its own check; two edges saved together can still close a cycle,
        # which the database trigger refuses. Keep the rest of the save and say why.
        try:
            with transaction.atomic():
                super().save_formset(request, form, formset, change)
        except IntegrityError as error:
            if "would create a cycle" not in str(error):
                raise
            message = str(error).splitlines()[0]
            self.message_user(request, f"Not saved: {message}.", messages.ERROR)

    @admin.display(description="papers", ordering="paper_count")
    def papers(self, concept):
        return concept.paper_count

    @admin.display(description="with descendants", ordering="paper_count_with_descendants")
    def papers_with_descendants(self, concept):
        return concept.paper_count_with_descendants


@admin.register(ConceptRelation)
class ConceptRelationAdmin(SimpleHistoryAdmin):
    list_display = ["parent", "child"]
    list_select_related = ["parent", "child"]
    autocomplete_fields = ["parent", "child"]
    search_fields = ["parent__name", "child__name"]
