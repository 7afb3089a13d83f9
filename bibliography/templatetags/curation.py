"""Template helpers of the curation pages: the review queue's counts, a paper's first authors, pairs."""

from django import template
from django.urls import reverse

from bibliography import overview, reviewing, searching
from bibliography.models import (
    Citation,
    DuplicateCandidate,
    DuplicateStatus,
    Paper,
    PaperConcept,
    Proposal,
    ReviewStatus,
)

register = template.Library()


@register.inclusion_tag("admin/review_queue.html")
def review_queue():
    """The curators' to-do list with counts; each is served by a partial index and stops counting at
    searching.EXACT_COUNT_LIMIT (the planner's estimate above it, shown as "about")."""
    suggested = ReviewStatus.SUGGESTED
    queues = [
        (
            "Papers that need review",
            Paper.objects.needing_review(),
            f"{reverse('admin:bibliography_paper_changelist')}?needs_review__exact=1",
        ),
        (
            "Papers with suggested tags",
            Paper.objects.filter(pk__in=PaperConcept.objects.filter(status=suggested).values("paper_id")),
            reverse("admin:review_tags"),
        ),
        ("Suggested citations", Citation.objects.filter(status=suggested), reverse("admin:review_citations")),
        ("Proposed changes", Proposal.objects.filter(status=suggested), reverse("admin:review_proposals")),
        (
            "Possible duplicates",
            DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN),
            reverse("admin:review_duplicates"),
        ),
    ]
    return {"queues": [(label, *searching.counted(rows), url) for label, rows, url in queues]}


@register.inclusion_tag("admin/library_charts.html")
def library_charts():
    """Charts of the whole library (bibliography/overview.py), in a few bounded queries."""
    numbers = overview.library_overview()
    return {"overview": numbers, "any_estimated": any(row["estimated"] for row in numbers["years"])}


@register.filter
def first_authors(paper: Paper) -> str:
    return reviewing.first_authors_named(paper)


@register.filter
def pair(first, second) -> tuple:
    """Two things to show side by side with one loop: a duplicate candidate's papers."""
    return first, second
