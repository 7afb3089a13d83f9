"""Citations between papers."""

from rest_framework import serializers

from bibliography.models import Citation

from ..fields import ModelSerializer
from .base import SelectableFieldsMixin


class CitationSerializer(SelectableFieldsMixin, ModelSerializer):
    class Meta:
        model = Citation
        fields = [
            "id",
            "citing",
            "cited",
            "context",
            "source",
            "status",
            "intent",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_by", "created_at", "updated_at"]
        validators = []  # the unique pair is the database's to refuse (409), with its message

    def validate(self, data):
        citing = data.get("citing", getattr(self.instance, "citing", None))
        cited = data.get("cited", getattr(self.instance, "cited", None))
        if citing is not None and citing == cited:
            raise serializers.ValidationError({"cited": "a paper cannot cite itself"})
        return data
