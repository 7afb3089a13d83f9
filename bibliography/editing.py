"""Curators' edits of many papers at once. Each paper is saved on its own, so that its history says
who changed what, and its citation key follows its new year."""

from django.db import transaction
from django.db.models import QuerySet

from .citation_keys import keys_assign
from .dates import CslDate
from .models import Paper, Venue

# Above this many papers a bulk edit is refused: it would lock and rewrite a large share of the
# collection in one transaction, which an import (or a migration) does better.
AT_MOST = 10_000


class TooMany(ValueError):
    pass


@transaction.atomic
def papers_set(*, papers: QuerySet, venue: Venue | None = None, issued: CslDate | None = None, by=None) -> int:
    """Give these papers a venue and/or a date (the date replaces the year and day they had).
    Returns how many changed; papers that already had these values are left untouched."""
    ids = list(papers.order_by("pk").values_list("pk", flat=True)[: AT_MOST + 1])
    if len(ids) > AT_MOST:
        raise TooMany(f"at most {AT_MOST:,} papers at once: narrow the list first")
    changed = []
    for paper in Paper.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        before = (paper.venue_id, paper.issued)
        if venue is not None:
            paper.venue = venue
        if issued is not None:
            paper.issued, paper.year, paper.published_on = issued, None, None
        paper.settle()
        if (paper.venue_id, paper.issued) == before:
            continue
        paper._history_user = by
        paper._change_reason = "set for several papers at once"
        paper.save()
        changed.append(paper)
    keys_assign(changed)
    return len(changed)
