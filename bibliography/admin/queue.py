"""The review queues' pages: a paper at a time with what was suggested for it, each suggestion decided
in one click (or one key), bulk decisions after a page that lists what they change."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bibliography import reviewing
from bibliography.duplicates import duplicate_dismiss
from bibliography.models import (
    Citation,
    Concept,
    DuplicateCandidate,
    DuplicateStatus,
    PaperConcept,
    Proposal,
    ReviewStatus,
)
from bibliography.proposing import ProposalRefused, proposal_decide
from bibliography.tagging import decisions_set_status

# What a decision sets, by the button's value; "suggested" takes a decision back.
DECISIONS = {"accept": ReviewStatus.ACCEPTED, "reject": ReviewStatus.REJECTED, "undo": ReviewStatus.SUGGESTED}
KINDS = {"tag": PaperConcept, "citation": Citation}
CONFIRM_AT_MOST = 500


class ReviewQueues:
    """The queues' views, served by the curation site under /admin/review/."""

    def __init__(self, site):
        self.site = site

    def urls(self):
        view = self.site.admin_view
        return [
            path("review/tags/", view(self.tags), name="review_tags"),
            path("review/citations/", view(self.citations), name="review_citations"),
            path("review/proposals/", view(self.proposals), name="review_proposals"),
            path("review/duplicates/", view(self.duplicates), name="review_duplicates"),
            path("review/decide/", view(require_POST(self.decide)), name="review_decide"),
            path("review/confirm/", view(self.confirm), name="review_confirm"),
        ]

    def _render(self, request, template: str, title: str, **context):
        context = {**self.site.each_context(request), "title": title, "here": request.get_full_path(), **context}
        return render(request, f"admin/review/{template}", context)

    # the queues ---------------------------------------------------------------------------

    def tags(self, request):
        _require(request, "view", PaperConcept)
        concept = None
        if (concept_id := request.GET.get("concept", "")).isascii() and concept_id.isdigit():
            concept = Concept.objects.filter(pk=int(concept_id)).first()
        page = reviewing.suggested_tags_page(after=request.GET.get("after"), concept=concept)
        shown = [tag.pk for paper in page.items for tag in paper.suggestions]
        return self._render(
            request,
            "tags.html",
            f"Suggested tags of {concept}" if concept else "Suggested tags",
            page=page,
            concept=concept,
            shown=",".join(map(str, shown)),
            can_decide=_allowed(request, "change", PaperConcept),
        )

    def citations(self, request):
        _require(request, "view", Citation)
        page = reviewing.suggested_citations_page(after=request.GET.get("after"))
        shown = [c.pk for paper in page.items for c in paper.suggested_references]
        return self._render(
            request,
            "citations.html",
            "Suggested citations",
            page=page,
            shown=",".join(map(str, shown)),
            can_decide=_allowed(request, "change", Citation),
        )

    def proposals(self, request):
        _require(request, "view", Proposal)
        page = reviewing.proposals_page(after=request.GET.get("after"))
        return self._render(
            request,
            "proposals.html",
            "Proposed changes",
            page=page,
            can_decide=_allowed(request, "change", Proposal),
        )

    def duplicates(self, request):
        _require(request, "view", DuplicateCandidate)
        page = reviewing.duplicate_candidates_page(after=request.GET.get("after"))
        return self._render(
            request,
            "duplicates.html",
            "Possible duplicates",
            page=page,
            can_decide=_allowed(request, "change", DuplicateCandidate),
        )

    # decisions ----------------------------------------------------------------------------

    def decide(self, request):
        """One suggestion accepted, rejected or taken back; one candidate pair dismissed. Answers JSON
        to the queue's script, else goes back to the queue at the paper decided on."""
        kind, decision = request.POST.get("kind"), request.POST.get("decision")
        try:
            pk = int(request.POST.get("id", ""))
        except ValueError:
            return HttpResponseBadRequest("id: a number")
        undoable = True
        if kind == "duplicate" and decision == "dismiss":
            _require(request, "change", DuplicateCandidate)
            candidate = get_object_or_404(DuplicateCandidate, pk=pk)
            if candidate.status == DuplicateStatus.OPEN:
                duplicate_dismiss(candidate=candidate, by=request.user)
            status, label, undoable = candidate.status, "Not duplicates: never proposed again", False
        elif kind == "proposal" and decision in DECISIONS:
            _require(request, "change", Proposal)
            proposal = Proposal.objects.filter(pk=pk).first()
            if proposal is None:
                return JsonResponse({"detail": f"No proposal {pk}: its paper was deleted or merged."}, status=404)
            try:
                proposal_decide(proposal, decision, by=request.user)
            except ProposalRefused as refused:
                if request.accepts("application/json") and not request.accepts("text/html"):
                    return JsonResponse({"detail": str(refused)}, status=409)
                messages.error(request, str(refused))
                return HttpResponseRedirect(_back(request, request.POST.get("anchor", "")))
            proposal.refresh_from_db()
            status, label = proposal.status, ReviewStatus(proposal.status).label
            undoable = status == ReviewStatus.REJECTED  # an accepted value is the paper's: edit the paper to change it
        elif kind in KINDS and decision in DECISIONS:
            model = KINDS[kind]
            _require(request, "change", model)
            rows = model.objects.filter(pk=pk)
            if not rows.exists():
                return JsonResponse({"detail": f"No {kind} {pk}: deleted or merged meanwhile."}, status=404)
            decisions_set_status(rows=rows, status=DECISIONS[decision], by=request.user)
            status = rows.values_list("status", flat=True).get()
            label = ReviewStatus(status).label
        else:
            return HttpResponseBadRequest(
                "kind and decision: tag, citation or proposal with accept, reject or undo; duplicate with dismiss"
            )
        if request.accepts("application/json") and not request.accepts("text/html"):
            return JsonResponse({"kind": kind, "id": pk, "status": status, "label": label, "undoable": undoable})
        messages.success(request, f"{kind.capitalize()} {pk}: {label.lower()}.")
        return HttpResponseRedirect(_back(request, request.POST.get("anchor", "")))

    def confirm(self, request):
        """Bulk decisions: the page lists each suggestion the decision changes; confirming changes those,
        and only those still undecided (what the page showed, nothing added since)."""
        data = request.POST if request.method == "POST" else request.GET
        kind, decision = data.get("kind"), data.get("decision")
        if kind not in KINDS or decision not in ("accept", "reject"):
            return HttpResponseBadRequest("kind: tag or citation; decision: accept or reject")
        model = KINDS[kind]
        _require(request, "change", model)
        try:
            ids = sorted({int(pk) for pk in data.get("ids", "").split(",") if pk})
        except ValueError:
            return HttpResponseBadRequest("ids: numbers separated by commas")
        if len(ids) > CONFIRM_AT_MOST:
            messages.warning(request, f"At most {CONFIRM_AT_MOST} at once: narrow the selection.")
            return HttpResponseRedirect(_back(request))
        rows = model.objects.filter(pk__in=ids, status=ReviewStatus.SUGGESTED)
        if request.method == "POST" and "confirm" in request.POST:
            changed = decisions_set_status(rows=rows, status=DECISIONS[decision], by=request.user)
            verb = "Accepted" if decision == "accept" else "Rejected"
            messages.success(request, f"{verb} {changed} suggested {kind}s.")
            if changed < len(ids):
                messages.info(request, f"{len(ids) - changed} had been decided meanwhile and were left as they were.")
            return HttpResponseRedirect(_back(request))
        related = ("paper", "concept") if kind == "tag" else ("citing", "cited")
        listed = list(rows.select_related(*related).order_by(related[0], "id"))
        return self._render(
            request,
            "confirm.html",
            f"{decision.capitalize()} {len(listed)} suggested {kind}s",
            kind=kind,
            decision=decision,
            listed=listed,
            ids=",".join(str(row.pk) for row in listed),
            back=_back(request),
        )


def _allowed(request, action: str, model) -> bool:
    return request.user.has_perm(f"bibliography.{action}_{model._meta.model_name}")


def _require(request, action: str, model) -> None:
    if not _allowed(request, action, model):
        raise PermissionDenied


def _back(request, anchor: str = "") -> str:
    """Where the curator came from (a queue page or a list), never another site."""
    data = request.POST if request.method == "POST" else request.GET
    target = data.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:review_tags")
    return f"{target}#{anchor}" if anchor.replace("-", "").isalnum() else target
