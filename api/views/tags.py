"""Paper-concept tags, which curators accept or reject."""

from rest_framework import viewsets

from bibliography.models import Concept, PaperConcept

from ..serializers.tags import TagSerializer
from .parameters import StrictQueryMixin
from .writes import CuratedWritesMixin


class TagViewSet(StrictQueryMixin, CuratedWritesMixin, viewsets.ModelViewSet):
    """Paper-concept tags. Accept or reject one with `PATCH {"status": "accepted"}`."""

    queryset = PaperConcept.objects.select_related("concept")
    serializer_class = TagSerializer
    filterset_fields = ["paper", "status", "source"]
    extra_query_parameters = ["concept"]

    def get_queryset(self):
        queryset = super().get_queryset()
        concept = self.request.query_params.get("concept")
        if concept:
            found = Concept.objects.find(concept)
            queryset = queryset.filter(concept=found) if found else queryset.none()
        return queryset
