"""Import runs: one per file imported, with its counts and warnings."""

from rest_framework import serializers

from bibliography.formats.registry import FORMATS
from bibliography.models import ImportRun

from ..fields import ModelSerializer
from .base import SelectableFieldsMixin


class ImportRunSerializer(SelectableFieldsMixin, ModelSerializer):
    format = serializers.ChoiceField(
        choices=list(FORMATS), read_only=True, help_text="The format the file was read as."
    )

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "file_name",
            "sha256",
            "format",
            "status",
            "started_at",
            "finished_at",
            "records",
            "created",
            "updated",
            "unchanged",
            "warnings",
            "error",
        ]
