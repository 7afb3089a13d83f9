"""Papers fetched in a batch, each named as scripts name it (an id, doi:, arxiv: or key:)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bibliography import identifiers

from ..fields import Serializer
from ..representation import PAPER
from ..schema import ARXIV_ID, DOI_SUFFIX, UNSEEN

_REFERENCE = (
    rf"^([1-9][0-9]{{0,17}}|doi:10\.[0-9]{{4,9}}/{DOI_SUFFIX}|arxiv:{ARXIV_ID}(v[0-9]+)?"
    rf"|key:[^{UNSEEN}]+)$"
)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
            {"type": "string", "pattern": _REFERENCE, "example": "doi:10.1000/xyz"},
        ]
    }
)
class PaperReferenceField(serializers.Field):
    """A paper as scripts name it: its id, or `doi:…`, `arxiv:…` (any version) or `key:<citation key>`."""

    def to_representation(self, value):
        return value

    def to_internal_value(self, data):
        try:
            return identifiers.paper_reference(data)
        except identifiers.NotAnIdentifier as error:
            raise serializers.ValidationError(str(error)) from error


class BatchSerializer(Serializer):
    ids = serializers.ListField(child=PaperReferenceField(), min_length=1, max_length=500)


@extend_schema_field(
    {"type": "array", "items": {"allOf": [{"$ref": f"#/components/schemas/{PAPER.name}"}], "nullable": True}}
)
class PapersOrNullField(serializers.ListField):
    """Papers in the order asked, null where there is no such paper."""


class BatchResultSerializer(Serializer):
    results = PapersOrNullField(child=PAPER.serializer()(allow_null=True))
