"""A paper as the API shows it, defined once.

Each field of a paper's JSON is an ORM expression over the paper's row (related rows as subqueries),
so PostgreSQL builds a whole page of papers in one query and Python only passes the text on; the
OpenAPI schema is made from the same definition (`Shape.serializer`), so the two cannot drift apart.
Fetched through DRF serializers instead, a detail took about ten queries and 10 ms of Python.

Untitled papers show a label made from their abstract (`Paper.display_title`); Python writes it into
those few documents after the query.
"""

import json
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connections, router
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Model,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from rest_framework import serializers

from bibliography import syncing
from bibliography.models import (
    CSL_COLUMNS,
    Authorship,
    Citation,
    Concept,
    KeyPoint,
    Paper,
    PaperConcept,
    PaperKeyword,
    PaperLink,
    ReviewStatus,
    SourceRecord,
    Venue,
)
from bibliography.searching import Search

from .exceptions import BadParameter
from .expressions import IsAnyOf, JsonMember, JsonObject, ListedOn, UtcTimestamp, json_list
from .fields import ModelSerializer
from .prepared import Parameter, PreparedQuery


@dataclass
class Shape:
    """A JSON object made from a model's rows: each field an expression over the row, in order.

    A field named as one of the model's own columns needs no schema: the model says its type.
    """

    name: str  # the schema's component
    model: type[Model]
    fields: dict[str, Expression | str]
    schema: dict[str, serializers.Field] = field(default_factory=dict)

    def expression(self, names=None, *, more: dict[str, Expression] | None = None) -> JsonObject:
        """The object of these fields (all: None), and `more` after them."""
        chosen = self.fields if names is None else {name: self.fields[name] for name in names}
        chosen = {**chosen, **(more or {})}
        return JsonObject({name: F(value) if isinstance(value, str) else value for name, value in chosen.items()})

    def serializer(self) -> type[serializers.Serializer]:
        return _schema_serializer(self)

    def but(self, name: str, **more) -> "Shape":
        """This shape under another name, with more fields after its own (or, named as one of its own,
        in that one's place)."""
        fields = {**self.fields, **{key: value for key, (value, _) in more.items()}}
        schema = {**self.schema, **{key: schema for key, (_, schema) in more.items() if schema is not None}}
        return Shape(name, self.model, fields, schema)


_SERIALIZERS: dict[str, type] = {}


def _schema_serializer(shape: Shape) -> type[serializers.Serializer]:
    if shape.name not in _SERIALIZERS:
        names = list(shape.fields)
        meta = type("Meta", (), {"model": shape.model, "fields": names, "read_only_fields": names})
        # the metaclass takes the declared fields, and each instance works on deep copies of them
        attrs = {"Meta": meta, **shape.schema}
        _SERIALIZERS[shape.name] = type(f"{shape.name}Serializer", (ModelSerializer,), attrs)
    return _SERIALIZERS[shape.name]


def _many(shape: Shape, **kwargs) -> serializers.Field:
    return shape.serializer()(many=True, read_only=True, **kwargs)


VENUE = Shape("VenueSummary", Venue, {name: name for name in ["id", "name", "short_name", "kind", "year"]})

AUTHORSHIP = Shape(
    "Authorship",
    Authorship,
    {
        "id": "author_id",
        "name": "author__name",
        "position": "position",
        "role": "role",
        "credited_as": KT("credited__name"),
    },
    {
        "id": serializers.IntegerField(),
        "name": serializers.CharField(),
        "credited_as": serializers.CharField(
            allow_null=True, help_text="The name as this paper gives it, if not the author's."
        ),
    },
)

TAG = Shape(
    "TagSummary",
    PaperConcept,
    {
        "id": "concept_id",
        "slug": "concept__slug",
        "name": "concept__name",
        "score": "score",
        "source": "source",
        "status": "status",
        "tag_id": "id",
    },
    {
        "id": serializers.IntegerField(),
        "slug": serializers.CharField(),
        "name": serializers.CharField(),
        "tag_id": serializers.IntegerField(),
    },
)

LINK = Shape("Link", PaperLink, {"url": "url", "kind": "kind"})

PAPER_BRIEF = Shape(
    "PaperBrief",
    Paper,
    {"id": "id", "title": "title", "year": "year"},
    {"title": serializers.CharField(help_text="The title, or a provisional label if untitled.")},
)

KEY_POINT = Shape(
    "KeyPointSummary",
    KeyPoint,
    {
        "number": "number",
        "text": "text",
        "concepts": json_list(Concept.objects.filter(key_points=OuterRef("pk")).order_by("name", "id").values("slug")),
    },
    {"concepts": serializers.ListField(child=serializers.CharField(), help_text="Slugs of its concepts.")},
)

PROVENANCE = Shape(
    "SourceRecord",
    SourceRecord,
    {
        "file_name": "file_name",
        "line_number": "line_number",
        "listed": ListedOn(),
        "listed_on": "listed_on",
        "import_run": "import_run_id",
    },
    {
        "listed": serializers.CharField(help_text="The listing's date as it gave it: 'Mar 20' when it gave no year."),
        "import_run": serializers.IntegerField(),
    },
)


def _citations(other: str) -> Shape:
    """A citation seen from one end: the paper at the `other` end, briefly."""
    brief = JsonObject({name: F(f"{other}__{value}") for name, value in PAPER_BRIEF.fields.items()})
    return Shape(
        "CitationSummary",
        Citation,
        {"id": "id", "paper": brief, "status": "status", "source": "source", "intent": "intent", "context": "context"},
        {"paper": PAPER_BRIEF.serializer()(read_only=True)},
    )


def _tags(status: str) -> Func:
    tags = PaperConcept.objects.filter(paper=OuterRef("pk"), status=status)
    return json_list(tags.order_by(F("score").desc(), "concept__name", "concept_id").values(json=TAG.expression()))


def _rows(model, shape: Shape, *ordering, limit: int | None = None, **match) -> Func:
    rows = model.objects.filter(**{key: OuterRef("pk") for key in match.values()}).order_by(*ordering)
    return json_list(rows[:limit].values(json=shape.expression()))


# A list's row names the first authors, as OpenAlex's lists do: a paper of a physics collaboration
# (thousands of names) would otherwise make every page that lists it megabytes long. Its detail
# names all, and `author_count` says how many there are.
LISTED_AUTHORS = 100
_AUTHOR_COUNT = Coalesce(
    Subquery(
        Authorship.objects.filter(paper=OuterRef("pk")).order_by().values("paper").annotate(n=Count("pk")).values("n")
    ),
    0,
    output_field=IntegerField(),
)


# The complete record: CSL's variables, in lists and details alike.
RECORD_FIELDS = ["item_type", "issued", "accessed", *CSL_COLUMNS.values(), "extra"]

_BASE_URL = Parameter(2, "text", TextField())

PAPER = Shape(
    "PaperList",
    Paper,
    {
        "id": "id",
        "url": Concat(_BASE_URL, Cast("id", TextField()), Value("/"), output_field=TextField()),
        "title": "title",
        "title_is_provisional": ExpressionWrapper(Q(title=""), output_field=BooleanField()),
        "abstract": "abstract",
        "kind": "kind",
        "year": "year",
        "published_on": "published_on",
        "venue": Subquery(Venue.objects.filter(pk=OuterRef("venue_id")).values(json=VENUE.expression())),
        "authors": _rows(Authorship, AUTHORSHIP, "position", limit=LISTED_AUTHORS, paper="paper"),
        "author_count": _AUTHOR_COUNT,
        "authors_truncated": "authors_truncated",
        "concepts": _tags(ReviewStatus.ACCEPTED),
        "keywords": json_list(
            PaperKeyword.objects.filter(paper=OuterRef("pk")).order_by("position").values("keyword__name")
        ),
        "links": _rows(PaperLink, LINK, "id", paper="paper"),
        "doi": "doi",
        "arxiv_id": "arxiv_id",
        "citation_key": "citation_key",
        **{name: name for name in RECORD_FIELDS},
        "cited_by_count": "cited_by_count",
        "version": syncing.VERSION,
        "needs_review": "needs_review",
        "review_reason": "review_reason",
        "created_at": UtcTimestamp("created_at"),
        "updated_at": UtcTimestamp("updated_at"),
    },
    {
        "url": serializers.URLField(),
        "title": serializers.CharField(help_text="The title, or a provisional label if untitled."),
        "title_is_provisional": serializers.BooleanField(),
        "venue": VENUE.serializer()(read_only=True, allow_null=True),
        "authors": _many(AUTHORSHIP, help_text=f"In order; a list's row names the first {LISTED_AUTHORS}."),
        "author_count": serializers.IntegerField(help_text="How many people the paper names (authors, editors …)."),
        "concepts": _many(TAG),
        "keywords": serializers.ListField(
            child=serializers.CharField(), help_text="The paper's keywords, in order (not concepts)."
        ),
        "links": _many(LINK),
        "created_at": serializers.DateTimeField(),
        "updated_at": serializers.DateTimeField(),
    },
)


def _citing(this: str, other: str) -> Func:
    shape = _citations(other)
    rows = Citation.objects.filter(**{this: OuterRef("pk")}).exclude(status=ReviewStatus.REJECTED)
    return json_list(rows.order_by("id").values(json=shape.expression()))


PAPER_DETAIL = PAPER.but(
    "PaperDetail",
    authors=(_rows(Authorship, AUTHORSHIP, "position", paper="paper"), _many(AUTHORSHIP, help_text="All, in order.")),
    references=(_citing("citing", "cited"), _many(_citations("cited"))),
    cited_by=(_citing("cited", "citing"), _many(_citations("citing"))),
    key_points=(_rows(KeyPoint, KEY_POINT, "number", paper="paper"), _many(KEY_POINT)),
    suggested_tags=(_tags(ReviewStatus.SUGGESTED), _many(TAG)),
    provenance=(_rows(SourceRecord, PROVENANCE, "id", paper="paper"), _many(PROVENANCE)),
)

# added to a search's results, from its ranking (selectable with ?fields= all the same)
RANKING_FIELDS = ("relevance", "snippet")

# A page's ranking, by id as text: `{"12": {"relevance": 0.42, "snippet": "…"}}`. As `json` (not
# `jsonb`) its members come out as Python wrote them, so the document says what the search said.
_RANKING = Parameter(3, "json", TextField())


def ranking_of(papers, search: Search | None = None) -> dict[int, dict[str, float | str]]:
    """What the search that found these papers says of each: its relevance (to six places) and, from
    the `search` that found them (papers with their abstract), the snippet of its abstract (a search
    by title similarity gives none)."""
    ranking = {}
    for paper in papers:
        said = {"relevance": getattr(paper, "relevance", None)}
        if said["relevance"] is not None:
            said["relevance"] = round(said["relevance"], 6)
            if search is not None:
                said["snippet"] = search.snippet(paper.abstract)
        ranking[paper.pk] = {name: value for name, value in said.items() if value is not None}
    return ranking


def selected_fields(raw: str | None, *, detail: bool) -> tuple[str, ...] | None:
    """The fields `?fields=` asks for, in the shape's order, and the id, which every record carries
    (None: all); an unknown one is a 400."""
    if not raw:
        return None
    shape = PAPER_DETAIL if detail else PAPER
    names = [name.strip() for name in raw.split(",") if name.strip()]
    unknown = [name for name in names if name not in shape.fields and name not in RANKING_FIELDS]
    if unknown:
        raise BadParameter("fields", f"unknown field {unknown[0]!r}; fields: {', '.join(shape.fields)}")
    return tuple(name for name in [*shape.fields, *RANKING_FIELDS] if name in names or name == "id")


# Untitled papers, and for a detail papers citing or cited by untitled ones, need their labels.
_UNTITLED_NEIGHBOUR = Exists(Citation.objects.filter(citing=OuterRef("pk"), cited__title="")) | Exists(
    Citation.objects.filter(cited=OuterRef("pk"), citing__title="")
)


def paper_documents(
    ids,
    *,
    base_url: str,
    detail: bool = False,
    fields: tuple[str, ...] | None = None,
    ranking: dict[int, dict[str, float | str]] | None = None,
) -> dict[int, str]:
    """The JSON of each of these papers that exists, by id: list fields, or with `detail` every field;
    `fields` keeps only those. A search's results end with their `ranking` (`ranking_of`)."""
    if not ids:
        return {}
    ranked = tuple(
        name
        for name in RANKING_FIELDS
        if any(name in said for said in (ranking or {}).values()) and (fields is None or name in fields)
    )
    statement = _statement(detail, fields, ranked)
    parameters = [list(ids), base_url]
    if ranked:
        parameters.append(json.dumps({str(pk): said for pk, said in ranking.items()}, ensure_ascii=False))
    with connections[router.db_for_read(Paper)].cursor() as cursor:
        statement.execute(cursor, parameters)
        rows = cursor.fetchall()
    documents = {pk: document for pk, document, _ in rows}
    unlabelled = {pk: documents[pk] for pk, _, needs_label in rows if needs_label}
    if unlabelled:
        documents |= _with_labels(unlabelled, nested=detail)
    return documents


def paper_document(pk: int, request, *, detail: bool = True) -> dict | None:
    """One paper's JSON as a GET of it answers (for write responses and ETags)."""
    found = paper_documents([pk], base_url=request.build_absolute_uri(reverse("paper-list")), detail=detail)
    return json.loads(found[pk]) if pk in found else None


@lru_cache(maxsize=64)
def _statement(detail: bool, fields: tuple[str, ...] | None, ranked: tuple[str, ...] = ()) -> PreparedQuery:
    shape = PAPER_DETAIL if detail else PAPER
    names = None if fields is None else [name for name in fields if name in shape.fields]
    ranking = {name: JsonMember(_RANKING, Cast("id", TextField()), Value(name)) for name in ranked}
    needs_label = Q(title="") | _UNTITLED_NEIGHBOUR if detail else Q(title="")
    if names is not None and not {"title", "references", "cited_by"} & set(names):
        needs_label = Q(pk__in=[])
    queryset = (
        Paper.objects.filter(IsAnyOf(F("id"), Parameter(1, "bigint[]", TextField())))
        .annotate(document=Cast(shape.expression(names, more=ranking), TextField()))
        .annotate(needs_label=ExpressionWrapper(needs_label, output_field=BooleanField()))
        .order_by()
        .values_list("id", "document", "needs_label")
    )
    name = "_".join(["paper_documents", "detail" if detail else "summary", *ranked])
    # A client choosing fields may make many variants: those run as plain statements.
    types = "bigint[], text, json" if ranked else "bigint[], text"
    return PreparedQuery(name if fields is None else None, types, queryset)


def _with_labels(documents: dict[int, str], *, nested: bool) -> dict[int, str]:
    """Fill in the provisional titles of untitled papers (one query for all of them); `nested`: the
    documents hold other papers (a detail's citations), which may be untitled too."""
    if not nested:  # the paper's own title is the first one: no need to parse the JSON
        labels = _labels(documents.keys())
        return {pk: doc.replace(_UNTITLED, f'"title" : {json.dumps(labels[pk], ensure_ascii=False)}', 1)
                for pk, doc in documents.items()}  # fmt: skip
    parsed = {pk: json.loads(document) for pk, document in documents.items()}
    named = [(pk, data) for pk, data in parsed.items()]  # a document without its id (?fields=) is still its row's
    named += [(citation["paper"]["id"], citation["paper"]) for data in parsed.values()
              for key in ("references", "cited_by") for citation in data.get(key, ())]  # fmt: skip
    labels = _labels({pk for pk, paper in named if paper.get("title") == ""})
    for pk, paper in named:
        if pk in labels:
            paper["title"] = labels[pk]
    return {pk: json.dumps(data, ensure_ascii=False) for pk, data in parsed.items()}


_UNTITLED = '"title" : ""'  # as json_build_object writes it


def _labels(ids) -> dict[int, str]:
    rows = Paper.objects.filter(pk__in=list(ids)).only("title", "abstract")
    return {paper.pk: paper.display_title for paper in rows}
