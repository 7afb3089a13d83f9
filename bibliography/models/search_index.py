from django.db import models
from django.db.models.functions import Now


class SearchIndexChange(models.Model):
    """A paper whose searched text changed (or that was added or deleted) since the search index last
    took it in: written by the database's own triggers (migration 0059) in the changing transaction,
    read and deleted by the indexer (bibliography/search_index.py). No foreign key: a deleted paper's
    row says to take it out of the index."""

    paper_id = models.BigIntegerField(null=True)
    # or an author renamed: its papers are read when the change is taken in, not when it is made
    author_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(paper_id__isnull=False) | models.Q(author_id__isnull=False),
                name="searchindexchange_names_a_paper_or_an_author",
            )
        ]

    def __str__(self):
        return f"paper {self.paper_id} to index" if self.paper_id else f"author {self.author_id}'s papers to index"
