"""Authors, their ORCID iD and OpenAlex id."""

from rest_framework import serializers

from bibliography import identifiers, text
from bibliography.authors import Directory
from bibliography.formats.records import Person
from bibliography.models import Author

from ..exceptions import Conflict
from ..fields import ModelSerializer
from .base import SelectableFieldsMixin


class AuthorSerializer(SelectableFieldsMixin, ModelSerializer):
    openalex_id = serializers.RegexField(
        identifiers.OPENALEX_AUTHOR_PATTERN, required=False, allow_null=True, help_text="The author's OpenAlex id, A…"
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

    def validate(self, attrs):
        """A person the library already has is that author (bibliography/authors.py), not a second one."""
        attrs = super().validate(attrs)
        now = self.instance
        said = {name: attrs.get(name, getattr(now, name, None)) for name in ("name", "orcid", "openalex_id")}
        if now is not None and all(getattr(now, name) == value for name, value in said.items()):
            return attrs
        person = Person(said["name"] or "", orcid=said["orcid"], openalex_id=said["openalex_id"])
        known = Directory([person]).find(person)
        if known is not None and (now is None or known.pk != now.pk):
            merge = ", or merge the two" if now is not None else ""
            raise Conflict(f"this person is already author {known.pk} ({known.name!r}): use that author{merge}")
        return attrs

    def validate_orcid(self, value):
        # the shape the schema states; the check digit is the imports' to verify (a file's typo), as the
        # database's rule (author_orcid_format) checks the shape only
        return identifiers.orcid(value, check_digit=False)

    def create(self, validated_data):
        author = Author(**validated_data)
        author.name_key = text.name_key(author.name)
        author.save()
        return author
