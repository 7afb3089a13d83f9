"""Venues: journals, conferences and the like."""

from bibliography.models import Venue

from ..fields import ModelSerializer
from .base import SelectableFieldsMixin


class VenueSerializer(SelectableFieldsMixin, ModelSerializer):
    class Meta:
        model = Venue
        fields = ["id", "name", "short_name", "kind", "year"]
