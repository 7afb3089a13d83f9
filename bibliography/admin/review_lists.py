"""What curators decide on, as Django's lists of every row, decided or not: tags and citations
(accepted or rejected in bulk), duplicate candidates (dismissed), proposals (read here, decided in
the review queues of review_queues.py, which show the undecided a paper at a time)."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from bibliography.duplicates import duplicate_dismiss
from bibliography.models import Citation, DuplicateCandidate, DuplicateStatus, PaperConcept, Proposal, ReviewStatus
from bibliography.tagging import decisions_set_status

from .pagination import EstimatedCountPaginator
from .provenance import ReadOnlyAdmin


class DecisionAdmin(SimpleHistoryAdmin):
    """Tags and citations: accept / reject through the same service as the API; who made one by hand."""

    actions = ["accept", "reject"]
    readonly_fields = ["created_by"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Accept selected", permissions=["change"])
    def accept(self, request, queryset):
        changed = decisions_set_status(rows=queryset, status=ReviewStatus.ACCEPTED, by=request.user)
        self.message_user(request, f"Accepted {changed}.", messages.SUCCESS)

    @admin.action(description="Reject selected", permissions=["change"])
    def reject(self, request, queryset):
        changed = decisions_set_status(rows=queryset, status=ReviewStatus.REJECTED, by=request.user)
        self.message_user(request, f"Rejected {changed}.", messages.SUCCESS)


@admin.register(PaperConcept)
class PaperConceptAdmin(DecisionAdmin):
    list_display = ["paper", "concept", "score", "source", "status", "updated_at"]
    list_filter = ["status", "source", "concept__kind"]
    list_select_related = ["paper", "concept"]
    autocomplete_fields = ["paper", "concept"]
    search_fields = ["concept__name"]


@admin.register(Citation)
class CitationAdmin(DecisionAdmin):
    list_display = ["citing", "cited", "status", "source", "intent", "context_excerpt"]
    list_filter = ["status", "source", "intent"]
    list_select_related = ["citing", "cited"]
    autocomplete_fields = ["citing", "cited"]

    @admin.display(description="context")
    def context_excerpt(self, citation):
        return citation.context[:120]


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(admin.ModelAdmin):
    list_display = ["paper_a_title", "paper_b_title", "reason", "similarity", "status", "decide"]
    list_filter = ["status", "reason"]
    list_select_related = ["paper_a", "paper_b"]
    readonly_fields = ["paper_a", "paper_b", "reason", "similarity", "status", "decided_by", "decided_at", "found_at"]
    actions = ["dismiss_selected"]

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/dismiss/",
                self.admin_site.admin_view(self.dismiss_view),
                name="bibliography_duplicatecandidate_dismiss",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="paper")
    def paper_a_title(self, candidate):
        return self._paper_link(candidate.paper_a)

    @admin.display(description="may be the same as")
    def paper_b_title(self, candidate):
        return self._paper_link(candidate.paper_b)

    def _paper_link(self, paper):
        url = reverse("admin:bibliography_paper_change", args=[paper.pk])
        return format_html('<a href="{}">#{} {}</a>', url, paper.pk, paper.plain_title)

    @admin.display(description="decide")
    def decide(self, candidate):
        if candidate.status != DuplicateStatus.OPEN:
            return candidate.get_status_display()
        merge = f"{reverse('admin:bibliography_paper_merge')}?ids={candidate.paper_a_id},{candidate.paper_b_id}"
        dismiss = reverse("admin:bibliography_duplicatecandidate_dismiss", args=[candidate.pk])
        return format_html(
            '<a class="button" href="{}">merge…</a> '
            '<button type="submit" class="button" formaction="{}" formmethod="post">not a duplicate</button>',
            merge,
            dismiss,
        )

    def dismiss_view(self, request, pk):
        if request.method != "POST" or not self.has_change_permission(request):
            return HttpResponseRedirect(reverse("admin:bibliography_duplicatecandidate_changelist"))
        candidate = get_object_or_404(DuplicateCandidate, pk=pk)
        duplicate_dismiss(candidate=candidate, by=request.user)
        self.message_user(request, f"{candidate}: marked as not a duplicate; it will not be proposed again.")
        return HttpResponseRedirect(reverse("admin:bibliography_duplicatecandidate_changelist") + "?status__exact=open")

    @admin.action(description="Not duplicates (never propose again)", permissions=["change"])
    def dismiss_selected(self, request, queryset):
        for candidate in queryset.filter(status=DuplicateStatus.OPEN):
            duplicate_dismiss(candidate=candidate, by=request.user)
        self.message_user(request, "Dismissed.", messages.SUCCESS)


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    """Every proposal with its outcome; they are decided in the review queue (/admin/review/proposals/)."""

    list_display = ["paper", "field", "shown", "source", "status", "created_at", "decided_by"]
    list_filter = ["status"]  # proposal_suggested_idx serves the undecided
    list_select_related = ["paper", "decided_by"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("bibliography.view_proposal")
