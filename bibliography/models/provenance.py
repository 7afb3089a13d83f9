"""Where every record came from: one import run per file imported, and one source record per
appearance of a paper in a file (its line, its hash, the listing's date)."""

import calendar

from django.db import models
from django.db.models import Q

from bibliography.vocabulary import ImportStatus


class ImportRun(models.Model):
    """One file imported once: what it was, how it went, what it changed."""

    file_name = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    # the format's name in bibliography/formats/registry.py, the only list of formats: no choices here, so
    # that a new format needs no migration
    format = models.CharField(max_length=20, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ImportStatus.choices)
    records = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["sha256"], name="importrun_sha256_idx")]

    def __str__(self):
        return f"{self.file_name} ({self.started_at:%Y-%m-%d %H:%M}, {self.status})"


class SourceRecord(models.Model):
    """One appearance of a paper in an imported file: which file, which line, and the record's own hash."""

    import_run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="source_records")
    # looked up through sourcerecord_unique_appearance, which begins with it
    paper = models.ForeignKey("Paper", on_delete=models.CASCADE, related_name="sources", db_index=False)
    file_name = models.CharField(max_length=500)
    line_number = models.PositiveIntegerField()
    raw_hash = models.CharField(max_length=64)
    listed_month = models.PositiveSmallIntegerField(null=True, blank=True)
    listed_day = models.PositiveSmallIntegerField(null=True, blank=True)
    listed_on = models.DateField(null=True, blank=True, help_text="The full listing date, once its year is known.")

    class Meta:
        ordering = ["-paper_id", "file_name", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "file_name", "raw_hash"], name="sourcerecord_unique_appearance"),
            models.CheckConstraint(
                condition=Q(listed_month__isnull=True) | Q(listed_month__range=(1, 12)), name="sourcerecord_month"
            ),
            models.CheckConstraint(
                condition=Q(listed_day__isnull=True) | Q(listed_day__range=(1, 31)), name="sourcerecord_day"
            ),
        ]
        indexes = [
            # the admin's "source file" filter
            models.Index(fields=["file_name", "paper"], name="sourcerecord_file_idx"),
            # an imported record seen before is the paper it became then (import matching)
            models.Index(fields=["raw_hash"], name="sourcerecord_raw_hash_idx"),
        ]

    def __str__(self):
        return f"{self.file_name}:{self.line_number}"

    @property
    def listed(self) -> str:
        """The listing date as given: 'Mar 20' when the year is unknown."""
        if self.listed_on:
            return self.listed_on.strftime("%b %-d, %Y")
        if self.listed_month and self.listed_day:
            return f"{calendar.month_abbr[self.listed_month]} {self.listed_day}"
        return ""
