"""Citations between papers."""

from rest_framework import viewsets

from bibliography.models import Citation

from ..serializers.citations import CitationSerializer
from .parameters import StrictQueryMixin
from .writes import CuratedWritesMixin


class CitationViewSet(StrictQueryMixin, CuratedWritesMixin, viewsets.ModelViewSet):
    """Citations between papers. Accept or reject one with `PATCH {"status": "accepted"}`."""

    queryset = Citation.objects.all()
    serializer_class = CitationSerializer
    filterset_fields = ["citing", "cited", "status", "source", "intent"]
