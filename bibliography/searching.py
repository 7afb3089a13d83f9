"""Which matches of a full-text search get ranked.

Ranking (`ts_rank`) reads the full-text vector of every match, and for a word most papers contain
that is the whole table: seconds at a million papers. A ranked search therefore ranks the newest
RANK_WINDOW matches only (every match when there are fewer), plus any paper titled exactly as
searched. Finding those newest matches cheaply depends on how common the words are:

- common words (a large share of the papers match): read papers newest first and keep the matches;
  a couple of thousand rows in, the window is full;
- rarer words: that same walk would test tens of thousands of vectors (each a TOAST fetch) before
  filling the window, so instead intersect the full-text index with the newest slice of ids, a
  slice sized from the planner's estimate of how many papers match, and widen it if it was too
  narrow.
"""

import json

from django.db.models import F, Max, QuerySet

from bibliography import text

RANK_WINDOW = 2000
# Above this share of papers matching, walking newest first fills the window fastest.
COMMON_SHARE = 0.15


def rank_window(matches: QuerySet, search: str) -> list[int]:
    """Ids of the newest RANK_WINDOW of these matches (all when fewer), and of those titled exactly `search`."""
    window = RANK_WINDOW
    titled = list(matches.filter(title_key=text.title_key(search)).values_list("id", flat=True)[:10])
    newest_id = matches.model.objects.aggregate(newest=Max("id"))["newest"] or 0
    estimate = estimated_rows(matches)
    if estimate >= COMMON_SHARE * newest_id:
        ids = list(matches.order_by("-id").values_list("id", flat=True)[:window])  # pkey, read backwards
        return ids + titled
    span = 2 * window * newest_id / max(estimate, 1)
    while True:
        lowest = newest_id - span
        # `id + 0`: sorted after the fact, so the planner intersects the full-text index with the id
        # range instead of walking the primary key and testing every vector on the way.
        in_slice = matches.filter(id__gt=lowest).annotate(newest=F("id") + 0).order_by("-newest")
        ids = list(in_slice.values_list("id", flat=True)[:window])
        if len(ids) >= window or lowest <= 0:
            return ids + titled
        span *= 4


def estimated_rows(queryset: QuerySet) -> float:
    """The planner's estimate of how many rows the queryset has (0 for one Django knows is empty)."""
    plan = queryset.order_by().values("pk").explain(format="json")  # blank for a query known to be empty
    return json.loads(plan)[0]["Plan"]["Plan Rows"] if plan else 0
