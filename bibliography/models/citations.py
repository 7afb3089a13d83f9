"""Citations between papers, and references that name a paper the library does not hold yet."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from bibliography.vocabulary import (
    CitationIntent,
    ReferenceScheme,
    ReviewStatus,
    Source,
)


class Citation(models.Model):
    """One paper citing another, found in the text or entered by a curator."""

    citing = models.ForeignKey("Paper", on_delete=models.CASCADE, related_name="citations_made", db_index=False)
    cited = models.ForeignKey("Paper", on_delete=models.CASCADE, related_name="citations_received", db_index=False)
    context = models.TextField(blank=True, help_text="The sentence where the citation was found.")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.SUGGESTED)
    intent = models.CharField(max_length=20, choices=CitationIntent.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["citing", "cited"], name="citation_unique_pair"),
            models.CheckConstraint(
                condition=~Q(citing=F("cited")),
                name="citation_not_self",
                violation_error_message="A paper cannot cite itself.",
            ),
        ]
        indexes = [
            # a paper's cited-by list, accepted first
            models.Index(fields=["cited", "status"], name="citation_cited_status_idx"),
            # the review queue of suggested citations
            models.Index(fields=["id"], condition=Q(status="suggested"), name="citation_suggested_idx"),
            # the review queue's papers with suggested references, in id order
            models.Index(fields=["citing"], condition=Q(status="suggested"), name="citation_suggested_citing_idx"),
        ]

    def __str__(self):
        return f"{self.citing_id} cites {self.cited_id}"


class UnresolvedReference(models.Model):
    """A work a paper cites that is not in the bibliography yet, by its id in a source (an OpenAlex
    W-id, or a DOI from a Crossref reference list): it becomes a Citation as soon as that work
    arrives, by any import."""

    # looked up through unresolvedreference_unique, which begins with it
    citing = models.ForeignKey("Paper", on_delete=models.CASCADE, related_name="unresolved_references", db_index=False)
    scheme = models.CharField(max_length=20, choices=ReferenceScheme.choices)
    value = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["citing", "scheme", "value"], name="unresolvedreference_unique"),
            models.CheckConstraint(condition=~Q(value=""), name="unresolvedreference_value_not_blank"),
        ]
        # the works an import brings: which references waited for them
        indexes = [models.Index(fields=["scheme", "value"], name="unresolvedreference_value_idx")]

    def __str__(self):
        return f"{self.citing_id} cites {self.scheme}:{self.value}"
