"""Venues."""

from rest_framework import viewsets

from bibliography.models import Venue

from ..serializers.venues import VenueSerializer
from .parameters import StrictQueryMixin
from .writes import CuratedWritesMixin


class VenueViewSet(StrictQueryMixin, CuratedWritesMixin, viewsets.ModelViewSet):
    queryset = Venue.objects.all()
    serializer_class = VenueSerializer
    filterset_fields = ["kind", "year"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
