"""What people write about a paper: curators' notes and the key points of a talk."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import MD5, Left
from simple_history.models import HistoricalRecords

from bibliography.vocabulary import (
    SEARCH_CONFIG,
    SEARCHED_ABSTRACT_CHARS,
)


class Note(models.Model):
    """A curator's note on a paper (why it matters, what to check): searchable with the papers, kept
    with its history and its writer."""

    paper = models.ForeignKey("Paper", on_delete=models.CASCADE, related_name="notes", db_index=False)
    text = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=SearchVector(Left("text", SEARCHED_ABSTRACT_CHARS), config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["-paper_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""), name="note_text_not_blank", violation_error_message="A note needs some text."
            )
        ]
        indexes = [
            models.Index(fields=["paper"], name="note_paper_idx"),
            GinIndex(fields=["search_vector"], name="note_search_vector_idx"),
        ]

    def __str__(self):
        return self.text if len(self.text) <= 60 else self.text[:59] + "…"


class KeyPoint(models.Model):
    """One numbered point of a talk's summary."""

    paper = models.ForeignKey("Paper", on_delete=models.CASCADE, related_name="keypoints", db_index=False)
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1, "Key points are numbered from 1.")])
    text = models.TextField()
    concepts = models.ManyToManyField("Concept", blank=True, related_name="key_points")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-paper_id", "number"]
        constraints = [
            # deferred so that a curator can swap or renumber points in one save
            models.UniqueConstraint(
                fields=["paper", "number"], name="keypoint_unique_number", deferrable=models.Deferrable.DEFERRED
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="keypoint_number_from_one",
                violation_error_message="Key points are numbered from 1.",
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="keypoint_text_not_blank",
                violation_error_message="A key point needs some text.",
            ),
        ]
        indexes = [
            # a page of a talk seen before without its talk line is known by a key point's text
            models.Index(MD5("text"), "number", name="keypoint_text_idx"),
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:80]}"
