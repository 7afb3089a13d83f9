"""Keeping a copy of the library in step: which papers changed or went since a client's last look.

A paper's version is the id of the last transaction that changed it or a row its document shows
(set by the database's triggers: the paper's own row in `Paper.version`, migration 0046, the rows it
shows in `PaperVersion`, migration 0067; VERSION is the later of the two). The library version a client is given is the
oldest transaction still running when it read: every change it has not seen is made by that one or
a later one, so `version >= since` misses nothing, whatever order transactions commit in (it may
repeat a change the client saw, which a copy applies twice harmlessly).
"""

import datetime

from django.db import connections, router
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from .models import Deletion, IdempotentRequest, Paper, PaperAlias, PaperVersion

KEPT = datetime.timedelta(days=1)


def library_version() -> int:
    """The version to ask `since=` with next time: taken before the read it goes with, on the database
    that read uses. A replica's own snapshot has a change it has not replayed yet after it; the
    primary's would have it before, and the copy would never be sent it."""
    with connections[router.db_for_read(Paper)].cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        return cursor.fetchone()[0]


VERSION = Greatest(
    F("version"), Coalesce(Subquery(PaperVersion.objects.filter(paper=OuterRef("pk")).values("version")), Value(0))
)


# Above this many changes of either kind, a page of changes is found by walking the list's own order
# rather than by hashing every change again for each page.
FEW_CHANGES = 10_000


def changed_since(papers, version: int):
    """Those of these papers changed since that version. Few changes are read from their versions'
    indexes (paper_version_idx, paperversion_version_idx); many (a copy brought up to date after
    months, or from the start) are tested paper by paper in the list's order, each page going on
    from the last: hashing a million changes for each page of a hundred took 1.2 s a page."""
    own = Paper.objects.filter(version__gte=version).order_by().values("pk")
    shown = PaperVersion.objects.filter(version__gte=version).values("paper_id")
    if not own[FEW_CHANGES:].exists() and not shown[FEW_CHANGES:].exists():
        return papers.filter(pk__in=own.union(shown, all=True))
    return papers.filter(Q(version__gte=version) | Exists(shown.filter(paper=OuterRef("pk"))))


def version_of(paper_id: int) -> int:
    return Paper.objects.filter(pk=paper_id).values_list(VERSION, flat=True).get()


def deleted_since(version: int):
    """Papers deleted (or merged into another) since then, oldest first, with what they became."""
    became = PaperAlias.objects.filter(old_id=OuterRef("record_id")).values("paper_id")[:1]
    return Deletion.objects.filter(version__gte=version).annotate(merged_into=Subquery(became))


def idempotent_claim(user, key: str, fingerprint: str) -> IdempotentRequest:
    """The request this key names: an earlier one, answered (waiting for it if it is still being
    answered), or this one, claimed until its transaction ends. Keys are kept for a day."""
    IdempotentRequest.objects.filter(created_at__lt=timezone.now() - KEPT).delete()
    claim, _ = IdempotentRequest.objects.get_or_create(user=user, key=key, defaults={"fingerprint": fingerprint})
    return claim
