from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from simple_history.admin import SimpleHistoryAdmin

from bibliography import dates, identifiers, reviewing, searching, text
from bibliography.citation_keys import keys_assign
from bibliography.duplicates import duplicates_note, lookalikes
from bibliography.editing import AT_MOST, TooMany, papers_set
from bibliography.exporting import export_chunks
from bibliography.formats.registry import EXPORT_FORMATS
from bibliography.history import paper_timeline
from bibliography.models import (
    Authorship,
    Citation,
    Concept,
    ImportFormat,
    KeyPoint,
    Note,
    Paper,
    PaperAlias,
    PaperConcept,
    PaperKeyword,
    PaperLink,
    ReviewStatus,
    Source,
    SourceRecord,
    Venue,
)
from bibliography.tagging import papers_mark_reviewed, papers_tag, papers_untag
from bibliography.text import whole_number

from .autocomplete import LabelledChoicesFormSet, LabelledChoicesInline
from .filters import ConceptFilter, KeywordFilter, MonthFilter, SourceFileFilter, TagStatusFilter, YearFilter
from .merge import merge_page
from .pagination import EstimatedCountPaginator


def papers_as_typed(queryset, term: str):
    """Papers whose title starts so, or has a word like the one being typed: for autocomplete fields."""
    key = text.title_key(term)
    if not key:
        return queryset
    return queryset.filter(Q(title_key__startswith=key) | Q(title_key__trigram_word_similar=key))


def export_action(format_name: str):
    """An action that downloads the selected papers (all of a filtered list, with "select all") in a
    reference manager's format, written as the export command writes them, in bounded memory."""
    fmt = EXPORT_FORMATS[format_name]

    def export(modeladmin, request, queryset):
        response = StreamingHttpResponse(export_chunks(queryset, fmt), content_type=f"{fmt.media_type}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="papers.{fmt.extension}"'
        return response

    export.__name__ = f"export_{format_name}"
    return admin.action(description=f"Export as {ImportFormat(format_name).label}", permissions=["view"])(export)


class RankedChangeList(ChangeList):
    """A searched list is ordered by relevance unless a column is chosen. Each row shows its first
    authors and its accepted tag count: both read for the page's rows only (a prefetch and a
    subquery the database runs after the LIMIT)."""

    def get_queryset(self, request, exclude_parameters=None):
        accepted = PaperConcept.objects.filter(paper=OuterRef("pk"), status=ReviewStatus.ACCEPTED)
        tag_count = accepted.order_by().values("paper").annotate(n=Count("*")).values("n")
        return (
            super()
            .get_queryset(request, exclude_parameters)
            .annotate(tag_count=Coalesce(Subquery(tag_count), 0))
            .prefetch_related(reviewing.first_authors_prefetch())
        )

    def get_ordering(self, request, queryset):
        if "relevance" in queryset.query.annotations and ORDER_VAR not in self.params:
            return ["-relevance", "-pk"]
        return super().get_ordering(request, queryset)


class AuthorshipForm(forms.ModelForm):
    credited_as = forms.CharField(
        required=False,
        max_length=300,
        help_text="The name as this paper gives it, when not the author's own (blank: the author's name).",
    )

    class Meta:
        model = Authorship
        fields = ["author", "position", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credited_as"].initial = (self.instance.credited or {}).get("name", "")

    def save(self, commit=True):
        authorship = super().save(commit=False)
        credited = self.cleaned_data.get("credited_as")
        if credited != (authorship.credited or {}).get("name", "") or "author" in self.changed_data:
            authorship.credit_as(credited)
        if commit:
            authorship.save()
        return authorship


class AuthorshipInline(LabelledChoicesInline):
    model = Authorship
    form = AuthorshipForm
    fields = ["author", "position", "role", "credited_as"]
    autocomplete_fields = ["author"]
    extra = 0
    ordering = ["position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")  # each row's title names its author


class KeywordInline(LabelledChoicesInline):
    model = PaperKeyword
    fields = ["keyword", "position"]
    autocomplete_fields = ["keyword"]
    extra = 0
    ordering = ["position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("keyword")


class DateField(forms.CharField):
    """A date as precise as it is known, typed as EDTF: 2020, 2020-03, 2020-03-15, 2020-21 (spring),
    2020-06-14/2020-06-19, 2020~ (circa)."""

    def prepare_value(self, value):
        return dates.edtf(value) if isinstance(value, dict) else value

    def to_python(self, value):
        try:
            return dates.parse_edtf(value or "")
        except dates.DateError as error:
            raise forms.ValidationError(f"{error}; write a date as 2020, 2020-03, 2020-03-15 or 2020-21") from error


class PaperForm(forms.ModelForm):
    issued = DateField(label="Date", required=False, help_text=DateField.__doc__)
    accessed = DateField(required=False, help_text="When the URL was read (EDTF, like the date).")

    class Meta:
        model = Paper
        fields = ["issued", "accessed", "extra"]  # the admin adds the fieldsets' others
        widgets = {"extra": forms.Textarea(attrs={"rows": 3})}

    def clean_doi(self):
        return self._identifier("doi", identifiers.doi)

    def clean_arxiv_id(self):
        return self._identifier("arxiv_id", identifiers.arxiv_id)

    def _identifier(self, field: str, read) -> str | None:
        """The identifier as pasted (an address, a prefix, a version) read as itself; one another
        paper has is an error that links to that paper."""
        try:
            value = read(self.cleaned_data.get(field))
        except identifiers.NotAnIdentifier as error:
            raise forms.ValidationError(f"{error}.") from error
        other = Paper.objects.filter(**{field: value}).exclude(pk=self.instance.pk).first() if value else None
        if other is not None:
            url = reverse("admin:bibliography_paper_change", args=[other.pk])
            raise forms.ValidationError(
                format_html('<a href="{}">{}</a> has this identifier: merge the two papers instead.', url, other)
            )
        return value

    def validate_unique(self):
        exclude = self._get_validation_exclusions() | {"doi", "arxiv_id"}  # checked above, naming the paper
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)


class CuratorsDecisionInline(LabelledChoicesInline):
    """Tags and citations a curator adds by hand: accepted and manual unless they say otherwise, and
    attributed to them (PaperAdmin.save_formset)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        initial = {"status": ReviewStatus.ACCEPTED, "source": Source.MANUAL}
        if db_field.name in initial:
            kwargs["initial"] = initial[db_field.name]
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class TagInline(CuratorsDecisionInline):
    model = PaperConcept
    fk_name = "paper"
    fields = ["concept", "score", "source", "status", "created_by"]
    autocomplete_fields = ["concept"]
    readonly_fields = ["created_by"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("concept", "created_by")


class CitationInlineFormSet(LabelledChoicesFormSet):
    """Refuses a paper citing itself on the row, in words: the database's check would be a 500 here,
    since the form never sees the paper it is inlined under."""

    def clean(self):
        super().clean()
        other = "cited" if self.fk.name == "citing" else "citing"
        for form in self.forms:
            chosen = form.cleaned_data.get(other) if form.cleaned_data else None
            if chosen is not None and self.instance.pk is not None and chosen.pk == self.instance.pk:
                form.add_error(other, "A paper cannot cite itself: choose another paper.")


class ReferenceInline(CuratorsDecisionInline):
    model = Citation
    formset = CitationInlineFormSet
    fk_name = "citing"
    verbose_name, verbose_name_plural = "reference", "references (papers this one cites)"
    fields = ["cited", "status", "source", "intent", "context"]
    autocomplete_fields = ["cited"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cited")


class CitedByInline(CuratorsDecisionInline):
    model = Citation
    formset = CitationInlineFormSet
    fk_name = "cited"
    verbose_name, verbose_name_plural = "citing paper", "cited by"
    fields = ["citing", "status", "source", "intent", "context"]
    autocomplete_fields = ["citing"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("citing")


class PaperLinkInline(admin.TabularInline):
    model = PaperLink
    extra = 0
    # a link typed without a scheme is https (Django 6's default, chosen now)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class KeyPointInline(LabelledChoicesInline):
    model = KeyPoint
    extra = 0
    autocomplete_fields = ["concepts"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "class": "fits-content"})}}

    class Media:
        css = {"all": ["bibliography/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("concepts")


class NoteInline(admin.StackedInline):
    """Curators' notes: written here, signed and dated by the admin, found by the paper search."""

    model = Note
    fields = ["text", "created_by", "updated_at"]
    readonly_fields = ["created_by", "updated_at"]
    extra = 0
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "class": "fits-content note"})}
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


class SourceRecordInline(admin.TabularInline):
    model = SourceRecord
    verbose_name_plural = "provenance (where this paper was imported from)"
    fields = ["file_name", "line_number", "listed", "import_run"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("import_run")


class ConceptChoiceForm(forms.Form):
    concept = forms.ModelChoiceField(
        queryset=Concept.objects.all(),
        widget=AutocompleteSelect(PaperConcept._meta.get_field("concept"), admin.site),
    )


class VenueOrDateForm(forms.Form):
    venue = forms.ModelChoiceField(
        queryset=Venue.objects.all(),
        required=False,
        widget=AutocompleteSelect(Paper._meta.get_field("venue"), admin.site),
        help_text="Blank: each paper keeps its venue.",
    )
    issued = DateField(
        label="Date", required=False, help_text="Blank: each paper keeps its date. " + (DateField.__doc__ or "")
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("venue") is None and cleaned.get("issued") is None and not self.errors:
            raise forms.ValidationError("Choose a venue, a date, or both.")
        return cleaned


@admin.register(Paper)
class PaperAdmin(SimpleHistoryAdmin):
    list_display = [
        "display_title",
        "first_authors",
        "year",
        "venue",
        "identifiers",
        "tags_accepted",
        "cited_by_count",
        "needs_review",
        "updated_at",
    ]
    list_filter = [
        "needs_review",
        "kind",
        "item_type",
        YearFilter,
        MonthFilter,
        "venue",
        ConceptFilter,
        KeywordFilter,
        TagStatusFilter,
        SourceFileFilter,
    ]
    list_select_related = ["venue"]
    search_fields = ["title"]  # shows the search box; get_search_results does the searching
    search_help_text = (
        'Titles, abstracts, authors, notes and identifiers (a DOI or arXiv id as pasted): words, "a phrase", '
        "-excluded, or; "
        "the last word as a prefix"
    )
    form = PaperForm
    readonly_fields = ["year", "published_on", "cited_by_count", "created_at", "updated_at"]
    autocomplete_fields = ["venue"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    inlines = [
        AuthorshipInline,
        KeywordInline,
        TagInline,
        ReferenceInline,
        CitedByInline,
        KeyPointInline,
        NoteInline,
        PaperLinkInline,
        SourceRecordInline,
    ]
    fieldsets = [
        (None, {"fields": ["title", "title_short", "abstract", ("item_type", "kind"), "venue", "issued"]}),
        (
            "Publication",
            {
                "fields": [
                    ("volume", "issue", "page"),
                    ("number", "edition", "genre"),
                    ("publisher", "publisher_place"),
                    ("collection_title", "collection_number"),
                    ("event_title", "event_place"),
                    ("language", "accessed"),
                    "authors_truncated",
                    "note",
                ]
            },
        ),
        ("Identifiers", {"fields": ["doi", "arxiv_id", ("isbn", "issn"), "citation_key"]}),
        ("Other fields", {"fields": ["extra", ("year", "published_on")], "classes": ["collapse"]}),
        ("Review", {"fields": ["needs_review", "review_reason"]}),
        ("Bookkeeping", {"fields": ["cited_by_count", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    actions = [
        "tag_with_concept",
        "remove_concept",
        "set_venue_or_date",
        "accept_suggested_tags",
        "reject_suggested_tags",
        "mark_reviewed",
        "merge_papers",
        *(export_action(name) for name in EXPORT_FORMATS),
    ]

    object_history_template = "admin/bibliography/paper/history.html"

    class Media:
        css = {"all": ["bibliography/changelist.css"]}
        js = ["bibliography/changelist.js"]

    def history_view(self, request, object_id, extra_context=None):
        """The paper's changes with those of its authors, tags, citations and key points, in words."""
        paper = Paper.objects.filter(pk=whole_number(object_id) or 0).first()
        timeline = paper_timeline(paper) if paper is not None else []
        return super().history_view(request, object_id, {**(extra_context or {}), "timeline": timeline})

    def save_formset(self, request, form, formset, change):
        if formset.model in (PaperConcept, Citation, Note):
            for row in formset.forms:
                if row.instance.pk is None and row.has_changed():
                    row.instance.created_by = request.user
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        keys_assign([form.instance])  # with its authors saved: the key is made from the first one's name
        self._warn_of_lookalikes(request, form.instance)

    def _warn_of_lookalikes(self, request, paper):
        """A paper saved that looks like another is said so, with links to both and to merging them;
        the pair joins the curators' queue of possible duplicates."""
        found = lookalikes(paper)
        if not found:
            return
        duplicates_note(paper, found)
        merge = reverse("admin:bibliography_paper_merge")
        links = format_html_join(
            "; ",
            '<a href="{}">#{} {}</a> ({}, <a href="{}?ids={},{}">merge…</a>)',
            (
                (reverse("admin:bibliography_paper_change", args=[other.pk]), other.pk, other.plain_title, why, merge,
                 min(paper.pk, other.pk), max(paper.pk, other.pk))
                for other, why in found
            ),
        )  # fmt: skip
        self.message_user(request, format_html("This paper looks like {}: if they are one, merge them.", links),
                          messages.WARNING)  # fmt: skip

    @admin.display(description="title", ordering="title")
    def display_title(self, paper):
        return paper.plain_title

    @admin.display(description="authors")
    def first_authors(self, paper):
        return reviewing.first_authors_named(paper)

    @admin.display(description="DOI / arXiv")
    def identifiers(self, paper):
        return format_html_join(
            " ", '<span class="identifier">{}</span>', ((i,) for i in (paper.doi, paper.arxiv_id) if i)
        )

    @admin.display(description="tags")  # not sortable: no index could serve that order
    def tags_accepted(self, paper):
        return paper.tag_count

    def get_search_results(self, request, queryset, search_term):
        if request.path.endswith("/autocomplete/"):
            return papers_as_typed(queryset, search_term), False
        found = queryset.search(search_term)  # the API's search (bibliography/searching.py)
        if found._search is None:
            return found, False
        matching, _ = searching.counted(found)
        if matching <= searching.RANK_WINDOW:
            return found.ranked(expected=matching), False
        self.message_user(
            request,
            f"About {matching:,} papers match, listed newest first; a search with at most {searching.RANK_WINDOW:,} "
            "matches lists them by relevance.",
            messages.INFO,
        )
        return found, False

    def get_changelist(self, request, **kwargs):
        return RankedChangeList

    def get_urls(self):
        return [
            path("merge/", self.admin_site.admin_view(self.merge_view), name="bibliography_paper_merge"),
            *super().get_urls(),
        ]

    # actions --------------------------------------------------------------------------------

    @admin.action(description="Tag with a concept…", permissions=["change"])
    def tag_with_concept(self, request, queryset):
        def apply(concept):
            created, accepted = papers_tag(papers=queryset, concept=concept, by=request.user)
            return f"Tagged with “{concept}”: {created} new tags, {accepted} existing tags accepted."

        intro = (
            f"Tag these {len(queryset)} papers with a concept. New tags are manual and accepted; a paper "
            "that already carries the concept has its tag accepted."
        )
        return self._with_concept(request, queryset, "tag_with_concept", "Tag papers with a concept", intro, apply)

    @admin.action(description="Remove a concept…", permissions=["change"])
    def remove_concept(self, request, queryset):
        def apply(concept):
            removed = papers_untag(papers=queryset, concept=concept, by=request.user)
            return f"Removed “{concept}” from {removed} papers (their tags are in the history)."

        intro = f"Take a concept off these {len(queryset)} papers, whatever its tags' status."
        return self._with_concept(request, queryset, "remove_concept", "Remove a concept from papers", intro, apply)

    @admin.action(description="Set venue or date…", permissions=["change"])
    def set_venue_or_date(self, request, queryset):
        def apply(data):
            try:
                changed = papers_set(papers=queryset, venue=data["venue"], issued=data["issued"], by=request.user)
            except TooMany as error:
                return f"Nothing changed: {error}."
            return f"Changed {changed} papers (the others already had these values)."

        if (shown := queryset[: AT_MOST + 1].count()) > AT_MOST:
            self.message_user(request, f"At most {AT_MOST:,} papers at once: narrow the list first.", messages.WARNING)
            return None
        intro = f"Give these {shown} papers a venue, a date, or both. Each paper's history keeps what it had."
        title = "Set the venue or date of papers"
        return self._with_form(request, queryset, "set_venue_or_date", title, intro, VenueOrDateForm, apply)

    def _with_concept(self, request, queryset, action: str, title: str, intro: str, apply):
        """An action on the selected papers and a concept chosen on a page that lists them."""
        return self._with_form(
            request, queryset, action, title, intro, ConceptChoiceForm, lambda data: apply(data["concept"])
        )

    def _with_form(self, request, queryset, action: str, title: str, intro: str, form_class, apply):
        """An action on the selected papers with a form filled on a page that lists them."""
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self.message_user(request, apply(form.cleaned_data), messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "papers": queryset,
            "form": form,
            "media": self.media + form.media,
            "opts": self.model._meta,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/bibliography/paper/bulk_form.html", context)

    @admin.action(description="Accept their suggested tags…", permissions=["change"])
    def accept_suggested_tags(self, request, queryset):
        return self._decide_suggested_tags(request, queryset, "accept")

    @admin.action(description="Reject their suggested tags…", permissions=["change"])
    def reject_suggested_tags(self, request, queryset):
        return self._decide_suggested_tags(request, queryset, "reject")

    def _decide_suggested_tags(self, request, queryset, decision: str):
        """The tags are listed on a confirmation page first (the review queue's): a decision applies
        to what the curator saw."""
        tags = PaperConcept.objects.filter(paper__in=queryset, status=ReviewStatus.SUGGESTED).order_by("id")
        ids = list(tags.values_list("id", flat=True)[: reviewing.CONFIRM_AT_MOST + 1])
        if not ids:
            self.message_user(request, "None of these papers has a suggested tag.", messages.INFO)
            return None
        if len(ids) > reviewing.CONFIRM_AT_MOST:
            self.message_user(
                request,
                f"These papers have over {reviewing.CONFIRM_AT_MOST} suggested tags: choose fewer papers.",
                messages.WARNING,
            )
            return None
        query = urlencode(
            {"kind": "tag", "decision": decision, "ids": ",".join(map(str, ids)), "next": request.get_full_path()}
        )
        return HttpResponseRedirect(f"{reverse('admin:review_confirm')}?{query}")

    @admin.action(description="Mark reviewed", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        marked, skipped = papers_mark_reviewed(papers=queryset, by=request.user)
        self.message_user(request, f"Marked {marked} papers reviewed.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} untitled papers still need a title first.", messages.WARNING)

    @admin.action(description="Merge duplicates into one…", permissions=["change", "delete"])
    def merge_papers(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.order_by("pk").values_list("pk", flat=True))
        return HttpResponseRedirect(f"{reverse('admin:bibliography_paper_merge')}?ids={ids}")

    # the merge page ----------------------------------------------------------------------

    def merge_view(self, request):
        if not (self.has_change_permission(request) and self.has_delete_permission(request)):
            raise PermissionDenied
        return merge_page(self, request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A merged-away paper's old address leads to the paper it was merged into."""
        if object_id.isascii() and object_id.isdigit() and not Paper.objects.filter(pk=object_id).exists():
            survivor = PaperAlias.objects.filter(old_id=int(object_id)).values_list("paper_id", flat=True).first()
            if survivor is not None:
                self.message_user(request, f"Paper #{object_id} was merged into this one.", messages.INFO)
                return HttpResponseRedirect(reverse("admin:bibliography_paper_change", args=[survivor]))
        return super().change_view(request, object_id, form_url, extra_context)
