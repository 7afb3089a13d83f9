"""Papers: lists and details as JSON PostgreSQL builds or in reference-manager formats, batches,
writes, tagging and merging."""

import json

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from bibliography import identifiers
from bibliography.exporting import export_document, for_export
from bibliography.facets import GROUPS, paper_counts
from bibliography.filtering import PaperFilter
from bibliography.formats.base import Format
from bibliography.formats.registry import EXPORT_FORMATS
from bibliography.merging import MergeError, paper_merge
from bibliography.models import Paper, PaperConcept, ReviewStatus
from bibliography.searching import Search
from bibliography.similar import similar_papers
from bibliography.syncing import library_version
from bibliography.tagging import papers_tag

from ..exceptions import BadParameter
from ..filters import FilterBackend
from ..ordering import ORDERINGS, in_list_order, ordering_of
from ..renderers import EXPORT_RENDERERS
from ..representation import PAPER, PAPER_DETAIL, paper_document, paper_documents, ranking_of, selected_fields
from ..serializers.batches import BatchResultSerializer, BatchSerializer
from ..serializers.merging import MergeSerializer
from ..serializers.papers import PaperWriteSerializer
from ..serializers.tags import PaperTagSerializer, TagSerializer
from .addresses import lookup, moved
from .parameters import StrictQueryMixin
from .writes import CuratedWritesMixin

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
            "create": PaperWriteSerializer,
            "update": PaperWriteSerializer,
            "partial_update": PaperWriteSerializer,
            "concepts": PaperTagSerializer,
            "batch": BatchSerializer,
            "merge": MergeSerializer,
        }.get(self.action, PAPER_DETAIL.serializer())

    def answer(self, body: str) -> HttpResponse | Response:
        """JSON text as it is; for another renderer (the browsable API), the data it holds."""
        if getattr(self.request.accepted_renderer, "format", None) == "json":
            return HttpResponse(body, content_type="application/json")
        return Response(json.loads(body))

    def documents(self, ids, *, detail: bool = False, ranking: dict | None = None) -> dict[int, str]:
        fields = selected_fields(self.request.query_params.get("fields"), detail=detail)
        base_url = self.request.build_absolute_uri(reverse("paper-list"))
        return paper_documents(ids, base_url=base_url, detail=detail, fields=fields, ranking=ranking)

    def listed(self) -> tuple[QuerySet, Search | None]:
        """The papers the list pages, in its order, and the search that found them, if any. The
        paginator counts them first: a search ranked by relevance pages the ranked window of its
        matches, and its count is of every match."""
        matches, search = self.matching()
        count = self.paginator.count_matches(matches, search)
        first = self.paginator.first_page_rows(self.request)
        return in_list_order(self.request, matches, search, count=count, first=first), search

    def matching(self) -> tuple[QuerySet, Search | None]:
        """The papers the filters choose, and the search among them, if any, that ranks them."""
        filterset = self.filter_backends[0]().filtered(self.request, Paper.objects.all(), self)
        return filterset.qs, filterset.text_search

    def cursor_ordering(self, request) -> list[str]:
        return ordering_of(request)

    def get_queryset(self):
        return for_export(Paper.objects.all()) if self.exporting() else Paper.objects.all()

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
            reference = identifiers.paper_reference(lookup(self.kwargs["pk"]))
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
            return moved(request, reverse("paper-detail", args=[moved_to]))
        # the whole record's ETag, whatever ?fields= showed, so that it serves If-Match
        whole = json.loads(document) if "fields" not in request.query_params else paper_document(pk, request)
        return self.conditional(self.answer(document), self.etag_for(whole))

    def list(self, request, *args, **kwargs):
        version = library_version()  # before the read, so that nothing this read misses is before it
        response = self._list(request)
        response["Last-Modified-Version"] = str(version)
        if self.paginator.count is not None:  # a page's, not group_by's
            response["Total-Results"] = str(self.paginator.count)  # as Zotero's API says it
        return response

    def _list(self, request):
        group_by = request.query_params.get("group_by")
        if group_by:
            if self.exporting():
                raise BadParameter("group_by", "group_by gives counts, as JSON: leave out format")
            if group_by not in GROUPS:
                raise BadParameter("group_by", f"group_by must be one of {', '.join(GROUPS)}")
            return Response({"group_by": group_by, "groups": paper_counts(self.matching()[0], group_by)})
        if fmt := self.exporting():
            return self.export_page(fmt)
        return self.document_page()

    def document_page(self) -> HttpResponse | Response:
        """One cursor page, each paper's JSON built by PostgreSQL; the page query reads only ids."""
        columns = {"id"} | {name.lstrip("-") for name in self.cursor_ordering(self.request)}
        columns -= {"relevance", "date_key"}  # annotations, not columns
        listed, search = self.listed()
        fields = selected_fields(self.request.query_params.get("fields"), detail=False)
        if search is not None and fields is not None and "snippet" not in fields:
            search = None  # no snippets to make
        if search is not None:
            columns.add("abstract")  # for the page's snippets
        page = self.paginate_queryset(listed.only(*columns))
        documents = self.documents([paper.pk for paper in page], ranking=ranking_of(page, search))
        results = ",".join(documents[paper.pk] for paper in page if paper.pk in documents)
        return self.answer(
            f'{{"count":{self.paginator.count},"count_is_estimate":{json.dumps(self.paginator.count_is_estimate)},'
            f'"next":{json.dumps(self.paginator.get_next_link())},'
            f'"previous":{json.dumps(self.paginator.get_previous_link())},"results":[{results}],'
            f'"meta":{json.dumps(self.paginator.meta())}}}'
        )

    def export_page(self, fmt: Format) -> Response:
        """One page of papers in a reference-manager format; the next page is in the Link header."""
        page = self.paginate_queryset(self.listed()[0].for_listing())
        response = Response(export_document(fmt, page))
        links = [(self.paginator.get_next_link(), "next"), (self.paginator.get_previous_link(), "prev")]
        header = ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links if url)
        if header:
            response["Link"] = header
        return response

    @extend_schema(request=BatchSerializer, responses={200: BatchResultSerializer}, filters=False)
    @action(detail=False, methods=["post"], filter_backends=[])
    def batch(self, request):
        """Up to 500 papers, in the order asked, each named by id, `doi:`, `arxiv:` or `key:`; a merged
        id or an alias key gives the paper it became, and null stands for no such paper."""
        body = BatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        chosen = Paper.objects.named(body.validated_data["ids"])
        documents = self.documents({pk for pk in chosen if pk})
        return self.answer(f'{{"results":[{",".join(documents.get(pk, "null") for pk in chosen)}]}}')

    @extend_schema(responses={200: BatchResultSerializer}, filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def similar(self, request, pk=None):
        """Papers like this one, most alike first (at most 10), each with its `relevance`: those that
        share the rarest words of its title and abstract (bibliography/similar.py)."""
        found = list(similar_papers(self.get_object()))
        documents = self.documents([paper.pk for paper in found], ranking=ranking_of(found))
        return self.answer(f'{{"results":[{",".join(documents[p.pk] for p in found if p.pk in documents)}]}}')

    @extend_schema(request=PaperTagSerializer, responses={201: TagSerializer})
    @action(detail=True, methods=["post"])
    def concepts(self, request, pk=None):
        """Tag this paper with a concept: `{"concept": "scaling", "score": 0.8, "status": "accepted"}`."""
        paper = get_object_or_404(Paper, pk=self.get_object().pk)
        body = PaperTagSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        concept = body.validated_data["concept"]
        papers_tag(papers=[paper], concept=concept, by=request.user, score=body.validated_data.get("score"))
        tag = PaperConcept.objects.get(paper=paper, concept=concept)
        wanted = body.validated_data.get("status", ReviewStatus.ACCEPTED)
        if tag.status != wanted:
            tag.status = wanted
            tag._history_user = request.user
            tag.save(update_fields=["status", "updated_at"])
        return Response(TagSerializer(tag, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MergeSerializer, responses={200: PAPER_DETAIL.serializer()})
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Merge other papers into this one (the admin's merge): `{"others": [12, 13]}`, choosing
        whose value a field keeps with `{"keep": {"title": 12}}`."""
        survivor = self.get_object()
        body = MergeSerializer(data=request.data)
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
