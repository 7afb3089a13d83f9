"""The best matches for what has been typed so far, for search boxes."""

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import F, Q, Value
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from bibliography import text
from bibliography.models import Author, Concept, Paper

from ..exceptions import BadParameter, unknown_parameter

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
