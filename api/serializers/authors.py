"""Authors, their ORCID iD and OpenAlex id."""

from rest_framework import serializers

from bibliography import identifiers, text
from bibliography.models import Author

from ..fields import ModelSerializer
from .base import SelectableFieldsMixin


class AuthorSerializer(SelectableFieldsMixin, ModelSerializer):
    openalex_id = serializers.RegexField(
        r"^A[0-9]{1,18}$", required=False, allow_null=True, help_text="The author's OpenAlex id, A…"
    )

    class Meta:
        model = Author
        fields = ["id", "name", "orcid", "openalex_id"]

    orcid = serializers.RegexField(
        identifiers.ORCID_PATTERN,
        required=False,
        allow_null=True,
        help_text="The ORCID iD, 0000-0002-1825-0097 or its https://orcid.org/ address (stored as the iD).",
    )

    def validate_orcid(self, value):
        # the shape the schema states; the check digit is the imports' to verify (a file's typo), as the
        # database's rule (author_orcid_format) checks the shape only
        return identifiers.orcid(value, check_digit=False)

    def create(self, validated_data):
        author = Author(**validated_data)
        author.name_key = text.name_key(author.name)
        author.save()
        return author
