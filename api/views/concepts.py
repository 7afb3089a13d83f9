"""Concepts of the graph, what is above and below one, and where a renamed one lives now."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from bibliography.models import Concept

from ..serializers.concepts import ConceptSerializer
from .addresses import lookup, moved
from .parameters import StrictQueryMixin
from .writes import CuratedWritesMixin

# every concept above or below one: a few, so not paginated
_CONCEPT_WALK = inline_serializer("ConceptWalk", {"results": ConceptSerializer(many=True)})


class ConceptViewSet(StrictQueryMixin, CuratedWritesMixin, viewsets.ModelViewSet):
    """Concepts of the graph; look one up by slug, or by id as `id:12`."""

    queryset = Concept.objects.all()
    serializer_class = ConceptSerializer
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
        return Response({"results": ConceptSerializer(rows, many=True, context=self.get_serializer_context()).data})

    def get_object(self):
        obj = get_object_or_404(self.get_queryset().referenced(lookup(self.kwargs["pk"])))
        self.check_object_permissions(self.request, obj)
        return obj

    def retrieve(self, request, *args, **kwargs):
        """A concept; its old slug (before a rename or a merge) answers 301 with the new address."""
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            concept = Concept.objects.formerly(lookup(self.kwargs["pk"])).first()
            if concept is None:
                raise
            return moved(request, reverse("concept-detail", args=[concept.slug]))
