"""Work a curator starts from the admin and a worker runs: an import, an enrichment, tag
suggestions, a duplicate search (bibliography/jobs.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class JobKind(models.TextChoices):
    IMPORT = "import", "import a file"
    FIND_DUPLICATES = "find_duplicates", "find duplicates"
    SUGGEST_TAGS = "suggest_tags", "suggest tags"
    ENRICH = "enrich", "enrich from OpenAlex, Crossref and arXiv"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "waiting for the worker"
    RUNNING = "running", "running"
    SUCCEEDED = "succeeded", "done"
    FAILED = "failed", "failed"


class Job(models.Model):
    """One piece of work and what is known of it while it runs: its progress, its log, its result.
    A job a worker was running when it stopped (killed, a restart) is run again from the start: each
    step it takes is all or nothing (an import is one transaction), so nothing is left half-written."""

    kind = models.CharField(max_length=20, choices=JobKind.choices)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    file = models.FileField(upload_to="jobs/", max_length=500, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    options = models.JSONField(default=dict, blank=True)
    done = models.BigIntegerField(default=0, help_text="How far the work is, in `total`'s unit.")
    total = models.BigIntegerField(null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    log = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="When its worker last said it was alive.")

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(done__gte=0), name="job_done_not_negative"),
            models.CheckConstraint(
                condition=~Q(kind="import") | ~Q(file=""),
                name="job_import_has_a_file",
                violation_error_message="An import needs a file.",
            ),  # fmt: skip
        ]
        indexes = [
            # the worker's recovery reads the running jobs; the list shows the newest first (the pkey)
            models.Index(fields=["status"], name="job_unfinished_idx", condition=Q(status__in=["queued", "running"])),
        ]

    def __str__(self):
        what = self.get_kind_display()
        return f"#{self.pk} {what}: {self.file_name}" if self.file_name else f"#{self.pk} {what}"

    @property
    def percent(self) -> int | None:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return None
        return min(100, int(100 * self.done / self.total))
