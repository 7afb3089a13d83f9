"""Curators' notes on papers."""

from rest_framework import serializers

from bibliography.models import Note

from ..fields import ModelSerializer
from .base import SelectableFieldsMixin


class NoteSerializer(SelectableFieldsMixin, ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, help_text="Who wrote it.")

    class Meta:
        model = Note
        fields = ["id", "paper", "text", "created_by", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def validate_text(self, value):
        if not value.strip():
            raise serializers.ValidationError("A note needs some text.")
        return value
