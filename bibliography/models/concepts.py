"""Concepts: a DAG of categories and topics (its relations, the walks up and down it, former slugs),
and the tags that put papers under them with a score, a source and a review status."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from bibliography.vocabulary import ConceptKind, ReviewStatus, Source

_DESCENDANTS = """
    WITH RECURSIVE walk(id) AS (
        SELECT unnest(%s::bigint[])
        UNION
        SELECT r.child_id FROM bibliography_conceptrelation r JOIN walk ON r.parent_id = walk.id
    )
    SELECT id FROM walk
"""

_ANCESTORS = """
    WITH RECURSIVE walk(id) AS (
        SELECT unnest(%s::bigint[])
        UNION
        SELECT r.parent_id FROM bibliography_conceptrelation r JOIN walk ON r.child_id = walk.id
    )
    SELECT id FROM walk
"""


_PAPERS_WITH_DESCENDANTS = """
    SELECT count(DISTINCT pc.paper_id)
    FROM bibliography_paperconcept pc
    WHERE pc.status = 'accepted' AND pc.concept_id IN (
        WITH RECURSIVE walk(id) AS (
            SELECT bibliography_concept.id
            UNION
            SELECT r.child_id FROM bibliography_conceptrelation r JOIN walk ON r.parent_id = walk.id
        )
        SELECT id FROM walk
    )
"""


_ID_REFERENCE = re.compile(r"id:([0-9]{1,18})", re.ASCII)


def concept_reference(value: str) -> Q:
    """The one way a concept is named in URLs and parameters: `id:12` by its id, anything else by slug."""
    match = _ID_REFERENCE.fullmatch(value)
    return Q(pk=int(match.group(1))) if match else Q(slug=value)


class ConceptQuerySet(models.QuerySet):
    def referenced(self, value: str):
        """The concept (at most one) that `value` names; see `concept_reference`."""
        return self.filter(concept_reference(value))

    def formerly(self, value: str):
        """The concept that `value` named before a rename or a merge (by an old slug)."""
        return self.filter(aliases__slug=value)

    def find(self, value: str) -> "Concept | None":
        """The concept `value` names now, else the one it named before a rename or a merge."""
        return self.referenced(value).first() or self.formerly(value).first()

    def with_paper_counts(self):
        """`paper_count` (accepted tags) and `paper_count_with_descendants` (also below it), per row."""
        direct = (
            PaperConcept.objects.filter(concept=models.OuterRef("pk"), status="accepted")
            .order_by()
            .values("concept")
            .annotate(n=models.Count("paper"))
            .values("n")
        )
        return self.annotate(
            paper_count=Coalesce(models.Subquery(direct, output_field=models.IntegerField()), models.Value(0)),
            paper_count_with_descendants=RawSQL(
                f"({_PAPERS_WITH_DESCENDANTS})", [], output_field=models.IntegerField()
            ),
        )

    def for_display(self):
        """Paper counts, and parents and children by slug, for pages and API responses."""
        slugs_only = Concept.objects.only("slug")
        return self.with_paper_counts().prefetch_related(
            models.Prefetch("parents", queryset=slugs_only), models.Prefetch("children", queryset=slugs_only)
        )

    def descendants_of(self, concept_ids, *, include_self: bool = True):
        """The concepts below the given ones, in one recursive query."""
        ids = list(concept_ids)
        found = self.filter(id__in=RawSQL(_DESCENDANTS, [ids]))
        return found if include_self else found.exclude(id__in=ids)

    def ancestors_of(self, concept_ids, *, include_self: bool = True):
        """The concepts above the given ones, in one recursive query."""
        ids = list(concept_ids)
        found = self.filter(id__in=RawSQL(_ANCESTORS, [ids]))
        return found if include_self else found.exclude(id__in=ids)


class Concept(models.Model):
    """A node of the concept graph: a broad category or a specific topic. Parents and children form a DAG."""

    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=ConceptKind.choices, default=ConceptKind.TOPIC)
    children = models.ManyToManyField(
        "self",
        through="ConceptRelation",
        through_fields=("parent", "child"),
        symmetrical=False,
        related_name="parents",
        blank=True,
    )

    objects = ConceptQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""), name="concept_name_not_blank", violation_error_message="A concept needs a name."
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """A changed slug stays an alias of the concept; a slug taken back frees its alias."""
        if self.pk is not None:
            old = Concept.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
            if old is not None and old != self.slug:
                super().save(*args, **kwargs)
                ConceptAlias.objects.filter(slug=self.slug).delete()
                ConceptAlias.objects.update_or_create(slug=old, defaults={"concept": self})
                return
        super().save(*args, **kwargs)
        ConceptAlias.objects.filter(slug=self.slug).delete()

    def rename(self, name: str) -> None:
        """A new name; a slug that was made from the old name follows it (`save` keeps the old one
        as an alias), a slug chosen by hand stays."""
        if self.slug == slugify(self.name)[:100]:
            self.slug = Concept.free_slug(name, exclude=self.pk)
        self.name = name

    @staticmethod
    def free_slug(name: str, *, exclude: int | None = None) -> str:
        """The name's slug, numbered when another concept has it or had it."""
        stem = slugify(name)[:90] or "concept"
        taken = Concept.objects.exclude(pk=exclude).filter(slug__startswith=stem).values_list("slug", flat=True)
        aliases = ConceptAlias.objects.exclude(concept_id=exclude).filter(slug__startswith=stem)
        taken = set(taken) | set(aliases.values_list("slug", flat=True))
        number = 1
        slug = stem
        while slug in taken:
            number += 1
            slug = f"{stem}-{number}"
        return slug

    @property
    def autocomplete_label(self) -> str:
        return f"{self.name} ({self.kind})"


class ConceptAlias(models.Model):
    """A slug a concept was known by (before a rename, or as a concept merged into it): links and
    scripts that used it still reach the concept, the API with a redirect."""

    slug = models.SlugField(max_length=100, unique=True)
    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="aliases", db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "concept aliases"
        ordering = ["slug"]
        indexes = [models.Index(fields=["concept"], name="conceptalias_concept_idx")]

    def __str__(self):
        return f"{self.slug} → {self.concept}"


class ConceptRelation(models.Model):
    """An edge parent -> child of the concept DAG.

    Self-loops are a check constraint; longer cycles are refused by a trigger (migration 0002),
    so that no write path, bulk or raw, can make the graph cyclic.
    """

    parent = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="child_relations", db_index=False)
    child = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="parent_relations", db_index=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["parent", "child"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "child"], name="conceptrelation_unique_pair"),
            models.CheckConstraint(
                condition=~Q(parent=F("child")),
                name="conceptrelation_not_self",
                violation_error_message="A concept cannot be its own parent.",
            ),
        ]
        indexes = [
            # walking the graph upwards (ancestors)
            models.Index(fields=["child", "parent"], name="conceptrelation_child_idx"),
        ]

    def __str__(self):
        return f"{self.parent} → {self.child}"

    def clean(self):
        if self.parent_id is None or self.child_id is None:
            return
        if self.parent_id == self.child_id:
            raise ValidationError("A concept cannot be its own parent.")
        if Concept.objects.descendants_of([self.child_id]).filter(id=self.parent_id).exists():
            raise ValidationError(
                f"Making “{self.parent}” a parent of “{self.child}” would create a cycle: "
                f"“{self.child}” is already one of its ancestors."
            )


class PaperConcept(models.Model):
    """A tag: a paper is about a concept, with a score, where the tag came from and a curator's decision."""

    paper = models.ForeignKey("Paper", on_delete=models.CASCADE, related_name="tags", db_index=False)
    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="tags", db_index=False)
    score = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(1)])
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.SUGGESTED)
    reason = models.CharField(
        max_length=300, blank=True, help_text="Why it was suggested, in words a curator can check against the text."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "tag"
        ordering = ["-paper_id", "-score", "concept"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "concept"], name="paperconcept_unique_pair"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=1),
                name="paperconcept_score_0_1",
                violation_error_message="A tag's score is between 0 and 1.",
            ),
        ]
        indexes = [
            # papers in a concept, by status
            models.Index(fields=["concept", "status", "paper"], name="paperconcept_concept_idx"),
            # the review queue of suggested tags
            models.Index(fields=["paper"], condition=Q(status="suggested"), name="paperconcept_suggested_idx"),
        ]

    def __str__(self):
        return f"{self.paper_id} ~ {self.concept}"
