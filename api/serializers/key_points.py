"""The key points of a paper, each tagged with concepts."""

from bibliography.models import Concept, KeyPoint

from ..fields import ModelSerializer
from .base import SelectableFieldsMixin
from .concepts import ConceptField


class KeyPointSerializer(SelectableFieldsMixin, ModelSerializer):
    concepts = ConceptField(slug_field="slug", many=True, queryset=Concept.objects.all(), required=False)

    class Meta:
        model = KeyPoint
        fields = ["id", "paper", "number", "text", "concepts"]
