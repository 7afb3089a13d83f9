"""What a client keeping a copy of the library needs besides the papers' versions: the deletions."""

from django.conf import settings
from django.db import models


class Deletion(models.Model):
    """A paper deleted or merged away, written by the database (migration 0046) as it goes, so that
    `/api/deleted/?since=` tells a client's copy which papers to drop."""

    record_id = models.BigIntegerField(help_text="The deleted paper's id.")
    version = models.BigIntegerField(help_text="The deleting transaction's id (see Paper.version).")
    deleted_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["version", "id"], name="deletion_version_idx")]

    def __str__(self):
        return f"paper {self.record_id} deleted at {self.deleted_at:%Y-%m-%d %H:%M}"


class IdempotentRequest(models.Model):
    """A create sent with an `Idempotency-Key`: the answer it got, given again to a retry of it, so
    that a client whose connection dropped can send it again without making a second record."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="The path and body it was sent with.")
    status = models.PositiveSmallIntegerField(null=True)
    answer = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotentrequest_unique_key")]
        indexes = [models.Index(fields=["created_at"], name="idempotentrequest_created_idx")]

    def __str__(self):
        return f"{self.key} ({self.status})"
