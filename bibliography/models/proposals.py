"""Proposed changes to a paper from a scholarly source, field by field, waiting for a curator."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bibliography.dates import edtf
from bibliography.vocabulary import CSL_COLUMNS, ReviewStatus

# The fields a source may propose a value for, and how curators call them.
PROPOSED_FIELDS = [
    ("title", "title"),
    ("abstract", "abstract"),
    ("authors", "authors"),
    ("issued", "date"),
    ("venue", "venue"),
    ("doi", "DOI"),
    ("arxiv_id", "arXiv id"),
    *((column, variable) for variable, column in CSL_COLUMNS.items()),
]


class Proposal(models.Model):
    """A value a source holds for one field of a paper, kept for curators to accept or reject: where
    the paper says otherwise, or where the source's work was not surely this paper.

    `value` is the field's value as the paper would hold it: text; a CSL date for `issued`; for
    `venue`, {name, kind, short_name}; for `authors`, [{name, orcid, openalex_id}] in order."""

    paper = models.ForeignKey("Paper", on_delete=models.CASCADE, related_name="proposals", db_index=False)
    field = models.CharField(max_length=40, choices=PROPOSED_FIELDS)
    value = models.JSONField()
    value_digest = models.CharField(max_length=32, editable=False)
    source = models.CharField(max_length=100, help_text="The service or file that holds the value.")
    source_url = models.URLField(max_length=500, blank=True, help_text="The work at the source.")
    import_run = models.ForeignKey(
        "ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    reason = models.TextField(blank=True, help_text="Why it is proposed rather than taken.")
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.SUGGESTED)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            # a value proposed once is not proposed again, whatever became of it: a rejection stays
            models.UniqueConstraint(fields=["paper", "field", "value_digest"], name="proposal_once"),
            models.CheckConstraint(
                condition=Q(field__in=[name for name, _ in PROPOSED_FIELDS]),
                name="proposal_known_field",
                violation_error_message="No such field can be proposed.",
            ),
            models.CheckConstraint(
                condition=Q(status=ReviewStatus.SUGGESTED, decided_at__isnull=True)
                | (~Q(status=ReviewStatus.SUGGESTED) & Q(decided_at__isnull=False)),
                name="proposal_decided_at_iff_decided",
                violation_error_message="A decided proposal has the time it was decided, an undecided one none.",
            ),
            models.CheckConstraint(
                condition=~Q(source=""),
                name="proposal_has_source",
                violation_error_message="A proposal names its source.",
            ),
        ]
        indexes = [
            # the curators' queue: undecided proposals, paged by id
            models.Index(fields=["paper", "id"], condition=Q(status="suggested"), name="proposal_suggested_idx"),
        ]

    def __str__(self):
        return f"{self.get_field_display()} of paper #{self.paper_id} from {self.source}"

    @property
    def shown(self) -> str:
        """The value as a curator reads it."""
        value = self.value
        if self.field == "authors":
            return "; ".join(person.get("name", "") for person in value)
        if self.field == "venue":
            return value.get("name", "")
        if self.field == "issued":
            return edtf(value)
        return str(value)
