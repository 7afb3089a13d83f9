"""Changelist filters that stay index-backed at a million papers (no DISTINCT over joins)."""

from django.contrib import admin

from bibliography.models import (
    Concept,
    ImportRun,
    Keyword,
    Paper,
    PaperConcept,
    PaperKeyword,
    ReviewStatus,
    SourceRecord,
)
from bibliography.text import whole_number


class ConceptFilter(admin.SimpleListFilter):
    """Papers tagged (and not rejected) with a concept or any concept below it."""

    title = "concept (with its descendants)"
    parameter_name = "concept"

    def lookups(self, request, model_admin):
        return [(c.pk, f"{c.name} ({c.kind})") for c in Concept.objects.order_by("kind", "name").only("name", "kind")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if not (chosen := whole_number(self.value())):
            return queryset
        return queryset.tagged_with([chosen], statuses=(ReviewStatus.ACCEPTED, ReviewStatus.SUGGESTED))


class KeywordFilter(admin.SimpleListFilter):
    """Papers with a keyword, chosen from the keyword list (its paper counts link here): a library
    may have a hundred thousand keywords, too many to offer in a sidebar."""

    title = "keyword"
    parameter_name = "keyword"

    def lookups(self, request, model_admin):
        chosen = whole_number(self.value())
        return [(k.pk, k.name) for k in Keyword.objects.filter(pk=chosen)] if chosen else []

    def queryset(self, request, queryset):
        if not (chosen := whole_number(self.value())):
            return queryset
        return queryset.filter(id__in=PaperKeyword.objects.filter(keyword_id=chosen).values("paper_id"))


class TagStatusFilter(admin.SimpleListFilter):
    title = "has a tag that is"
    parameter_name = "tag_status"

    def lookups(self, request, model_admin):
        return ReviewStatus.choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(id__in=PaperConcept.objects.filter(status=self.value()).values("paper_id"))


class YearFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Paper.objects.order_by("-year").values_list("year", flat=True).distinct()
        return [(year, year) for year in years if year is not None] + [("none", "unknown")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(year__isnull=True)
        if self.value():
            return queryset.filter(year=self.value())
        return queryset


class SourceFileFilter(admin.SimpleListFilter):
    title = "source file"
    parameter_name = "source_file"

    def lookups(self, request, model_admin):
        names = ImportRun.objects.filter(status="succeeded").order_by("file_name").values_list("file_name", flat=True)
        return [(name, name) for name in names.distinct()]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(id__in=SourceRecord.objects.filter(file_name=self.value()).values("paper_id"))
