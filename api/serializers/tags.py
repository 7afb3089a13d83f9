"""Tags of papers with concepts: as records, and as a paper's action (POST /api/papers/{id}/concepts/)."""

from rest_framework import serializers

from bibliography.models import Concept, PaperConcept, ReviewStatus

from ..fields import ModelSerializer
from .base import SelectableFieldsMixin
from .concepts import ConceptField


class TagSerializer(SelectableFieldsMixin, ModelSerializer):
    concept = ConceptField(slug_field="slug", queryset=Concept.objects.all())

    class Meta:
        model = PaperConcept
        fields = ["id", "paper", "concept", "score", "source", "status", "created_by", "created_at", "updated_at"]
        read_only_fields = ["created_by", "created_at", "updated_at"]


class PaperTagSerializer(ModelSerializer):
    """POST /api/papers/{id}/concepts/: tag this paper (concept by slug, or id as id:12)."""

    concept = serializers.CharField(help_text="The concept's slug, or its id as id:12.")

    class Meta:
        model = PaperConcept
        fields = ["concept", "score", "status"]
        extra_kwargs = {"status": {"default": ReviewStatus.ACCEPTED}}

    def validate_concept(self, value):
        concept = Concept.objects.find(value)
        if concept is None:
            raise serializers.ValidationError(f"no concept with slug {value!r} (or give its id as id:12)")
        return concept
