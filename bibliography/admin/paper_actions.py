"""The paper list's bulk actions: tag or untag with a concept, set a venue or date, decide suggested
tags (through the review queue's confirmation page), mark reviewed, merge, and export in every
format; each calls the service the API and the commands call."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from bibliography import reviewing
from bibliography.editing import AT_MOST, TooMany, papers_set
from bibliography.exporting import export_chunks
from bibliography.formats.registry import EXPORT_FORMATS
from bibliography.models import PaperConcept, ReviewStatus
from bibliography.tagging import papers_mark_reviewed, papers_tag, papers_untag
from bibliography.text import count_of

from .paper_forms import ConceptChoiceForm, VenueOrDateForm


def export_action(format_name: str):
    """An action that downloads the selected papers (all of a filtered list, with "select all") in a
    reference manager's format, written as the export command writes them, in bounded memory."""
    fmt = EXPORT_FORMATS[format_name]

    def export(modeladmin, request, queryset):
        response = StreamingHttpResponse(export_chunks(queryset, fmt), content_type=f"{fmt.media_type}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="papers.{fmt.extension}"'
        return response

    export.__name__ = f"export_{format_name}"
    return admin.action(description=f"Export as {fmt.label}", permissions=["view"])(export)


class PaperActions:
    """The actions of PaperAdmin, which it mixes in with a ModelAdmin."""

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

    @admin.action(description="Tag with a concept…", permissions=["change"])
    def tag_with_concept(self, request, queryset):
        def apply(concept):
            created, accepted = papers_tag(papers=queryset, concept=concept, by=request.user)
            made, kept = count_of(created, "new tag"), count_of(accepted, "existing tag")
            return f"Tagged with “{concept}”: {made}, {kept} accepted."

        intro = (
            f"Tag {_these(len(queryset))} with a concept. New tags are manual and accepted; a paper "
            "that already carries the concept has its tag accepted."
        )
        return self._with_concept(request, queryset, "tag_with_concept", "Tag papers with a concept", intro, apply)

    @admin.action(description="Remove a concept…", permissions=["change"])
    def remove_concept(self, request, queryset):
        def apply(concept):
            removed = papers_untag(papers=queryset, concept=concept, by=request.user)
            return f"Removed “{concept}” from {count_of(removed, 'paper')} (the history keeps the tags)."

        intro = f"Take a concept off {_these(len(queryset))}, whatever its tags' status."
        return self._with_concept(request, queryset, "remove_concept", "Remove a concept from papers", intro, apply)

    @admin.action(description="Set venue or date…", permissions=["change"])
    def set_venue_or_date(self, request, queryset):
        def apply(data):
            try:
                changed = papers_set(papers=queryset, venue=data["venue"], issued=data["issued"], by=request.user)
            except TooMany as error:
                return f"Nothing changed: {error}."
            return f"Changed {count_of(changed, 'paper')} (the others already had these values)."

        if (shown := queryset[: AT_MOST + 1].count()) > AT_MOST:
            self.message_user(request, f"At most {AT_MOST:,} papers at once: narrow the list first.", messages.WARNING)
            return None
        intro = f"Give {_these(shown)} a venue, a date, or both. Each paper's history keeps what it had."
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
        self.message_user(request, f"Marked {count_of(marked, 'paper')} reviewed.", messages.SUCCESS)
        if skipped:
            untitled = f"{count_of(skipped, 'untitled paper')} still {'needs' if skipped == 1 else 'need'}"
            self.message_user(request, f"{untitled} a title first.", messages.WARNING)

    @admin.action(description="Merge duplicates into one…", permissions=["change", "delete"])
    def merge_papers(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.order_by("pk").values_list("pk", flat=True))
        return HttpResponseRedirect(f"{reverse('admin:bibliography_paper_merge')}?ids={ids}")


def _these(n: int) -> str:
    return "this paper" if n == 1 else f"these {n:,} papers"
