"""Pairs of papers that may be one work, waiting for a curator's decision."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from bibliography.vocabulary import (
    DuplicateReason,
    DuplicateStatus,
)


class DuplicateCandidate(models.Model):
    """Two papers that may be one. A dismissed pair is remembered and never proposed again."""

    paper_a = models.ForeignKey("Paper", on_delete=models.CASCADE, related_name="+")
    paper_b = models.ForeignKey("Paper", on_delete=models.CASCADE, related_name="+")
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
