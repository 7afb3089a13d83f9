"""People: authors, their names and identifiers, and their ordered place on each paper."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from bibliography import text
from bibliography.names import PersonName, forward, split_name
from bibliography.vocabulary import (
    NAME_SEARCH_CONFIG,
    AuthorRole,
)


class Author(models.Model):
    """A person who wrote, gave or organised papers and talks."""

    name = models.CharField(max_length=300, help_text="The name as it is written.")
    # The parts a bibliography sorts and abbreviates by, as the name's source gave them.
    family = models.CharField("family name", max_length=300, blank=True)
    given = models.CharField("given names", max_length=300, blank=True)
    particle = models.CharField(max_length=100, blank=True, help_text='"van", "de la", kept with the family name.')
    suffix = models.CharField(max_length=50, blank=True, help_text='"Jr.", "III".')
    literal = models.BooleanField(
        "institution", default=False, help_text="An organisation's name, kept whole, never split into parts."
    )
    name_key = models.CharField(max_length=300, editable=False)
    orcid = models.CharField("ORCID", max_length=19, null=True, blank=True, unique=True)
    openalex_id = models.CharField(
        "OpenAlex id", max_length=20, null=True, blank=True, unique=True, help_text="The author's OpenAlex id (A…)."
    )
    search_vector = models.GeneratedField(
        expression=SearchVector("name", config=NAME_SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    history = HistoricalRecords(excluded_fields=["search_vector", "name_key"])

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            # import matching and lookups by name
            models.Index(fields=["name_key"], name="author_name_key_idx"),
            # full-text search of papers by their authors' names
            GinIndex(fields=["search_vector"], name="author_search_vector_idx"),
            # autocomplete of names as they are typed
            GinIndex(fields=["name_key"], opclasses=["gin_trgm_ops"], name="author_name_key_trgm_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""), name="author_name_not_blank", violation_error_message="An author needs a name."
            ),
            models.CheckConstraint(
                condition=Q(literal=True, family="", given="", particle="", suffix="")
                | Q(literal=False) & ~Q(family=""),
                name="author_parts_or_literal",
                violation_error_message="A person needs a family name; an institution's name is kept whole.",
            ),
            models.CheckConstraint(
                condition=Q(orcid__isnull=True) | Q(orcid__regex=r"^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$"),
                name="author_orcid_format",
                violation_error_message="An ORCID looks like 0000-0002-1825-0097 (the last may be X).",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.settle_parts()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "literal"} & set(update_fields):
            kwargs["update_fields"] = set(update_fields) | {"name_key", "family", "given", "particle", "suffix"}
        super().save(*args, **kwargs)

    def clean(self):
        self.settle_parts()

    def settle_parts(self, parts=None) -> None:
        """Fill the name's key and parts: the given parts, else the name split the usual way. The key
        reads a name written family first ("Frankle, Jonathan") as the person it names."""
        self.name_key = text.name_key(self.name if self.literal else forward(self.name))
        if self.literal:
            self.family = self.given = self.particle = self.suffix = ""
            return
        if parts is None and self.family and text.name_key(self.parts.full) == self.name_key:
            return  # parts already given for this very name
        parts = parts or split_name(self.name)
        self.family, self.given, self.particle, self.suffix = parts.family, parts.given, parts.particle, parts.suffix

    @property
    def parts(self):
        if self.literal:
            return PersonName(family=self.name, literal=True)
        return PersonName(family=self.family, given=self.given, particle=self.particle, suffix=self.suffix)


class Authorship(models.Model):
    """An author's place in a paper's ordered author list, and the name the paper credits them by."""

    # looked up through authorship_unique_position and authorship_author_idx, which begin with them
    paper = models.ForeignKey("Paper", on_delete=models.CASCADE, related_name="authorships", db_index=False)
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="authorships", db_index=False)
    position = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=20, choices=AuthorRole.choices, default=AuthorRole.AUTHOR)
    credited = models.JSONField(
        "credited as",
        null=True,
        blank=True,
        help_text="The name as this paper gives it, when it differs from the author's own spelling "
        "(name, family, given, particle, suffix, literal).",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-paper_id", "position"]
        constraints = [
            # deferred so that a curator can swap two positions in one save
            models.UniqueConstraint(
                fields=["paper", "position"],
                name="authorship_unique_position",
                deferrable=models.Deferrable.DEFERRED,
            ),
            # a person is listed once in each role: a chapter's author may edit the book too
            models.UniqueConstraint(
                fields=["paper", "author", "role"],
                name="authorship_unique_author_role",
                violation_error_message="This person is already listed in this role.",
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1),
                name="authorship_position_from_one",
                violation_error_message="Positions start at 1.",
            ),
        ]
        indexes = [
            # an author's papers
            models.Index(fields=["author", "paper"], name="authorship_author_idx"),
        ]

    def __str__(self):
        return f"{self.position}. {self.author}"

    @property
    def credited_parts(self):
        """The name's parts as this paper gives them."""

        if not self.credited:
            return self.author.parts
        return PersonName(
            family=self.credited.get("family", ""),
            given=self.credited.get("given", ""),
            particle=self.credited.get("particle", ""),
            suffix=self.credited.get("suffix", ""),
            literal=bool(self.credited.get("literal")),
        )

    @property
    def credited_name(self) -> str:
        return (self.credited or {}).get("name") or self.author.name

    def credit_as(self, name: str | None, parts=None) -> None:
        """Credit the author on this paper under this name (its parts as given, else split the usual
        way); no name, or the author's own, credits them as their record names them."""
        self.credited = credit(name, parts, self.author)


def credit(name: str | None, parts, author: Author) -> dict | None:
    """`Authorship.credited` for a name a paper gives an author: None when it is the author's own."""
    name = " ".join((name or "").split())
    if not name:
        return None
    parts = parts or split_name(name)
    if name == author.name and parts == author.parts:
        return None
    credited = {"name": name, "family": parts.family, "given": parts.given}
    credited |= {k: v for k, v in (("particle", parts.particle), ("suffix", parts.suffix)) if v}
    return credited | ({"literal": True} if parts.literal else {})


class AuthorAlias(models.Model):
    """An author merged into another: its old id (which links and scripts may hold) and name lead to
    the author it became."""

    old_id = models.BigIntegerField(unique=True)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="aliases", db_index=False)
    name = models.CharField(max_length=300)
    merged_at = models.DateTimeField(auto_now_add=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "author aliases"
        ordering = ["-merged_at"]
        indexes = [models.Index(fields=["author"], name="authoralias_author_idx")]

    def __str__(self):
        return f"#{self.old_id} {self.name} → {self.author}"
