"""The paper admin: the list (searched by the API's search, ordered by relevance, a page of rows in
a few queries), the change form with its inlines, and the merge page's address; its bulk actions are
in paper_actions.py, its forms in paper_forms.py, its inlines in paper_inlines.py."""

from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Count, FloatField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from bibliography import attachments, reviewing, searching, text
from bibliography.citation_keys import keys_assign
from bibliography.duplicates import duplicates_note, lookalikes
from bibliography.history import paper_timeline
from bibliography.models import Attachment, Citation, Note, Paper, PaperAlias, PaperConcept, ReviewStatus
from bibliography.similar import similar_papers
from bibliography.text import whole_number

from .filters import (
    ConceptFilter,
    ItemTypeFilter,
    KeywordFilter,
    MonthFilter,
    SourceFileFilter,
    TagStatusFilter,
    YearFilter,
)
from .merge import merge_page
from .pagination import EstimatedCountPaginator
from .paper_actions import PaperActions
from .paper_forms import PaperForm
from .paper_inlines import (
    AttachmentInline,
    AuthorshipInline,
    CitedByInline,
    KeyPointInline,
    KeywordInline,
    NoteInline,
    PaperLinkInline,
    ReferenceInline,
    SourceRecordInline,
    TagInline,
)


def papers_as_typed(queryset, term: str):
    """Papers whose title starts so, or has a word like the one being typed: for autocomplete fields."""
    key = text.title_key(term)
    if not key:
        return queryset
    return queryset.filter(Q(title_key__startswith=key) | Q(title_key__trigram_word_similar=key))


LIKE = "like"


class RankedChangeList(ChangeList):
    """A searched list is ordered by relevance unless a column is chosen. Each row shows its first
    authors and its accepted tag count: both read for the page's rows only (a prefetch and a
    subquery the database runs after the LIMIT)."""

    def get_queryset(self, request, exclude_parameters=None):
        accepted = PaperConcept.objects.filter(paper=OuterRef("pk"), status=ReviewStatus.ACCEPTED)
        tag_count = accepted.order_by().values("paper").annotate(n=Count("*")).values("n")
        return (
            self._alike(request, super().get_queryset(request, exclude_parameters))
            .annotate(tag_count=Coalesce(Subquery(tag_count), 0))
            .prefetch_related(reviewing.first_authors_prefetch())
        )

    def _get_deterministic_ordering(self, ordering):
        """Ties broken by id in the sorted column's direction (Django adds `-pk` whatever the
        direction), so that each sortable column's (column, id) index reads a page of a million
        papers in order, either way, instead of sorting them."""
        if ordering and not any(str(field).lstrip("-") in ("pk", "id") for field in ordering):
            first = ordering[0]
            descending = first.startswith("-") if isinstance(first, str) else getattr(first, "descending", False)
            ordering = [*ordering, "-pk" if descending else "pk"]
        return super()._get_deterministic_ordering(ordering)

    def get_filters_params(self, params=None):
        return {name: value for name, value in super().get_filters_params(params).items() if name != LIKE}

    @staticmethod
    def _alike(request, papers):
        """`?like=12`: the papers like paper 12, most alike first (bibliography/similar.py), from the
        "Similar papers" link of a paper's page."""
        like = (pk := whole_number(request.GET.get(LIKE, ""))) and Paper.objects.filter(pk=pk).first()
        if like is None:
            return papers
        found = list(similar_papers(like).values_list("pk", "relevance"))
        ranks = [When(pk=pk, then=Value(relevance)) for pk, relevance in found]
        alike = papers.filter(pk__in=[pk for pk, _ in found])
        return alike.annotate(relevance=Case(*ranks, default=Value(0.0), output_field=FloatField())) if ranks else alike

    def get_ordering(self, request, queryset):
        if "relevance" in queryset.query.annotations and ORDER_VAR not in self.params:
            return ["-relevance", "-pk"]
        return super().get_ordering(request, queryset)


@admin.register(Paper)
class PaperAdmin(PaperActions, SimpleHistoryAdmin):
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
    # the columns a (column, id) index serves (models/papers.py); a venue's name or a flag would sort
    # a million papers for each page, and the filters choose those better
    sortable_by = ["display_title", "year", "cited_by_count", "updated_at"]
    list_filter = [
        "needs_review",
        "kind",
        ItemTypeFilter,
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
        "Titles, abstracts, authors, notes, the text of files and identifiers (a DOI or arXiv id as pasted): "
        'words, "a phrase", -excluded, or; the last word as a prefix'
    )
    form = PaperForm
    readonly_fields = ["year", "published_on", "cited_by_count", "created_at", "updated_at", "opened_at"]
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
        AttachmentInline,
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
        ("Identifiers", {"fields": ["doi", "arxiv_id", ("isbn", "issn"), "citation_key", "opened_at"]}),
        ("Files", {"fields": ["new_files"]}),
        ("Other fields", {"fields": ["extra", ("year", "published_on")], "classes": ["collapse"]}),
        ("Review", {"fields": ["needs_review", "review_reason"]}),
        ("Bookkeeping", {"fields": ["cited_by_count", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    object_history_template = "admin/bibliography/paper/history.html"

    class Media:
        css = {"all": ["bibliography/changelist.css", "bibliography/admin.css"]}
        js = ["bibliography/changelist.js", "bibliography/inline-cards.js"]

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
        for file in form.cleaned_data.get("new_files") or []:
            attachments.attach(form.instance, file, user=request.user)
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

    @admin.display(description="title", ordering="title_key")  # folded: case and accents aside
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

    @admin.display(description="open at")
    def opened_at(self, paper):
        """The paper where it is published, one click away: its DOI and its arXiv page (its links open
        from their rows)."""
        places = [(f"https://doi.org/{paper.doi}", f"doi.org/{paper.doi}")] if paper.doi else []
        if paper.arxiv_id:
            places.append((f"https://arxiv.org/abs/{paper.arxiv_id}", f"arxiv.org/abs/{paper.arxiv_id}"))
        published = format_html_join(" · ", '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', places)
        similar = reverse("admin:bibliography_paper_changelist") + f"?like={paper.pk}" if paper.pk else None
        if not similar:
            return published or "—"
        return format_html('{}{}<a href="{}">Similar papers</a>', published, " · " if published else "", similar)

    @admin.display(description="tags")  # not sortable: no index could serve that order
    def tags_accepted(self, paper):
        return paper.tag_count

    def get_search_results(self, request, queryset, search_term):
        if request.path.endswith("/autocomplete/"):
            return papers_as_typed(queryset, search_term), False
        found, search = searching.found(queryset, search_term)  # the API's search
        if search is None:
            return found, False
        matching, _ = search.counted(found) or searching.counted(found)
        ranks = searching.RANK_WINDOW if search.hits is None else searching.INDEX_WINDOW  # the index: its best
        if matching <= ranks:
            return search.ranked(found, expected=matching), False
        self.message_user(
            request,
            f"About {matching:,} papers match, listed newest first; a search with at most {ranks:,} "
            "matches lists them by relevance.",
            messages.INFO,
        )
        return found, False

    def get_changelist(self, request, **kwargs):
        return RankedChangeList

    def get_urls(self):
        return [
            path("merge/", self.admin_site.admin_view(self.merge_view), name="bibliography_paper_merge"),
            path("file/<int:pk>/", self.admin_site.admin_view(self.file_view), name="bibliography_paper_file"),
            *super().get_urls(),
        ]

    def file_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        attachment = Attachment.objects.defer("text").filter(pk=pk).first()
        if attachment is None:
            raise Http404("No such file.")
        return attachments.response(attachment)

    # the merge page ----------------------------------------------------------------------

    def merge_view(self, request):
        if not (self.has_change_permission(request) and self.has_delete_permission(request)):
            raise PermissionDenied
        return merge_page(self, request)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A save the form refuses writes nothing, not even the authors its typed names made."""
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic():
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if response.status_code == 200:  # the form again, with its errors
                transaction.set_rollback(True)
        return response

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        """A merged-away paper's old address leads to the paper it was merged into (looked up only
        when no paper has that id, so an ordinary page asks nothing more)."""
        if object_id.isascii() and object_id.isdigit():
            survivor = PaperAlias.objects.filter(old_id=int(object_id)).values_list("paper_id", flat=True).first()
            if survivor is not None:
                self.message_user(request, f"Paper #{object_id} was merged into this one.", messages.INFO)
                return HttpResponseRedirect(reverse("admin:bibliography_paper_change", args=[survivor]))
        return super()._get_obj_does_not_exist_redirect(request, opts, object_id)
