"""The API's resources. Viewsets declare; the domain's functions (tagging, merging) do the writing."""

import hashlib
import json
import re

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import transaction
from django.db.models import F, Q, Value
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from bibliography import identifiers, text
from bibliography.exporting import export_document
from bibliography.facets import GROUPS
from bibliography.filtering import PaperFilter
from bibliography.formats.base import Format
from bibliography.formats.registry import EXPORT_FORMATS
from bibliography.merging import MergeError, paper_merge
from bibliography.models import (
    Author,
    AuthorAlias,
    Citation,
    Concept,
    ImportFormat,
    ImportRun,
    KeyPoint,
    Note,
    Paper,
    PaperConcept,
    Proposal,
    ReviewStatus,
    Venue,
)
from bibliography.syncing import deleted_since, idempotent_claim, library_version
from bibliography.tagging import papers_tag

from . import serializers as s
from .etags import representation_etag, sent_etags
from .exceptions import BadParameter, PreconditionFailed, UnprocessableEntity, unknown_parameter
from .filters import FilterBackend
from .ordering import ORDERINGS, in_list_order, ordering_of
from .renderers import EXPORT_RENDERERS
from .representation import PAPER, PAPER_DETAIL, paper_document, paper_documents, ranking_of, selected_fields

COMMON_PARAMETERS = {"cursor", "page_size", "fields", "format"}


# What scripts written for OpenAlex, Semantic Scholar or Zotero's web API send, and our name for it.
PARAMETER_ALIASES = {
    "per_page": "page_size",
    "per-page": "page_size",
    "limit": "page_size",
    "sort": "ordering",
    "select": "fields",
    "q": "search",
}
# OpenAlex's `filter=name:value,name:value` names, and ours (a name not here is taken as ours)
FILTER_ALIASES = {
    "publication_year": "year",
    "from_publication_date": "published_after",
    "to_publication_date": "published_before",
    "from_created_date": "created_since",
    "from_updated_date": "updated_since",
    "title.search": "search",
    "default.search": "search",
    "display_name.search": "search",
    "authorships.author.id": "author",
    "concepts.id": "concept",
    "topics.id": "concept",
    "type": "item_type",
    "ids.openalex": "id",
}
# what polite-pool and keyed scripts send on every call, which names no filter here
IGNORED_PARAMETERS = {"mailto", "api_key", "email"}


def _openalex_filters(given: str, known: set[str]) -> list[tuple[str, str]]:
    """OpenAlex's `filter=publication_year:2023,authorships.author.id:A5023888391` as our parameters;
    `publication_year:>2020` and `<2020` are year_min and year_max."""
    found = []
    for part in filter(None, given.split(",")):
        name, colon, value = part.partition(":")
        if not colon or not value:
            raise BadParameter("filter", f"filter {part!r}: give name:value, as OpenAlex's filter= does")
        ours = FILTER_ALIASES.get(name, name)
        if ours == "year" and value[0] in "<>" and (year := text.whole_number(value[1:])) is not None:
            ours, value = ("year_min", str(year + 1)) if value[0] == ">" else ("year_max", str(year - 1))
        if ours not in known:
            raise BadParameter("filter", f"filter {name!r} is no filter here; filters: {', '.join(sorted(known))}")
        found.append((ours, value))
    return found


class StrictQueryMixin:
    """Unknown query parameters are a 400 that suggests the closest known one (`autor` → `author`);
    so is a parameter given twice, which would otherwise mean its last value and nothing else.
    Other APIs' names for ours (`per_page`, `sort`, `select`, `q`, OpenAlex's `filter=`) are read as
    ours; `mailto=` and `api_key=` are let through."""

    def initial(self, request, *args, **kwargs):
        if request.method.lower() not in self.allowed_methods_lower():
            raise exceptions.MethodNotAllowed(request.method)  # whatever its parameters and Accept say
        super().initial(request, *args, **kwargs)
        for name, values in request.query_params.lists():
            if len(values) > 1:
                raise BadParameter(name, f"{name} is given {len(values)} times: give it once")
        known = set(COMMON_PARAMETERS)
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
        for name in getattr(self, "filterset_fields", None) or []:
            known.add(name)
        known |= set(getattr(self, "extra_query_parameters", ()))
        self._read_aliases(request, known)
        for name in request.query_params:
            if name not in known:
                raise unknown_parameter(name, sorted(known))

    def allowed_methods_lower(self) -> set[str]:
        return {method.lower() for method in self.allowed_methods} | {"options"}

    @staticmethod
    def _read_aliases(request, known: set[str]) -> None:
        aliases = [name for name in request.query_params if name in PARAMETER_ALIASES and name not in known]
        ignored = [name for name in request.query_params if name in IGNORED_PARAMETERS and name not in known]
        openalex = "filter" in request.query_params and "filter" not in known
        # OpenAlex's paging: `page=1` is the first page, as `cursor=*` starts its cursor paging
        page = request.query_params.get("page")
        if page is not None and page.strip() != "1":
            raise BadParameter("page", "pages are not numbered: follow each answer's `next` link (page=1 is the first)")
        first_page = page is not None or request.query_params.get("cursor") == "*"
        if not aliases and not ignored and not openalex and not first_page:
            return
        params = request._request.GET.copy()
        for name in ignored:
            params.pop(name)
        if first_page:
            params.pop("page", None)
            params.pop("cursor", None)
        if openalex:
            for name, value in _openalex_filters(params.pop("filter")[0], known):
                if name in params:
                    raise BadParameter("filter", f"filter gives {name} more than once, or beside ?{name}=")
                params[name] = value
        for alias in aliases:
            ours = PARAMETER_ALIASES[alias]
            if ours not in known:
                raise BadParameter(alias, f"{alias} (here: {ours}) is not a parameter of this resource")
            if ours in params:
                raise BadParameter(alias, f"{alias} is this API's {ours}: give one of them, not both")
            params[ours] = params.pop(alias)[0]
        params._mutable = False
        request._request.GET = params
        request._request.META["QUERY_STRING"] = params.urlencode()  # the next page's link says ours


class CuratedWritesMixin:
    """Details carry an ETag; PUT, PATCH and DELETE with If-Match must name the current one (else 412),
    so that two curators editing the same record cannot overwrite each other unknowingly.

    Each write runs in its own savepoint, so a constraint the database refuses (answered 409) leaves
    nothing half-done; history records the user who made it.
    """

    def etag_for(self, data) -> str:
        return representation_etag(json.dumps(data, sort_keys=True, default=str), self.request)

    def etag_of(self, instance) -> str:
        """The ETag of the whole record, whatever `?fields=` the request has."""
        if isinstance(instance, Paper):
            return self.etag_for(paper_document(instance.pk, self.request))
        return self.etag_for(
            self.get_serializer_class()(instance, context=self.get_serializer_context() | {"whole": True}).data
        )

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self.get_serializer(instance).data
        # the ETag is the whole record's, whatever ?fields= shows, so that it serves If-Match
        etag = self.etag_of(instance) if "fields" in request.query_params else self.etag_for(data)
        return self.conditional(Response(data), etag)

    @staticmethod
    def conditional(response, etag: str):
        """The answer with its ETag (a 304 when If-None-Match names it: RepresentationETagMiddleware)."""
        response["ETag"] = etag
        return response

    def check_if_match(self, instance) -> None:
        since = self._version_sent()
        expected = sent_etags(self.request.headers.get("If-Match"))
        if expected and "*" not in expected and self.etag_of(instance) not in expected:
            raise PreconditionFailed()
        if since is not None and getattr(instance, "version", 0) > since:
            raise PreconditionFailed("The record changed since that version: fetch it again, then retry.")

    def _version_sent(self) -> int | None:
        """If-Unmodified-Since-Version's number; a malformed one is a 400 whatever else was sent."""
        since = self.request.headers.get("If-Unmodified-Since-Version")
        if since is None:
            return None
        if not any(field.name == "version" for field in self.get_queryset().model._meta.fields):
            # silently passing it would promise a check that is not made
            raise BadParameter("If-Unmodified-Since-Version", "only papers have versions: send If-Match with the ETag")
        if (version := text.whole_number(since.strip())) is None:
            raise BadParameter("If-Unmodified-Since-Version", "If-Unmodified-Since-Version is a record's version")
        return version

    def _preconditions(self) -> bool:
        return bool(self.request.headers.get("If-Match")) or "If-Unmodified-Since-Version" in self.request.headers

    def _locked(self, instance):
        """The record again, locked until the write commits: If-Match is checked against what is
        written over, not what was read before another curator's write landed."""
        return self.get_queryset().select_for_update(of=("self",)).get(pk=instance.pk)

    def perform_create(self, serializer):
        extra = {"created_by": self.request.user} if "created_by" in serializer.fields else {}
        with transaction.atomic():
            serializer.save(**extra)

    def perform_update(self, serializer):
        with transaction.atomic():
            if self._preconditions():
                serializer.instance = self._locked(serializer.instance)
                self.check_if_match(serializer.instance)
            serializer.instance._history_user = self.request.user
            serializer.save()

    def perform_destroy(self, instance):
        with transaction.atomic():
            if self._preconditions():
                instance = self._locked(instance)
                self.check_if_match(instance)
            instance._history_user = self.request.user
            instance.delete()

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        response["ETag"] = self.etag_for(response.data)  # the representation a GET now returns
        return response

    def create(self, request, *args, **kwargs):
        """A create sent again with the same `Idempotency-Key` (or Zotero's `Zotero-Write-Token`) gets
        the first one's answer, not a second record; the key sent with another request is a 422."""
        header = next((name for name in ("Idempotency-Key", "Zotero-Write-Token") if name in request.headers), None)
        if header is None:
            return super().create(request, *args, **kwargs)
        key = request.headers[header]
        if not re.fullmatch(r"[\x20-\x7e]{1,255}", key):
            raise BadParameter(header, f"{header} is 1 to 255 printable characters")
        sent = json.dumps([request.path, request.data], sort_keys=True, default=str)
        fingerprint = hashlib.sha256(sent.encode()).hexdigest()
        with transaction.atomic():
            claim = idempotent_claim(request.user, key, fingerprint)
            if claim.status is not None:
                if claim.fingerprint != fingerprint:
                    raise UnprocessableEntity(f"this {header} was sent with another request; use a new key")
                return Response(claim.answer, status=claim.status, headers={"Idempotent-Replayed": "true"})
            response = super().create(request, *args, **kwargs)
            claim.status, claim.answer = response.status_code, response.data
            claim.save(update_fields=["status", "answer"])
        return response


# papers -------------------------------------------------------------------------------------------

SEARCH_EXAMPLES = [
    OpenApiParameter("search", str, description='e.g. `diffusion models -image` or `"in-context learning"`'),
    OpenApiParameter(
        "ordering",
        str,
        description=f"One of {', '.join(ORDERINGS)}; `-` for descending (or `name:desc`, as OpenAlex's sort).",
        pattern=f"^-?({'|'.join(ORDERINGS)})(:(asc|desc))?$",
    ),
    OpenApiParameter(
        "group_by",
        str,
        enum=GROUPS,
        description=f"Counts per key for the filtered papers: {', '.join(GROUPS)}. JSON only (not with format).",
    ),
    OpenApiParameter("fields", str, description="Comma-separated fields to return, e.g. `id,title,year`."),
    OpenApiParameter("page_size", int, description="1 to 200, default 50."),
]


@extend_schema_view(
    list=extend_schema(
        parameters=SEARCH_EXAMPLES,
        examples=[
            OpenApiExample("Search", value={}, description="/api/papers/?search=scaling+laws&ordering=-relevance"),
            OpenApiExample("Concept", value={}, description="/api/papers/?concept=scaling&year_min=2023"),
        ],
    ),
    retrieve=extend_schema(
        parameters=[
            OpenApiParameter(
                "id",
                str,
                OpenApiParameter.PATH,
                description="An id, doi:10.…/…, arxiv:2401.01234 or key:<citation key>",
            )
        ]
    ),
)
class PaperViewSet(StrictQueryMixin, CuratedWritesMixin, viewsets.ModelViewSet):
    extra_query_parameters = ["ordering", "group_by"]
    """Papers and talks. Read by anyone; written by curators."""

    queryset = Paper.objects.all()
    filter_backends = [FilterBackend]  # then the list's order: listed()
    filterset_class = PaperFilter
    # a DOI holds slashes; a last segment that names an action (…/merge/) is the action's
    lookup_value_regex = r"[0-9]+|(?:doi|arxiv):[^/]+(?:/(?!(?:merge|concepts)/$)[^/]+)*|key:[^/]+"
    action_permissions = {
        "concepts": ["bibliography.add_paperconcept", "bibliography.change_paperconcept"],
        "merge": ["bibliography.change_paper", "bibliography.delete_paper"],
        "batch": [],
    }

    def get_renderers(self):
        renderers = super().get_renderers()
        if self.action in ("list", "retrieve"):
            renderers += [renderer() for renderer in EXPORT_RENDERERS]
        return renderers

    def exporting(self) -> Format | None:
        return EXPORT_FORMATS.get(getattr(self.request.accepted_renderer, "format", None))

    def get_serializer_class(self):
        return {
            "list": PAPER.serializer(),
            "create": s.PaperWriteSerializer,
            "update": s.PaperWriteSerializer,
            "partial_update": s.PaperWriteSerializer,
            "concepts": s.PaperTagSerializer,
            "batch": s.BatchSerializer,
            "merge": s.MergeSerializer,
        }.get(self.action, PAPER_DETAIL.serializer())

    def answer(self, body: str) -> HttpResponse | Response:
        """JSON text as it is; for another renderer (the browsable API), the data it holds."""
        if getattr(self.request.accepted_renderer, "format", None) == "json":
            return HttpResponse(body, content_type="application/json")
        return Response(json.loads(body))

    def documents(self, ids, *, detail: bool = False, ranking=None) -> dict[int, str]:
        fields = selected_fields(self.request.query_params.get("fields"), detail=detail)
        base_url = self.request.build_absolute_uri(reverse("paper-list"))
        return paper_documents(ids, base_url=base_url, detail=detail, fields=fields, ranking=ranking)

    def listed(self):
        """The papers the list pages, in its order. The paginator counts them first: a search ranked by
        relevance pages the ranked window of its matches, and its count is of every match."""
        matches = self.filter_queryset(Paper.objects.all())
        return in_list_order(self.request, matches, count=self.paginator.count_matches(matches))

    def cursor_ordering(self, request) -> list[str]:
        return ordering_of(request)

    def get_queryset(self):
        return Paper.objects.for_listing() if self.exporting() else Paper.objects.all()

    def get_object(self):
        paper = self.get_queryset().filter(pk=self.named(follow=False)).first()
        if paper is None:
            raise Http404("no such paper")
        self.check_object_permissions(self.request, paper)
        return paper

    def named(self, *, follow: bool) -> int:
        """The id of the paper the URL names (an id, doi:…, arxiv:… or key:…); with `follow`, the paper a
        merged-away id or an old key became."""
        try:
            reference = identifiers.paper_reference(_lookup(self.kwargs["pk"]))
        except identifiers.NotAnIdentifier:
            raise Http404("no such paper") from None
        if reference[0] == "id" and not follow:
            return reference[1]
        pk = Paper.objects.named([reference], follow=follow)[0]
        if pk is None:
            raise Http404("no such paper")
        return pk

    def retrieve(self, request, *args, **kwargs):
        try:
            if fmt := self.exporting():
                return Response(export_document(fmt, [self.get_object()]))
            pk = self.named(follow=False)
            document = self.documents([pk], detail=True)[pk]
        except (Http404, KeyError):
            moved_to = self.named(follow=True)  # 404 if the name never named a paper
            return _moved(request, reverse("paper-detail", args=[moved_to]))
        # the whole record's ETag, whatever ?fields= showed, so that it serves If-Match
        whole = json.loads(document) if "fields" not in request.query_params else paper_document(pk, request)
        return self.conditional(self.answer(document), self.etag_for(whole))

    def list(self, request, *args, **kwargs):
        version = library_version()  # before the read, so that nothing this read misses is before it
        response = self._list(request)
        response["Last-Modified-Version"] = str(version)
        if (count := getattr(self.paginator, "count", None)) is not None:
            response["Total-Results"] = str(count)  # as Zotero's API says it
        return response

    def _list(self, request):
        group_by = request.query_params.get("group_by")
        if group_by:
            if self.exporting():
                raise BadParameter("group_by", "group_by gives counts, as JSON: leave out format")
            if group_by not in GROUPS:
                raise BadParameter("group_by", f"group_by must be one of {', '.join(GROUPS)}")
            return Response(
                {"group_by": group_by, "groups": self.filter_queryset(Paper.objects.all()).counts_by(group_by)}
            )
        if fmt := self.exporting():
            return self.export_page(fmt)
        return self.document_page()

    def document_page(self) -> HttpResponse | Response:
        """One cursor page, each paper's JSON built by PostgreSQL; the page query reads only ids."""
        columns = {"id"} | {name.lstrip("-") for name in self.cursor_ordering(self.request)}
        columns -= {"relevance", "date_key"}  # annotations, not columns
        page = self.paginate_queryset(self.listed().only(*columns))
        documents = self.documents([paper.pk for paper in page], ranking=ranking_of(page))
        results = ",".join(documents[paper.pk] for paper in page if paper.pk in documents)
        return self.answer(
            f'{{"count":{self.paginator.count},"count_is_estimate":{json.dumps(self.paginator.count_is_estimate)},'
            f'"next":{json.dumps(self.paginator.get_next_link())},'
            f'"previous":{json.dumps(self.paginator.get_previous_link())},"results":[{results}],'
            f'"meta":{json.dumps(self.paginator.meta())}}}'
        )

    def export_page(self, fmt: Format) -> Response:
        """One page of papers in a reference-manager format; the next page is in the Link header."""
        page = self.paginate_queryset(self.listed().for_listing())
        response = Response(export_document(fmt, page))
        links = [(self.paginator.get_next_link(), "next"), (self.paginator.get_previous_link(), "prev")]
        header = ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links if url)
        if header:
            response["Link"] = header
        return response

    @extend_schema(request=s.BatchSerializer, responses={200: s.BatchResultSerializer}, filters=False)
    @action(detail=False, methods=["post"], filter_backends=[])
    def batch(self, request):
        """Up to 500 papers, in the order asked, each named by id, `doi:`, `arxiv:` or `key:`; a merged
        id or an alias key gives the paper it became, and null stands for no such paper."""
        body = s.BatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        chosen = Paper.objects.named(body.validated_data["ids"])
        documents = self.documents({pk for pk in chosen if pk})
        return self.answer(f'{{"results":[{",".join(documents.get(pk, "null") for pk in chosen)}]}}')

    @extend_schema(request=s.PaperTagSerializer, responses={201: s.TagSerializer})
    @action(detail=True, methods=["post"])
    def concepts(self, request, pk=None):
        """Tag this paper with a concept: `{"concept": "scaling", "score": 0.8, "status": "accepted"}`."""
        paper = get_object_or_404(Paper, pk=self.get_object().pk)
        body = s.PaperTagSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        concept = body.validated_data["concept"]
        papers_tag(papers=[paper], concept=concept, by=request.user, score=body.validated_data.get("score"))
        tag = PaperConcept.objects.get(paper=paper, concept=concept)
        wanted = body.validated_data.get("status", ReviewStatus.ACCEPTED)
        if tag.status != wanted:
            tag.status = wanted
            tag._history_user = request.user
            tag.save(update_fields=["status", "updated_at"])
        return Response(
            s.TagSerializer(tag, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.MergeSerializer, responses={200: PAPER_DETAIL.serializer()})
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Merge other papers into this one (the admin's merge): `{"others": [12, 13]}`, choosing
        whose value a field keeps with `{"keep": {"title": 12}}`."""
        survivor = self.get_object()
        body = s.MergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        others = list(Paper.objects.filter(pk__in=body.validated_data["others"]))
        if len(others) != len(set(body.validated_data["others"])):
            raise BadParameter("others", "some of these papers do not exist")
        keep = body.validated_data.get("keep", {})
        if strangers := sorted(set(keep.values()) - {survivor.pk, *body.validated_data["others"]}):
            raise BadParameter("keep", f"{', '.join(map(str, strangers))}: a kept value comes from a merged paper")
        try:
            paper_merge(into=survivor, others=others, by=request.user, keep=keep)
        except MergeError as error:
            raise BadParameter("others", str(error)) from error
        return Response(paper_document(survivor.pk, request))


def _moved(request, url: str) -> HttpResponsePermanentRedirect:
    """A record that lives at another address now (merged, renamed), the query string kept."""
    query = request.META.get("QUERY_STRING")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


def _lookup(value) -> str:
    """The id, slug or DOI in a URL; a NUL in it (which no text column can hold) names nothing."""
    lookup = str(value)
    if "\x00" in lookup:
        raise Http404("no such record")
    return lookup


# the other resources ----------------------------------------------------------------------------


class AuthorViewSet(StrictQueryMixin, CuratedWritesMixin, viewsets.ModelViewSet):
    queryset = Author.objects.all()
    serializer_class = s.AuthorSerializer
    filterset_fields = ["orcid"]
    extra_query_parameters = ["name"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        queryset = super().get_queryset()
        name = self.request.query_params.get("name")
        if name:
            queryset = queryset.filter(name_key=text.name_key(name))  # author_name_key_idx
        return queryset

    def retrieve(self, request, *args, **kwargs):
        """An author; the id of one merged into another answers 301 with the survivor's address."""
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            old_id = text.whole_number(_lookup(self.kwargs["pk"]))
            survivor = AuthorAlias.objects.filter(old_id=old_id).values_list("author_id", flat=True).first()
            if survivor is None:
                raise
            return _moved(request, reverse("author-detail", args=[survivor]))


class VenueViewSet(StrictQueryMixin, CuratedWritesMixin, viewsets.ModelViewSet):
    queryset = Venue.objects.all()
    serializer_class = s.VenueSerializer
    filterset_fields = ["kind", "year"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


# every concept above or below one: a few, so not paginated
_CONCEPT_WALK = inline_serializer("ConceptWalk", {"results": s.ConceptSerializer(many=True)})


class ConceptViewSet(StrictQueryMixin, CuratedWritesMixin, viewsets.ModelViewSet):
    """Concepts of the graph; look one up by slug, or by id as `id:12`."""

    queryset = Concept.objects.all()
    serializer_class = s.ConceptSerializer
    filterset_fields = ["kind"]
    lookup_value_regex = r"[^/]+"

    def get_queryset(self):
        return super().get_queryset().for_display()

    @extend_schema(responses={200: _CONCEPT_WALK})
    @action(detail=True)
    def ancestors(self, request, pk=None):
        """Every concept above this one, in one recursive query."""
        return self._walk(Concept.objects.ancestors_of([self.get_object().pk], include_self=False))

    @extend_schema(responses={200: _CONCEPT_WALK})
    @action(detail=True)
    def descendants(self, request, pk=None):
        """Every concept below this one, in one recursive query."""
        return self._walk(Concept.objects.descendants_of([self.get_object().pk], include_self=False))

    def _walk(self, concepts):
        rows = concepts.order_by("kind", "name").for_display()
        return Response({"results": s.ConceptSerializer(rows, many=True, context=self.get_serializer_context()).data})

    def get_object(self):
        obj = get_object_or_404(self.get_queryset().referenced(_lookup(self.kwargs["pk"])))
        self.check_object_permissions(self.request, obj)
        return obj

    def retrieve(self, request, *args, **kwargs):
        """A concept; its old slug (before a rename or a merge) answers 301 with the new address."""
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            concept = Concept.objects.formerly(_lookup(self.kwargs["pk"])).first()
            if concept is None:
                raise
            return _moved(request, reverse("concept-detail", args=[concept.slug]))


class NoteViewSet(StrictQueryMixin, CuratedWritesMixin, viewsets.ModelViewSet):
    """Curators' notes on papers (their words are found by `/api/papers/?search=`)."""

    queryset = Note.objects.select_related("created_by")
    serializer_class = s.NoteSerializer
    filterset_fields = ["paper"]


class ProposalViewSet(
    StrictQueryMixin,
    CuratedWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Values sources propose for papers' fields (`manage.py enrich`, imports that say otherwise). Sources
    make them; curators decide them: `PATCH {"status": "accepted"}` or `{"status": "rejected"}`."""

    queryset = Proposal.objects.select_related("decided_by")
    serializer_class = s.ProposalSerializer
    filterset_fields = ["paper", "status"]
    http_method_names = ["get", "patch", "head", "options"]


class KeyPointViewSet(StrictQueryMixin, CuratedWritesMixin, viewsets.ModelViewSet):
    queryset = KeyPoint.objects.prefetch_related("concepts")
    serializer_class = s.KeyPointSerializer
    filterset_fields = ["paper"]


class TagViewSet(StrictQueryMixin, CuratedWritesMixin, viewsets.ModelViewSet):
    """Paper-concept tags. Accept or reject one with `PATCH {"status": "accepted"}`."""

    queryset = PaperConcept.objects.select_related("concept")
    serializer_class = s.TagSerializer
    filterset_fields = ["paper", "status", "source"]
    extra_query_parameters = ["concept"]

    def get_queryset(self):
        queryset = super().get_queryset()
        concept = self.request.query_params.get("concept")
        if concept:
            found = Concept.objects.find(concept)
            queryset = queryset.filter(concept=found) if found else queryset.none()
        return queryset


class CitationViewSet(StrictQueryMixin, CuratedWritesMixin, viewsets.ModelViewSet):
    """Citations between papers. Accept or reject one with `PATCH {"status": "accepted"}`."""

    queryset = Citation.objects.all()
    serializer_class = s.CitationSerializer
    filterset_fields = ["citing", "cited", "status", "source", "intent"]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("file_format", str, enum=list(ImportFormat.values), description="The import's format.")
        ]
    )
)
class ImportRunViewSet(StrictQueryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = ImportRun.objects.all()
    serializer_class = s.ImportRunSerializer
    filterset_fields = ["status", "file_name"]
    extra_query_parameters = ["file_format"]

    def get_queryset(self):
        # the import's format: `format` is the answer's (json, api), as on every resource
        queryset = super().get_queryset()
        if file_format := self.request.query_params.get("file_format"):
            if file_format not in ImportFormat.values:
                raise BadParameter("file_format", f"file_format must be one of {', '.join(ImportFormat.values)}")
            queryset = queryset.filter(format=file_format)
        return queryset


# sync ----------------------------------------------------------------------------------------------

DELETIONS_PAGE = 5000
WHOLE = "^[0-9]{1,18}$"


class DeletedView(APIView):
    """Papers deleted or merged away since a library version, for a copy kept in step: ask with the
    `Last-Modified-Version` of the last papers list (`/api/papers/?since=` gives those changed)."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since", str, required=True, pattern=WHOLE, description="A library version (Last-Modified-Version)."
            ),
            OpenApiParameter("after", str, pattern=WHOLE, description="The `next` page: the last deletion's number."),
        ],
        responses={200: s.DeletionsSerializer},
    )
    def get(self, request):
        unknown = set(request.query_params) - {"since", "after", "format"}
        if unknown:
            raise unknown_parameter(sorted(unknown)[0], ["since", "after"])
        since = text.whole_number(request.query_params.get("since"))
        after = text.whole_number(request.query_params.get("after") or "0")  # `after=` is no after
        if since is None or after is None:
            raise BadParameter("since", "give since (a library version) and after as whole numbers")
        version = library_version()
        rows = list(deleted_since(since).filter(id__gt=after).order_by("id")[:DELETIONS_PAGE])
        papers = [{"id": row.record_id, "merged_into": row.merged_into, "deletion": row.id} for row in rows]
        more = len(rows) == DELETIONS_PAGE
        next_page = f"{request.build_absolute_uri(request.path)}?since={since}&after={rows[-1].id}" if more else None
        return Response({"papers": papers, "next": next_page}, headers={"Last-Modified-Version": str(version)})


# autocomplete ------------------------------------------------------------------------------------

AUTOCOMPLETE_LIMIT = 10


class AutocompleteView(APIView):
    """The 10 best matches for what has been typed so far: prefix matches first, then by trigrams."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kind", str, OpenApiParameter.PATH, enum=["papers", "authors", "concepts"], description="What to find."
            ),
            OpenApiParameter(
                "q", str, required=True, description="What the user has typed (without a letter or digit: no results)."
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, kind: str):
        if kind not in ("papers", "authors", "concepts"):  # whatever was typed
            raise Http404("autocomplete is for papers, authors or concepts")
        unknown = set(request.query_params) - {"q", "format"}
        if unknown:
            raise unknown_parameter(sorted(unknown)[0], ["q"])
        typed = request.query_params.get("q", "")
        if not typed or "\x00" in typed:
            raise BadParameter("q", "give q, what has been typed so far (text, no NUL)")
        key = text.fold(typed)
        if not key:  # no letter or digit yet: nothing to find
            return Response({"results": []})
        if kind == "papers":
            rows = (
                self._best(Paper.objects.all(), "title_key", key)
                .select_related(None)
                .only("id", "title", "abstract", "year")
            )
            results = [{"id": p.pk, "label": p.display_title, "year": p.year} for p in rows]
        elif kind == "authors":
            rows = self._best(Author.objects.all(), "name_key", key).only("id", "name")
            results = [{"id": a.pk, "label": a.name} for a in rows]
        elif kind == "concepts":
            rows = self._best(Concept.objects.all(), "name", typed.strip(), fold=False).only(
                "id", "name", "slug", "kind"
            )
            results = [{"id": c.pk, "label": c.name, "slug": c.slug, "kind": c.kind} for c in rows]
        else:
            raise Http404("autocomplete is for papers, authors or concepts")
        return Response({"results": results})

    def _best(self, queryset, field: str, typed: str, fold: bool = True):
        lookup_prefix = f"{field}__startswith" if fold else f"{field}__istartswith"
        matches = queryset.filter(Q(**{lookup_prefix: typed}) | Q(**{f"{field}__trigram_word_similar": typed}))
        return matches.annotate(
            prefix=Q(**{lookup_prefix: typed}), similarity=TrigramWordSimilarity(Value(typed), F(field))
        ).order_by("-prefix", "-similarity", "id")[:AUTOCOMPLETE_LIMIT]
