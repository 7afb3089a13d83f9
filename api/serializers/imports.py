"""Import runs: one per file imported, with its counts and warnings."""

from bibliography.models import ImportRun

from ..fields import ModelSerializer
from .base import SelectableFieldsMixin


class ImportRunSerializer(SelectableFieldsMixin, ModelSerializer):
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
