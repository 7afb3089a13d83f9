"""Curators' decisions on tags and citations, and tagging papers by hand. Called by the admin and the API."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet

from .models import Citation, Concept, Paper, PaperConcept, ReviewStatus, Source


@transaction.atomic
def papers_tag(*, papers: Iterable[Paper], concept: Concept, by=None, score: float | None = None) -> tuple[int, int]:
    """Tag papers with a concept as a curator would: new tags are manual and accepted; a paper that
    already has the concept gets its tag accepted. Returns (created, accepted)."""
    paper_ids = sorted(p.pk for p in papers)
    # Two curators tagging the same paper at once queue here (in id order, so they cannot deadlock)
    # instead of both finding no tag and both inserting it.
    list(Paper.objects.select_for_update().filter(pk__in=paper_ids).order_by("pk").values_list("pk", flat=True))
    existing = {
        t.paper_id: t for t in PaperConcept.objects.select_for_update().filter(paper_id__in=paper_ids, concept=concept)
    }
    accepted = 0
    for tag in existing.values():
        if tag.status != ReviewStatus.ACCEPTED:
            tag.status = ReviewStatus.ACCEPTED
            tag._history_user = by
            tag.save(update_fields=["status", "updated_at"])
            accepted += 1
    created = 0
    for paper_id in paper_ids:
        if paper_id not in existing:
            tag = PaperConcept(
                paper_id=paper_id,
                concept=concept,
                score=score,
                source=Source.MANUAL,
                status=ReviewStatus.ACCEPTED,
                created_by=by,
            )
            tag._history_user = by
            tag.save()
            created += 1
    return created, accepted


@transaction.atomic
def decisions_set_status(*, rows: QuerySet, status: ReviewStatus, by=None) -> int:
    """Accept or reject tags or citations (a queryset of either). Returns how many changed.

    Each row is saved on its own so that its history says who decided; the cited_by_count
    trigger keeps citation counts right.
    """
    assert rows.model in (PaperConcept, Citation)
    changed = 0
    for row in rows.select_for_update(of=("self",)).exclude(status=status):
        row.status = status
        row._history_user = by
        row.save(update_fields=["status", "updated_at"])
        changed += 1
    return changed


@transaction.atomic
def papers_mark_reviewed(*, papers: QuerySet, by=None) -> tuple[int, int]:
    """Clear the review flag. Untitled papers stay flagged: a title is what their review is for.
    Returns (marked, skipped)."""
    marked = skipped = 0
    for paper in papers.select_for_update(of=("self",)).filter(needs_review=True):
        if not paper.title:
            skipped += 1
            continue
        paper.needs_review, paper.review_reason = False, ""
        paper._history_user = by
        paper._change_reason = "marked reviewed"
        paper.save()
        marked += 1
    return marked, skipped


@transaction.atomic
def papers_untag(*, papers: Iterable[Paper], concept: Concept, by=None) -> int:
    """Take a concept off these papers, whatever its tags' status; the history keeps each removed tag.
    Returns how many tags were removed."""
    paper_ids = sorted(p.pk for p in papers)
    removed = 0
    tags = PaperConcept.objects.select_for_update().filter(paper_id__in=paper_ids, concept=concept).order_by("id")
    for tag in tags:
        tag._history_user = by
        tag.delete()
        removed += 1
    return removed
