"""How records look over HTTP: compact in lists, complete in details, and what writes accept."""

from django.core.validators import RegexValidator
from django.db import transaction
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bibliography import dates, identifiers, text
from bibliography.citation_keys import keys_assign
from bibliography.merging import CHOOSABLE
from bibliography.models import (
    Author,
    AuthorRole,
    Authorship,
    Citation,
    Concept,
    ConceptRelation,
    ImportRun,
    KeyPoint,
    Note,
    Paper,
    PaperConcept,
    Proposal,
    ReviewStatus,
    Venue,
)
from bibliography.proposing import ProposalRefused, proposal_decide

from .exceptions import BadParameter, Conflict
from .fields import VISIBLE, ModelSerializer, Serializer, SlugListField
from .representation import LISTED_AUTHORS, PAPER, PAPER_DETAIL, RECORD_FIELDS, paper_document
from .schema import ARXIV_ID, CITATION_KEY_OR_BLANK, DOI_SUFFIX, UNSEEN


class SelectableFieldsMixin:
    """`?fields=id,title` keeps only those fields (smaller responses for large pages)."""

    # Fields added to some responses only (e.g. search results' relevance), selectable all the same.
    optional_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.selected_fields = None
        request = self.context.get("request")
        if (
            request is None
            or self.context.get("whole")
            or self.parent is not None
            and not isinstance(self.parent, serializers.ListSerializer)
        ):
            return
        wanted = request.query_params.get("fields")
        if not wanted:
            return
        names = [name.strip() for name in wanted.split(",") if name.strip()]
        self.selected_fields = set(names)
        unknown = [name for name in names if name not in self.fields and name not in self.optional_fields]
        if unknown:
            raise BadParameter("fields", f"unknown field {unknown[0]!r}; fields: {', '.join(self.fields)}")
        for name in set(self.fields) - set(names):
            self.fields.pop(name)


# a character a reader can see: not a space, not a control character


class ConceptField(SlugListField):
    """A concept by its slug, or by a slug it had before a rename or a merge."""

    def to_internal_value(self, data):
        if isinstance(data, str) and (concept := Concept.objects.find(data)):
            return concept
        return super().to_internal_value(data)


class VenueSerializer(SelectableFieldsMixin, ModelSerializer):
    class Meta:
        model = Venue
        fields = ["id", "name", "short_name", "kind", "year"]


class KeyPointSerializer(SelectableFieldsMixin, ModelSerializer):
    concepts = ConceptField(slug_field="slug", many=True, queryset=Concept.objects.all(), required=False)

    class Meta:
        model = KeyPoint
        fields = ["id", "paper", "number", "text", "concepts"]


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


class ProposalSerializer(SelectableFieldsMixin, ModelSerializer):
    """A value a source proposes for a field of a paper. Decide it with `PATCH {"status": "accepted"}`
    (the paper takes the value) or `"rejected"` (never proposed again); a rejection can be taken back
    with `"suggested"`."""

    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    shown = serializers.CharField(read_only=True, help_text="The value as a curator reads it.")
    value = serializers.JSONField(
        read_only=True,
        help_text="As the paper would hold it: text; a CSL date for issued; {name, kind, short_name} for venue; "
        "[{name, orcid, openalex_id}] for authors.",
    )

    class Meta:
        model = Proposal
        fields = ["id", "paper", "field", "value", "shown", "source", "source_url", "reason", "status",
                  "created_at", "decided_by", "decided_at"]  # fmt: skip
        read_only_fields = [f for f in fields if f != "status"]

    def update(self, proposal, validated_data):
        decision = {ReviewStatus.ACCEPTED: "accept", ReviewStatus.REJECTED: "reject", ReviewStatus.SUGGESTED: "undo"}
        status = validated_data.get("status", proposal.status)
        if status != proposal.status:
            try:
                proposal_decide(proposal, decision[status], by=self.context["request"].user)
            except ProposalRefused as refused:
                raise Conflict(str(refused)) from refused
            proposal.refresh_from_db()
        return proposal


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
        "example": [12, {"name": "Lovelace, Ada", "role": "editor"}, {"id": 7, "credited_as": "A. Turing"}],
    }
)
class ContributorsField(serializers.Field):
    """The paper's people in order: an author's id, or `{"id" or "name", "role", "credited_as"}`."""

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
        unknown = set(item) - {"id", "name", "role", "credited_as", "position"}
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
        return {"author": known.get(id_), "name": name, "role": role, "credited_as": credited}


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


_KEY_FORMAT = "letters, digits and : - _ . / + only, without spaces (blank keeps the key)"


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


class PaperWriteSerializer(ModelSerializer):
    """Create or update a paper; `authors` (in order) replaces the paper's people when given."""

    authors = ContributorsField(required=False)
    venue = VenueReferenceField(queryset=Venue.objects.all(), required=False, allow_null=True)
    published_on = PlausibleDateField(required=False, allow_null=True)
    issued = CslDateField(
        required=False,
        allow_null=True,
        help_text="The date as precise as known: EDTF text (2020, 2020-03, 2020-03-15, 2020-21 for spring, "
        "2020-06-14/2020-06-19, 2020~) or a CSL date object. Sets year and published_on.",
    )
    accessed = CslDateField(required=False, allow_null=True, help_text="When the URL was read (like issued).")
    extra = CslVariablesField(required=False, help_text=Paper._meta.get_field("extra").help_text)

    class Meta:
        model = Paper
        fields = [
            "id",
            "title",
            "abstract",
            "kind",
            "venue",
            "published_on",
            "year",
            "doi",
            "arxiv_id",
            "citation_key",
            "needs_review",
            "review_reason",
            "authors",
            "authors_truncated",
            *RECORD_FIELDS,
        ]
        extra_kwargs = {
            "doi": {"validators": []},
            "arxiv_id": {"validators": []},
            "citation_key": {"validators": [RegexValidator(CITATION_KEY_OR_BLANK, _KEY_FORMAT)]},
        }

    def validate_title(self, value):
        # the label an untitled paper is served with (`title_is_provisional`) sent back unchanged, as a
        # script does that PATCHes the document it read, is no title: the paper stays untitled
        if self.instance is not None and not self.instance.title and value == self.instance.display_title:
            return ""
        return value

    def validate_citation_key(self, value):
        return value or None  # blank means "keep the key it has" (see the paper_keep_citation_key trigger)

    def validate_doi(self, value):
        return self._identifier("doi", identifiers.doi, value)

    def validate_arxiv_id(self, value):
        return self._identifier("arxiv_id", identifiers.arxiv_id, value)

    def _identifier(self, field: str, read, value):
        try:
            value = read(value)
        except identifiers.NotAnIdentifier as error:
            raise serializers.ValidationError(str(error)) from error
        if value:
            self._not_anothers(field, value)
        return value

    def _not_anothers(self, field: str, value: str) -> None:
        other = Paper.objects.filter(**{field: value}).exclude(pk=getattr(self.instance, "pk", None)).first()
        if other is not None:
            raise Conflict(f"{field}: paper {other.pk} ({other.plain_title[:80]!r}) has {field} {value}; merge the two")

    def validate(self, data):
        if "authors" in data and self._a_lists_first_authors(data["authors"]):
            data["authors"] = None  # a list's row sent back names the first of them: they all stay
        title = data.get("title", self._left_as("title", ""))
        needs_review = data.get("needs_review", self._left_as("needs_review", False))
        reason = data.get("review_reason", self._left_as("review_reason", ""))
        if not VISIBLE.search(title or "") and not (needs_review and VISIBLE.search(reason or "")):
            raise serializers.ValidationError({"title": "a paper needs a title, or needs_review with a review_reason"})
        if needs_review and not VISIBLE.search(reason or ""):
            raise serializers.ValidationError({"review_reason": "say why the paper needs review"})
        if not needs_review and reason:
            data["review_reason"] = ""
        return data

    @transaction.atomic
    def create(self, validated_data):
        authors = validated_data.pop("authors", None)
        paper = Paper.objects.create(**validated_data)
        if authors:
            self._set_authors(paper, authors)
        keys_assign([paper])  # once its authors are known: the key is made from the first one's name
        return paper

    def _a_lists_first_authors(self, people: list) -> bool:
        """Whether the authors sent are the first of the paper's, as a list's row serves them (its
        `author_count` sent back says there are more); other authors with such a count are a 400."""
        sent = self.initial_data if isinstance(self.initial_data, dict) else {}
        count = sent.get("author_count")
        if self.instance is None or not isinstance(count, int) or count <= len(people):
            return False
        current = [
            (a.author_id, a.role, (a.credited or {}).get("name"))
            for a in self.instance.authorships.order_by("position")
        ]
        given = [(p["author"].pk if p["author"] else None, p["role"], p["credited_as"]) for p in people]
        if len(current) == count and current[: len(given)] == given:
            return True
        raise serializers.ValidationError(
            {
                "authors": f"{len(people)} people given of the {count} the paper names (a list's row names "
                f"the first {LISTED_AUTHORS}): send all of them, as the paper's detail does, or leave out author_count"
            }
        )

    def _left_as(self, name: str, cleared):
        """A field the request leaves out: as it is for PATCH, cleared for PUT (and for a new paper)."""
        return getattr(self.instance, name, cleared) if self.partial else cleared

    @transaction.atomic
    def update(self, paper, validated_data):
        if not self.partial:
            validated_data = self._replacing(validated_data)
        authors = validated_data.pop("authors", None)
        if {"year", "published_on"} & set(validated_data) and "issued" not in validated_data:
            validated_data["issued"] = None  # the date is made again from the year or day given
        changed = self.changes(paper, validated_data)
        for name, value in changed.items():
            setattr(paper, name, value)
        if changed:  # a document sent back as it was read changes nothing, not even updated_at
            paper.save()
        if authors is not None:
            self._set_authors(paper, authors)
        keys_assign([paper])  # a paper from before keys were kept gets one with its first write
        return paper

    def _replacing(self, given: dict) -> dict:
        """PUT replaces the record: what it leaves out is cleared (blank, none, no authors), except
        the citation key, which documents cite and which blank keeps."""
        cleared = {}
        for name, field in self.fields.items():
            if field.read_only or name in given or name in ("id", "citation_key"):
                continue
            cleared[name] = [] if name == "authors" else Paper._meta.get_field(field.source).get_default()
        return cleared | given

    def _set_authors(self, paper, people):
        authorships = []
        named = Author.objects.all_named(person["name"] for person in people if person["author"] is None)
        for n, person in enumerate(people, 1):
            author = person["author"] or named[text.name_key(" ".join(person["name"].split()))]
            authorship = Authorship(paper=paper, author=author, position=n, role=person["role"])
            authorship.credit_as(person["credited_as"])
            authorships.append(authorship)
        if len({(a.author.pk, a.role) for a in authorships}) != len(authorships):
            raise serializers.ValidationError({"authors": "an author appears twice in one role"})
        if _people_of(paper.authorships.order_by("position")) == _people_of(authorships):
            return
        paper.authorships.all().delete()
        Authorship.objects.bulk_create(authorships)

    def to_representation(self, instance):
        return paper_document(instance.pk, self.context["request"])

    def served_fields(self) -> set[str]:
        return set(PAPER_DETAIL.fields)


def _people_of(authorships) -> list[tuple]:
    return [(a.author_id, a.role, a.credited) for a in authorships]


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


class ConceptSerializer(SelectableFieldsMixin, ModelSerializer):
    parents = ConceptField(slug_field="slug", many=True, queryset=Concept.objects.all(), required=False)
    children = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    paper_count = serializers.IntegerField(read_only=True, help_text="Papers with an accepted tag of this concept.")
    paper_count_with_descendants = serializers.IntegerField(
        read_only=True, help_text="Papers with an accepted tag of this concept or any concept below it."
    )

    class Meta:
        model = Concept
        fields = [
            "id",
            "slug",
            "name",
            "kind",
            "description",
            "parents",
            "children",
            "paper_count",
            "paper_count_with_descendants",
        ]

    @transaction.atomic
    def create(self, validated_data):
        parents = validated_data.pop("parents", [])
        concept = Concept.objects.create(**validated_data)
        self._set_parents(concept, parents)
        return concept

    @transaction.atomic
    def update(self, concept, validated_data):
        parents = validated_data.pop("parents", None)
        changed = self.changes(concept, validated_data)
        renamed = "name" in changed and "slug" not in validated_data
        for name, value in changed.items():
            if renamed and name == "name":
                concept.rename(value)  # the slug follows; the old one stays an alias
            else:
                setattr(concept, name, value)
        if changed:
            concept.save()
        if parents is not None and set(parents) != set(concept.parents.all()):
            self._set_parents(concept, parents)
        return concept

    def _set_parents(self, concept, parents):
        concept.parent_relations.exclude(parent__in=parents).delete()
        have = set(concept.parent_relations.values_list("parent_id", flat=True))
        for parent in parents:
            if parent.pk in have:
                continue
            relation = ConceptRelation(parent=parent, child=concept)
            try:
                relation.clean()
            except Exception as error:
                # a well-formed request that the graph as it stands cannot take, as a double is
                said = getattr(error, "messages", [str(error)])
                raise Conflict({"detail": f"parents: {' '.join(said)}", "errors": {"parents": said}}) from error
            relation.save()

    def to_representation(self, concept):
        if not hasattr(concept, "paper_count"):
            concept = Concept.objects.filter(pk=concept.pk).for_display().get()
        return super().to_representation(concept)


class TagSerializer(SelectableFieldsMixin, ModelSerializer):
    concept = ConceptField(slug_field="slug", queryset=Concept.objects.all())

    class Meta:
        model = PaperConcept
        fields = ["id", "paper", "concept", "score", "source", "status", "created_by", "created_at", "updated_at"]
        read_only_fields = ["created_by", "created_at", "updated_at"]


class PaperTagSerializer(ModelSerializer):
    """POST /api/papers/{id}/concepts/: tag this paper (concept by slug, or id as id:12)."""

    concept = serializers.CharField(help_text="The concept's slug, or its id as id:12.")

    class Meta:
        model = PaperConcept
        fields = ["concept", "score", "status"]
        extra_kwargs = {"status": {"default": ReviewStatus.ACCEPTED}}

    def validate_concept(self, value):
        concept = Concept.objects.find(value)
        if concept is None:
            raise serializers.ValidationError(f"no concept with slug {value!r} (or give its id as id:12)")
        return concept


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


class DeletedPaperSerializer(Serializer):
    id = serializers.IntegerField(help_text="The deleted paper's id.")
    merged_into = serializers.IntegerField(allow_null=True, help_text="The paper it was merged into, if it was.")
    deletion = serializers.IntegerField(help_text="This deletion's number (the next page starts after it).")


class DeletionsSerializer(Serializer):
    papers = DeletedPaperSerializer(many=True)
    next = serializers.URLField(allow_null=True)
