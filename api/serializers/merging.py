"""A merge of papers into one, and whose value each field keeps."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bibliography.merging import CHOOSABLE

from ..fields import Serializer


@extend_schema_field(
    {
        "type": "object",
        "properties": {name: {"type": "integer", "minimum": 1} for name in CHOOSABLE},
        "additionalProperties": False,
    }
)
class KeptValuesField(serializers.DictField):
    """Whose value each choosable field keeps: {field: paper id}."""


class MergeSerializer(Serializer):
    others = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=100)
    keep = KeptValuesField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text=f"Whose value each field keeps, by paper id (this paper or one of `others`): "
        f"{', '.join(CHOOSABLE)}. A field not named keeps this paper's value, or where it is blank, "
        'the first other paper\'s. `{"title": 12, "doi": 13}`.',
    )

    def validate_keep(self, keep):
        if unknown := sorted(set(keep) - set(CHOOSABLE)):
            raise serializers.ValidationError(f"{', '.join(unknown)}: choose among {', '.join(CHOOSABLE)}")
        return keep
