"""Filters of papers by name, shared by the API, the admin and the export command, each backed by an
index (named beside it).

The filters that name things (author, venue, keyword, concept, kind, item_type, year, doi, key)
take alternatives and negation as OpenAlex does: `concept=scaling|diffusion` is either,
`concept=!diffusion` is neither (`!a|b`: neither a nor b).
"""

import datetime
import operator
import re
from functools import reduce

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db import models
from django.db.models import Q
from django_filters import FilterSet
from django_filters.fields import IsoDateTimeField

from bibliography import identifiers, searching, syncing, text
from bibliography.models import (
    NAME_SEARCH_CONFIG,
    Author,
    Authorship,
    Citation,
    CitationKeyAlias,
    Concept,
    ItemType,
    Keyword,
    Paper,
    PaperConcept,
    PaperKeyword,
    PaperKind,
    ReviewStatus,
    Venue,
)
from bibliography.models.papers import tagged_paper_ids
from bibliography.names import forward


class BadParameter(ValueError):
    """A filter's value that cannot be used; `parameter` names the filter."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter, self.message = parameter, message


class StrictBooleanField(forms.Field):
    """true or false, also written 1/0 or yes/no; anything else is an error, not "no filter"."""

    TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}

    def to_python(self, value):
        if value in (None, ""):
            return None
        word = str(value).strip().lower()
        if word in self.TRUE | self.FALSE:
            return word in self.TRUE
        raise forms.ValidationError("must be true or false (or 1/0, yes/no)")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class WholeNumberField(forms.IntegerField):
    """Digits only: Django's IntegerField also reads `0.0` and ` 7 ` as numbers."""

    def to_python(self, value):
        if value not in self.empty_values and not re.fullmatch(r"-?[0-9]+", str(value)):
            raise forms.ValidationError("Enter a whole number.", code="invalid")
        return super().to_python(value)


class WholeNumberFilter(django_filters.NumberFilter):
    """A number that is whole: `year=0.5` is a 400, not year 0."""

    field_class = WholeNumberField


class MomentField(IsoDateTimeField):
    """An ISO 8601 moment, read in UTC: PostgreSQL takes offsets up to 15:59 and Python up to 23:59."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError("Enter a moment from year 1 to 9999 in UTC.", code="invalid") from None


class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = MomentField


class IdFilterSet(FilterSet):
    """The filters viewsets declare by field name: a record named by its id (`?paper=12`) is a number,
    so an id that names nothing finds nothing instead of failing as a wrong choice; counts are whole."""

    FILTER_DEFAULTS = {
        **FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": WholeNumberFilter},
        models.IntegerField: {"filter_class": WholeNumberFilter},
        models.PositiveIntegerField: {"filter_class": WholeNumberFilter},
        models.PositiveSmallIntegerField: {"filter_class": WholeNumberFilter},
        models.SmallIntegerField: {"filter_class": WholeNumberFilter},
    }

    def get_form_class(self):
        # No filter's form field depends on the request, so the form class is made once per filter set
        # class instead of for every request (1.5 ms of each API search); each form copies its fields.
        made = type(self).__dict__.get("_form_class")
        if made is None:
            made = super().get_form_class()
            type(self)._form_class = made
        return made


MAX_ALTERNATIVES = 50
_EITHER = " `a|b` for either, `!a` for not."


def alternatives(name: str, raw: str) -> tuple[bool, list[str]]:
    """`!a|b` read as (negated, [a, b])."""
    negated = raw.startswith("!")
    values = [value.strip() for value in raw.removeprefix("!").split("|")]
    if not all(values):
        raise BadParameter(name, f"{name}: an empty value between '|' (give e.g. {name}=a|b or {name}=!a)")
    if len(values) > MAX_ALTERNATIVES:
        raise BadParameter(name, f"{name}: at most {MAX_ALTERNATIVES} alternatives")
    return negated, values


class EitherFilter(django_filters.CharFilter):
    """A filter whose value may list alternatives (`a|b`) or be negated (`!a`); `one` gives the Q of
    one value (a method of the filterset, named `<field>_q`)."""

    def filter(self, queryset, value):
        if value in (None, ""):
            return queryset
        negated, values = alternatives(self.field_name, value)
        one = getattr(self.parent, f"{self.field_name}_q")
        matches = reduce(operator.or_, (one(v) for v in dict.fromkeys(values)))
        return queryset.exclude(matches) if negated else queryset.filter(matches)


class PaperFilter(IdFilterSet):
    author = EitherFilter(
        help_text="An author's id, full name, or a part of it (`liang`); any case or accents." + _EITHER
    )
    venue = EitherFilter(help_text="A venue's id, name or short name." + _EITHER)
    kind = EitherFilter(help_text=f"One of {', '.join(PaperKind.values)}." + _EITHER)
    item_type = EitherFilter(help_text="CSL's item type (`article-journal`, `book` …)." + _EITHER)
    keyword = EitherFilter(help_text="Papers with this keyword (as written; any case or accents match too)." + _EITHER)
    year = EitherFilter(help_text="A year." + _EITHER)  # paper_year_idx
    doi = EitherFilter(help_text="A DOI, as pasted (`https://doi.org/10.…` too)." + _EITHER)  # unique
    key = EitherFilter(help_text="A citation key, or an old key of the paper." + _EITHER)
    year_min = WholeNumberFilter(field_name="year", lookup_expr="gte")
    year_max = WholeNumberFilter(field_name="year", lookup_expr="lte")
    published_after = django_filters.DateFilter(field_name="published_on", lookup_expr="gte")  # paper_published_on_idx
    published_before = django_filters.DateFilter(field_name="published_on", lookup_expr="lte")
    concept = EitherFilter(
        help_text="A concept's slug, or its id as id:12; papers tagged with it or, unless include_descendants=false, "
        "any concept below it. Accepted tags unless tag_status says otherwise." + _EITHER,
    )
    include_descendants = StrictBooleanFilter(method="noop", help_text="With concept: default true.")
    tag_status = django_filters.ChoiceFilter(
        choices=ReviewStatus.choices, method="by_tag_status", help_text="Papers with a tag in this status."
    )
    needs_review = StrictBooleanFilter()  # paper_needs_review_idx
    has_abstract = StrictBooleanFilter(method="by_has_abstract")  # paper_without_abstract_idx
    cites = WholeNumberFilter(method="by_cites", help_text="Papers that cite this paper id (accepted).")
    cited_by = WholeNumberFilter(method="by_cited_by", help_text="Papers this paper id cites (accepted).")
    created_since = MomentFilter(field_name="created_at", lookup_expr="gte")  # paper_created_at_idx
    updated_since = MomentFilter(field_name="updated_at", lookup_expr="gte")  # paper_updated_at_idx
    since = WholeNumberFilter(
        method="by_since",
        help_text="Papers changed since this library version (the Last-Modified-Version header of an earlier "
        "list); /api/deleted/?since= gives those deleted.",
    )
    search = django_filters.CharFilter(  # the search ranks the papers it chose: self.text_search
        method="by_search",
        help_text='Full-text search (web-search syntax: words, "a phrase", -excluded, or), ranked.',
    )
    similar_to = django_filters.CharFilter(method="by_similar_title", help_text="Titles like this one (trigrams).")

    class Meta:
        model = Paper
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.text_search: searching.Search | None = None  # the search= that chose the papers, to rank them by

    def noop(self, queryset, name, value):
        return queryset

    def author_q(self, value: str) -> Q:
        if author_id := text.whole_number(value):
            authorships = Authorship.objects.filter(author_id=author_id)
        else:
            part = SearchQuery(value, search_type="plain", config=NAME_SEARCH_CONFIG)
            authors = Author.objects.filter(Q(name_key=text.name_key(forward(value))) | Q(search_vector=part))
            authorships = Authorship.objects.filter(author__in=authors.values("id"))  # author_search_vector_idx
        return Q(id__in=authorships.values("paper_id"))  # authorship_author_idx

    def keyword_q(self, value: str) -> Q:
        keywords = Keyword.objects.filter(Q(name=value) | Q(name_key=text.name_key(value)))  # unique, name_key
        return Q(id__in=PaperKeyword.objects.filter(keyword__in=keywords).values("paper_id"))  # paperkeyword_keyword

    def venue_q(self, value: str) -> Q:
        if venue_id := text.whole_number(value):
            return Q(venue_id=venue_id)
        return Q(venue__in=Venue.objects.filter(Q(name__iexact=value) | Q(short_name__iexact=value)))

    def kind_q(self, value: str) -> Q:
        if value not in PaperKind.values:
            raise BadParameter("kind", f"kind must be one of {', '.join(PaperKind.values)}, not {value!r}")
        return Q(kind=value)

    def item_type_q(self, value: str) -> Q:
        if value not in ItemType.values:
            raise BadParameter("item_type", f"item_type {value!r} is not one of CSL's item types")
        return Q(item_type=value)  # paper_item_type_idx

    def year_q(self, value: str) -> Q:
        year = text.whole_number(value)
        if year is None or not 1 <= year <= 9999:
            raise BadParameter("year", f"year must be a whole number like 2024, not {value!r}")
        return Q(year=year)

    def doi_q(self, value: str) -> Q:
        try:
            return Q(doi=identifiers.doi(value))
        except identifiers.NotAnIdentifier as error:
            raise BadParameter("doi", str(error)) from None

    def key_q(self, value: str) -> Q:
        aliased = CitationKeyAlias.objects.filter(key=value).values("paper_id")  # unique key
        return Q(citation_key=value) | Q(id__in=aliased)  # paper citation_key unique

    def concept_q(self, value: str) -> Q:
        concept = Concept.objects.find(value)
        if concept is None:
            raise BadParameter("concept", f"no concept with slug {value!r} (or give its id as id:12)")
        descendants = self.form.cleaned_data.get("include_descendants") is not False
        status = self.data.get("tag_status") or ReviewStatus.ACCEPTED
        return Q(id__in=tagged_paper_ids([concept.pk], descendants=descendants, statuses=[status]))

    def by_since(self, queryset, name, value):
        return syncing.changed_since(queryset, value)

    def by_tag_status(self, queryset, name, value):
        if self.data.get("concept"):
            return queryset  # the concept filter applies the status to that concept's tags
        return queryset.filter(id__in=PaperConcept.objects.filter(status=value).values("paper_id"))

    def by_has_abstract(self, queryset, name, value):
        return queryset.exclude(abstract="") if value else queryset.filter(abstract="")

    def by_cites(self, queryset, name, value):
        rows = Citation.objects.filter(cited_id=value, status=ReviewStatus.ACCEPTED)  # citation_cited_status_idx
        return queryset.filter(id__in=rows.values("citing_id"))

    def by_cited_by(self, queryset, name, value):
        rows = Citation.objects.filter(citing_id=value, status=ReviewStatus.ACCEPTED)  # citation_unique_pair
        return queryset.filter(id__in=rows.values("cited_id"))

    def by_search(self, queryset, name, value):
        papers, self.text_search = searching.found(queryset, value)  # the admin's search too
        return papers

    def by_similar_title(self, queryset, name, value):
        return queryset.similar_to(value)
