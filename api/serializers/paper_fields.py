"""The fields a paper's write takes that DRF has no field for: its people in order, a CSL date,
CSL variables, a day in plausible years, and its venue as a document serves it."""

import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bibliography import dates, identifiers
from bibliography.identifiers import OPENALEX_AUTHOR_PATTERN, ORCID_PATTERN
from bibliography.models import Author, AuthorRole

from ..fields import VISIBLE
from ..schema import UNSEEN
from .venues import VenueSerializer


class CslDateField(serializers.Field):
    """A CSL date object in answers; EDTF text or a CSL date object in writes (its schema:
    api/schema.py, CslDateFieldExtension)."""

    def to_representation(self, value):
        return value

    CSL_KEYS = {"date-parts", "season", "circa", "literal", "raw"}

    def to_internal_value(self, data):
        if isinstance(data, dict) and (not data or set(data) - self.CSL_KEYS):
            raise serializers.ValidationError(f"a CSL date object has only {', '.join(sorted(self.CSL_KEYS))}")
        try:
            date = dates.parse_edtf(data) if isinstance(data, str) else dates.from_csl(data)
        except (dates.DateError, TypeError, ValueError) as error:
            raise serializers.ValidationError(str(error)) from error
        if isinstance(data, dict) and not date:
            raise serializers.ValidationError("a CSL date object needs date-parts, a season or a literal")
        return date


# the longest author lists known (particle physics collaborations) have about 5,200 names
MAX_PEOPLE = 10_000


@extend_schema_field(
    {
        "type": "array",
        "maxItems": MAX_PEOPLE,
        "items": {
            "oneOf": [
                {"type": "integer", "description": "an author's id, as an author"},
                {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer", "description": "an author's id"},
                        "name": {
                            "type": "string",
                            "minLength": 1,
                            "maxLength": 300,
                            "pattern": f"^[^\\u0000]*[^{UNSEEN}][^\\u0000]*$",
                            "description": "or a name: that author, else a new one",
                        },
                        "orcid": {
                            "type": "string",
                            "pattern": ORCID_PATTERN,
                            "nullable": True,
                            "description": "with a name: the person's ORCID iD, which finds them first",
                        },
                        "openalex_id": {
                            "type": "string",
                            "pattern": OPENALEX_AUTHOR_PATTERN,
                            "nullable": True,
                            "description": "with a name: the person's OpenAlex id (A…), which finds them next",
                        },
                        "role": {"type": "string", "enum": AuthorRole.values, "default": AuthorRole.AUTHOR},
                        "credited_as": {
                            "type": "string",
                            "nullable": True,
                            "maxLength": 300,
                            "description": "the name as this paper gives it",
                        },
                        "position": {"type": "integer", "readOnly": True, "description": "1 for the first"},
                    },
                },
            ]
        },
        "example": [
            12,
            {"name": "Ada Lovelace", "role": "editor"},
            {"id": 7, "credited_as": "A. Turing"},
            {"name": "Josiah Carberry", "orcid": "0000-0002-1825-0097"},
        ],
    }
)
class ContributorsField(serializers.Field):
    """The paper's people in order: an author's id, or `{"id" or "name", "role", "credited_as"}`; a
    name may come with the person's ORCID iD and OpenAlex id, and is then the author they name
    (bibliography/authors.py: who an author is)."""

    def to_representation(self, value):
        return value

    def to_internal_value(self, data):
        if not isinstance(data, list):
            raise serializers.ValidationError("a list of author ids or {id or name, role, credited_as} objects")
        if len(data) > MAX_PEOPLE:
            raise serializers.ValidationError(f"at most {MAX_PEOPLE:,} people on one paper")
        items = [item if isinstance(item, dict) else {"id": item} for item in data]
        ids = [item.get("id") for item in items]
        known = Author.objects.in_bulk([i for i in ids if isinstance(i, int) and not isinstance(i, bool)])
        return [self._person(item, known, n) for n, item in enumerate(items)]

    @staticmethod
    def _person(item: dict, known: dict, n: int) -> dict:
        where = f"authors[{n}]"
        unknown = set(item) - {"id", "name", "role", "credited_as", "position", "orcid", "openalex_id"}
        if unknown:
            raise serializers.ValidationError(f"{where}: unknown field {sorted(unknown)[0]!r}")
        if "position" in item and item["position"] != n + 1:
            raise serializers.ValidationError(f"{where}: position is read-only, the place in this list ({n + 1})")
        id_, name = item.get("id"), item.get("name")
        if id_ is None and name is None:
            raise serializers.ValidationError(f"{where}: give an author's id or a name")
        if id_ is not None and (isinstance(id_, bool) or not isinstance(id_, int) or id_ not in known):
            raise serializers.ValidationError(f"{where}: no author with id {str(id_)[:40]}")
        if id_ is not None and name is not None:  # as a GET serves it: the id names the author
            if name != known[id_].name:
                raise serializers.ValidationError(
                    f"{where}: author {id_} is {known[id_].name!r}; give the id or a name"
                )
            name = None
        if name is not None and (not isinstance(name, str) or not VISIBLE.search(name) or len(name) > 300):
            raise serializers.ValidationError(f"{where}: a name is text of 1 to 300 characters")
        role = item.get("role", AuthorRole.AUTHOR)
        if role not in AuthorRole.values:
            raise serializers.ValidationError(f"{where}: role must be one of {', '.join(AuthorRole.values)}")
        credited = item.get("credited_as")
        if credited is not None and (not isinstance(credited, str) or len(credited) > 300):
            raise serializers.ValidationError(f"{where}: credited_as is a name of at most 300 characters")
        orcid, openalex_id = item.get("orcid"), item.get("openalex_id")
        if (orcid is not None or openalex_id is not None) and id_ is not None:
            raise serializers.ValidationError(f"{where}: an id names the author; identifiers go with a name")
        if orcid is not None and (not isinstance(orcid, str) or not re.fullmatch(ORCID_PATTERN, orcid)):
            raise serializers.ValidationError(f"{where}: orcid is an ORCID iD, 0000-0002-1825-0097")
        if openalex_id is not None and (
            not isinstance(openalex_id, str) or not re.fullmatch(OPENALEX_AUTHOR_PATTERN, openalex_id)
        ):
            raise serializers.ValidationError(f"{where}: openalex_id is an OpenAlex author id, A…")
        return {
            "author": known.get(id_),
            "name": name,
            "role": role,
            "credited_as": credited,
            "orcid": identifiers.orcid(orcid, check_digit=False),
            "openalex_id": openalex_id,
        }


@extend_schema_field({"type": "object", "additionalProperties": True})
class CslVariablesField(serializers.JSONField):
    """More CSL variables, by name: an object."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError("extra is an object of CSL variables")
        return super().to_internal_value(data)


class PlausibleDateField(serializers.DateField):
    """A day in the years the database takes (paper_year_plausible; its schema: api/schema.py)."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not dates.MIN_YEAR <= day.year <= dates.MAX_YEAR:
            raise serializers.ValidationError(f"a day between {dates.MIN_YEAR} and {dates.MAX_YEAR}")
        return day


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "description": "the venue's id"},
            {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"],
             "description": "the venue as a paper's document serves it"},
        ],
        "nullable": True,
    }
)  # fmt: skip
class VenueReferenceField(serializers.PrimaryKeyRelatedField):
    """A venue by its id, or as a paper's document serves it (`{"id": 4, "name": …}`): a document read
    and sent back is taken as it is."""

    def to_internal_value(self, data):
        if isinstance(data, dict) and set(data) <= {"id", *VenueSerializer.Meta.fields}:
            data = data.get("id")
        return super().to_internal_value(data)
