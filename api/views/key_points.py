"""The key points of papers."""

from rest_framework import viewsets

from bibliography.models import KeyPoint

from ..serializers.key_points import KeyPointSerializer
from .parameters import StrictQueryMixin
from .writes import CuratedWritesMixin


class KeyPointViewSet(StrictQueryMixin, CuratedWritesMixin, viewsets.ModelViewSet):
    queryset = KeyPoint.objects.prefetch_related("concepts")
    serializer_class = KeyPointSerializer
    filterset_fields = ["paper"]
