"""The review queues' pages: a paper at a time with what was suggested for it, each suggestion decided
in one click (or one key), bulk decisions after a page that lists what they change."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bibliography import reviewing
from bibliography.models import Citation, Concept, DuplicateCandidate, PaperConcept, Proposal
from bibliography.proposing import ProposalRefused


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
        model = reviewing.decided_model(kind, decision)
        if model is None:
            return HttpResponseBadRequest(
                "kind and decision: tag, citation or proposal with accept, reject or undo; duplicate with dismiss"
            )
        _require(request, "change", model)
        wants_json = request.accepts("application/json") and not request.accepts("text/html")
        try:
            decided = reviewing.suggestion_decide(kind=kind, pk=pk, decision=decision, by=request.user)
        except reviewing.Gone as gone:
            if model is DuplicateCandidate:  # Django's 404 page, as a pair always had; the others say why in JSON
                raise Http404(str(gone)) from gone
            return JsonResponse({"detail": str(gone)}, status=404)
        except ProposalRefused as refused:
            if wants_json:
                return JsonResponse({"detail": str(refused)}, status=409)
            messages.error(request, str(refused))
            return HttpResponseRedirect(_back(request, request.POST.get("anchor", "")))
        if wants_json:
            answer = {"kind": kind, "id": pk, "status": decided.status, "label": decided.label}
            return JsonResponse({**answer, "undoable": decided.undoable})
        messages.success(request, f"{kind.capitalize()} {pk}: {decided.label.lower()}.")
        return HttpResponseRedirect(_back(request, request.POST.get("anchor", "")))

    def confirm(self, request):
        """Bulk decisions: the page lists each suggestion the decision changes; confirming changes those,
        and only those still undecided (what the page showed, nothing added since)."""
        data = request.POST if request.method == "POST" else request.GET
        kind, decision = data.get("kind"), data.get("decision")
        if kind not in reviewing.KINDS or decision not in ("accept", "reject"):
            return HttpResponseBadRequest("kind: tag or citation; decision: accept or reject")
        _require(request, "change", reviewing.KINDS[kind])
        try:
            ids = sorted({int(pk) for pk in data.get("ids", "").split(",") if pk})
        except ValueError:
            return HttpResponseBadRequest("ids: numbers separated by commas")
        if len(ids) > reviewing.CONFIRM_AT_MOST:
            messages.warning(request, f"At most {reviewing.CONFIRM_AT_MOST} at once: narrow the selection.")
            return HttpResponseRedirect(_back(request))
        if request.method == "POST" and "confirm" in request.POST:
            changed = reviewing.suggestions_decide(kind=kind, ids=ids, decision=decision, by=request.user)
            verb = "Accepted" if decision == "accept" else "Rejected"
            messages.success(request, f"{verb} {changed} suggested {kind}s.")
            if changed < len(ids):
                messages.info(request, f"{len(ids) - changed} had been decided meanwhile and were left as they were.")
            return HttpResponseRedirect(_back(request))
        related = ("paper", "concept") if kind == "tag" else ("citing", "cited")
        listed = list(reviewing.still_suggested(kind, ids).select_related(*related).order_by(related[0], "id"))
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


admin.site.register_pages(ReviewQueues)
