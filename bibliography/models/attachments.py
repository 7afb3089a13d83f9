"""Files kept with a paper (its PDF, slides, data), with the text read from them for the search."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Left
from simple_history.models import HistoricalRecords

from bibliography.vocabulary import SEARCH_CONFIG, SEARCHED_FILE_CHARS


def stored_name(attachment: "Attachment", name: str) -> str:
    return f"attachments/{attachment.paper_id}/{name}"


class Attachment(models.Model):
    """A file attached to a paper. What it is comes from its content, not its name (a publisher's
    login page saved as `paper.pdf` is refused); its text, where one can be read, is found by the
    paper search. Made by bibliography/attachments.py, which checks and reads the file first."""

    paper = models.ForeignKey("Paper", on_delete=models.CASCADE, related_name="attachments", db_index=False)
    file = models.FileField(upload_to=stored_name, max_length=500)
    name = models.CharField(max_length=255, help_text="The file's name as it was uploaded.")
    media_type = models.CharField(max_length=100, help_text="What the content is (application/pdf, …).")
    size = models.PositiveBigIntegerField(help_text="In bytes.")
    sha256 = models.CharField(max_length=64, help_text="Of the content: the same file is attached once per paper.")
    text = models.TextField(blank=True, help_text="The text read from the file, for the search.")
    text_note = models.CharField(
        max_length=300, blank=True, help_text="Why no text (or not all of it) could be read, if so."
    )
    pages = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    search_vector = models.GeneratedField(
        expression=SearchVector(Left("text", SEARCHED_FILE_CHARS), config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    history = HistoricalRecords(excluded_fields=["search_vector", "text"])

    class Meta:
        ordering = ["-paper_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "sha256"],
                name="attachment_unique_content_per_paper",
                violation_error_message="This file is already attached to the paper.",
            ),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="attachment_sha256_hex"),
            models.CheckConstraint(condition=~Q(name=""), name="attachment_name_not_blank"),
            models.CheckConstraint(condition=~Q(media_type=""), name="attachment_media_type_not_blank"),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="attachment_search_vector_idx"),
        ]

    def __str__(self):
        return self.name
