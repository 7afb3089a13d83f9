"""Changelist filters that stay index-backed at a million papers (no DISTINCT over joins)."""

import datetime

from django.contrib import admin

from bibliography.models import (
    Concept,
    ImportRun,
    ItemType,
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
    template = "admin/bibliography/paper/searchable_filter.html"

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


class ItemTypeFilter(admin.SimpleListFilter):
    """The types the library uses (two or three of CSL's 45), not every type a paper could have."""

    title = "type"
    parameter_name = "item_type__exact"

    def lookups(self, request, model_admin):
        labels = dict(ItemType.choices)
        return [(item_type, labels[item_type]) for item_type in Paper.objects.item_types()]

    def queryset(self, request, queryset):
        return queryset.filter(item_type=self.value()) if self.value() in ItemType.values else queryset


class YearFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return [(year, year) for year in Paper.objects.years()] + [("none", "unknown")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(year__isnull=True)
        if year := whole_number(self.value()):
            return queryset.filter(year=year)
        return queryset


class MonthFilter(admin.SimpleListFilter):
    """The year's months that have papers with a full date: offered once a year is chosen, so the
    dates read are one year's (paper_published_on_idx), never the whole collection's."""

    title = "month"
    parameter_name = "month"

    def lookups(self, request, model_admin):
        year = whole_number(request.GET.get(YearFilter.parameter_name))
        if not year or not 1 <= year <= 9999:
            return []
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        months = Paper.objects.filter(published_on__range=(start, end)).dates("published_on", "month")
        return [(m.month, m.strftime("%B")) for m in months]

    def queryset(self, request, queryset):
        year, month = whole_number(request.GET.get(YearFilter.parameter_name)), whole_number(self.value())
        if not (year and month and 1 <= year <= 9999 and 1 <= month <= 12):
            return queryset
        start = datetime.date(year, month, 1)
        end = (start + datetime.timedelta(days=31)).replace(day=1)
        return queryset.filter(published_on__gte=start, published_on__lt=end)


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
