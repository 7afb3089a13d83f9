"""A paper's create and update: what a write may say, and what it changes (its people, its key)."""

from django.core.validators import RegexValidator
from django.db import transaction
from rest_framework import serializers

from bibliography import identifiers
from bibliography.authors import Contribution, authors_for, authorships_replace
from bibliography.citation_keys import keys_assign
from bibliography.formats.records import Person
from bibliography.models import Paper, Venue

from ..exceptions import Conflict
from ..fields import VISIBLE, ModelSerializer
from ..representation import LISTED_AUTHORS, PAPER_DETAIL, RECORD_FIELDS, paper_document
from ..schema import CITATION_KEY_OR_BLANK
from .paper_fields import ContributorsField, CslDateField, CslVariablesField, PlausibleDateField, VenueReferenceField

_KEY_FORMAT = "letters, digits and : - _ . / + only, without spaces (blank keeps the key)"


class PaperWriteSerializer(ModelSerializer):
    """Create or update a paper; `authors` (in order) replaces the paper's people when given."""

    authors = ContributorsField(required=False)
    venue = VenueReferenceField(queryset=Venue.objects.all(), required=False, allow_null=True)
    published_on = PlausibleDateField(required=False, allow_null=True)
    issued = CslDateField(
        required=False,
        allow_null=True,
        help_text="The date as precise as known: EDTF text (2020, 2020-03, 2020-03-15, 2020-21 for spring, "
        "2020-06-14/2020-06-19, 2020~) or a CSL date object. Sets year and published_on.",
    )
    accessed = CslDateField(required=False, allow_null=True, help_text="When the URL was read (like issued).")
    extra = CslVariablesField(required=False, help_text=Paper._meta.get_field("extra").help_text)

    class Meta:
        model = Paper
        fields = [
            "id",
            "title",
            "abstract",
            "kind",
            "venue",
            "published_on",
            "year",
            "doi",
            "arxiv_id",
            "citation_key",
            "needs_review",
            "review_reason",
            "authors",
            "authors_truncated",
            *RECORD_FIELDS,
        ]
        extra_kwargs = {
            "doi": {"validators": []},
            "arxiv_id": {"validators": []},
            "citation_key": {"validators": [RegexValidator(CITATION_KEY_OR_BLANK, _KEY_FORMAT)]},
        }

    def validate_title(self, value):
        # the label an untitled paper is served with (`title_is_provisional`) sent back unchanged, as a
        # script does that PATCHes the document it read, is no title: the paper stays untitled
        if self.instance is not None and not self.instance.title and value == self.instance.display_title:
            return ""
        return value

    def validate_citation_key(self, value):
        return value or None  # blank means "keep the key it has" (see the paper_keep_citation_key trigger)

    def validate_doi(self, value):
        return self._identifier("doi", identifiers.doi, value)

    def validate_arxiv_id(self, value):
        return self._identifier("arxiv_id", identifiers.arxiv_id, value)

    def _identifier(self, field: str, read, value):
        try:
            value = read(value)
        except identifiers.NotAnIdentifier as error:
            raise serializers.ValidationError(str(error)) from error
        if value:
            self._not_anothers(field, value)
        return value

    def _not_anothers(self, field: str, value: str) -> None:
        other = Paper.objects.filter(**{field: value}).exclude(pk=getattr(self.instance, "pk", None)).first()
        if other is not None:
            raise Conflict(f"{field}: paper {other.pk} ({other.plain_title[:80]!r}) has {field} {value}; merge the two")

    def validate(self, data):
        if "authors" in data and self._a_lists_first_authors(data["authors"]):
            data["authors"] = None  # a list's row sent back names the first of them: they all stay
        title = data.get("title", self._left_as("title", ""))
        needs_review = data.get("needs_review", self._left_as("needs_review", False))
        reason = data.get("review_reason", self._left_as("review_reason", ""))
        if not VISIBLE.search(title or "") and not (needs_review and VISIBLE.search(reason or "")):
            raise serializers.ValidationError({"title": "a paper needs a title, or needs_review with a review_reason"})
        if needs_review and not VISIBLE.search(reason or ""):
            raise serializers.ValidationError({"review_reason": "say why the paper needs review"})
        if not needs_review and reason:
            data["review_reason"] = ""
        return data

    @transaction.atomic
    def create(self, validated_data):
        authors = validated_data.pop("authors", None)
        paper = Paper.objects.create(**validated_data)
        if authors:
            self._set_authors(paper, authors)
        keys_assign([paper])  # once its authors are known: the key is made from the first one's name
        return paper

    def _a_lists_first_authors(self, people: list) -> bool:
        """Whether the authors sent are the first of the paper's, as a list's row serves them (its
        `author_count` sent back says there are more); other authors with such a count are a 400."""
        sent = self.initial_data if isinstance(self.initial_data, dict) else {}
        count = sent.get("author_count")
        if self.instance is None or not isinstance(count, int) or count <= len(people):
            return False
        current = [
            (a.author_id, a.role, (a.credited or {}).get("name"))
            for a in self.instance.authorships.order_by("position")
        ]
        given = [(p["author"].pk if p["author"] else None, p["role"], p["credited_as"]) for p in people]
        if len(current) == count and current[: len(given)] == given:
            return True
        raise serializers.ValidationError(
            {
                "authors": f"{len(people)} people given of the {count} the paper names (a list's row names "
                f"the first {LISTED_AUTHORS}): send all of them, as the paper's detail does, or leave out author_count"
            }
        )

    def _left_as(self, name: str, cleared):
        """A field the request leaves out: as it is for PATCH, cleared for PUT (and for a new paper)."""
        return getattr(self.instance, name, cleared) if self.partial else cleared

    @transaction.atomic
    def update(self, paper, validated_data):
        if not self.partial:
            validated_data = self._replacing(validated_data)
        authors = validated_data.pop("authors", None)
        if {"year", "published_on"} & set(validated_data) and "issued" not in validated_data:
            validated_data["issued"] = None  # the date is made again from the year or day given
        changed = self.changes(paper, validated_data)
        for name, value in changed.items():
            setattr(paper, name, value)
        if changed.get("citation_key"):
            paper.citation_key_provisional = False  # given by a script: kept whatever the record becomes
        if changed:  # a document sent back as it was read changes nothing, not even updated_at
            paper.save()
        if authors is not None:
            self._set_authors(paper, authors)
        keys_assign([paper])  # a paper from before keys were kept gets one with its first write
        return paper

    def _replacing(self, given: dict) -> dict:
        """PUT replaces the record: what it leaves out is cleared (blank, none, no authors), except
        the citation key, which documents cite and which blank keeps."""
        cleared = {}
        for name, field in self.fields.items():
            if field.read_only or name in given or name in ("id", "citation_key"):
                continue
            cleared[name] = [] if name == "authors" else Paper._meta.get_field(field.source).get_default()
        return cleared | given

    def _set_authors(self, paper, people):
        named = iter(
            authors_for(
                [
                    Person(person["name"], orcid=person["orcid"], openalex_id=person["openalex_id"])
                    for person in people
                    if person["author"] is None
                ]
            )
        )
        contributions = [
            Contribution(person["author"] or next(named), person["role"], person["credited_as"]) for person in people
        ]
        if len({(c.author.pk, c.role) for c in contributions}) != len(contributions):
            raise serializers.ValidationError({"authors": "an author appears twice in one role"})
        authorships_replace(paper, contributions)

    def to_representation(self, instance):
        return paper_document(instance.pk, self.context["request"])

    def served_fields(self) -> set[str]:
        return set(PAPER_DETAIL.fields)
