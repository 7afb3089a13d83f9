"""Pairs of papers that may be one work, waiting for a curator's decision, and where the search for
them stands with each paper."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q

from bibliography.vocabulary import (
    DuplicateReason,
    DuplicateStatus,
)


class DuplicateCandidate(models.Model):
    """Two papers that may be one. A dismissed pair is remembered and never proposed again."""

    paper_a = models.ForeignKey("Paper", on_delete=models.CASCADE, related_name="+", db_index=False)
    paper_b = models.ForeignKey("Paper", on_delete=models.CASCADE, related_name="+", db_index=False)
    reason = models.CharField(max_length=20, choices=DuplicateReason.choices)
    similarity = models.FloatField()
    status = models.CharField(max_length=20, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-similarity", "id"]
        constraints = [
            models.UniqueConstraint(fields=["paper_a", "paper_b"], name="duplicatecandidate_unique_pair"),
            models.CheckConstraint(condition=Q(paper_a__lt=F("paper_b")), name="duplicatecandidate_ordered_pair"),
            models.CheckConstraint(condition=Q(similarity__gte=0, similarity__lte=1), name="duplicatecandidate_0_1"),
        ]
        indexes = [
            # the open queue
            models.Index(fields=["-similarity"], condition=Q(status="open"), name="duplicatecandidate_open_idx"),
            models.Index(fields=["paper_b"], name="duplicatecandidate_b_idx"),
        ]

    def __str__(self):
        return f"#{self.paper_a_id} ~ #{self.paper_b_id} ({self.get_reason_display()})"


class TitleSketch(models.Model):
    """A paper's title as the search for duplicates compares it: its band keys
    (bibliography/title_bands.py) and the folded title they were made of. An import writes its new
    papers' sketches, made beside the parsing; the search makes those of the other papers it takes
    from the queue (WaitingPaper). The database empties the sketch when the title changes (migrations
    0063 and 0065)."""

    paper = models.OneToOneField("Paper", on_delete=models.CASCADE, primary_key=True, related_name="+")
    bands = ArrayField(models.BigIntegerField(), null=True, blank=True)
    # how many distinct trigrams pg_trgm makes of the folded title, where title_bands can count them
    grams = models.SmallIntegerField(null=True, blank=True)
    # Paper.title_key again: the search compares the titles of papers sharing a key here, in a table a
    # fraction of the papers' size, and reads the two papers only for pairs whose titles are alike.
    title_key = models.CharField(max_length=1000, null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(grams__gte=0), name="titlesketch_grams_a_count"),
            models.CheckConstraint(
                condition=Q(bands__isnull=True, title_key__isnull=True)
                | Q(bands__isnull=False, title_key__isnull=False),
                name="titlesketch_keys_with_their_title",
            ),
        ]
        indexes = [
            # the papers whose look-alikes share one of these keys
            # a batch's keys go to the pending list, merged at once before the batch is compared
            # (duplicates.py), as a probe would otherwise read the whole list
            GinIndex(fields=["bands"], name="titlesketch_bands_idx"),
        ]

    def __str__(self):
        return f"#{self.paper_id}: {'no' if self.bands is None else len(self.bands)} bands"


class WaitingPaper(models.Model):
    """A paper the search for duplicates has not compared since it was written, or since its title,
    abstract or identifiers changed. The database adds the row, whichever door wrote the paper (an
    import's COPY, the API, the admin, a merge, raw SQL); the search deletes it once it has compared
    the paper. A row of its own, not a sketch without keys: an import can then write its papers'
    keys with them (into an index built once, on a large import), and they still wait."""

    paper = models.OneToOneField("Paper", on_delete=models.CASCADE, primary_key=True, related_name="+")

    def __str__(self):
        return f"#{self.paper_id} waits for the search for duplicates"
