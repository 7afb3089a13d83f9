from django import template
from django.urls import reverse

from bibliography.models import Citation, DuplicateCandidate, DuplicateStatus, Paper, PaperConcept, ReviewStatus

register = template.Library()


@register.inclusion_tag("admin/review_queue.html")
def review_queue():
    """The curators' to-do list with counts; each count is served by a partial index."""
    papers = reverse("admin:bibliography_paper_changelist")
    return {
        "queues": [
            ("Papers that need review", Paper.objects.needing_review().count(), f"{papers}?needs_review__exact=1"),
            (
                "Papers with suggested tags",
                PaperConcept.objects.filter(status=ReviewStatus.SUGGESTED).values("paper_id").distinct().count(),
                f"{papers}?tag_status=suggested",
            ),
            (
                "Suggested citations",
                Citation.objects.filter(status=ReviewStatus.SUGGESTED).count(),
                f"{reverse('admin:bibliography_citation_changelist')}?status__exact=suggested",
            ),
            (
                "Possible duplicates",
                DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN).count(),
                f"{reverse('admin:bibliography_duplicatecandidate_changelist')}?status__exact=open",
            ),
        ]
    }
