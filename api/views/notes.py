"""Curators' notes on papers."""

from rest_framework import viewsets

from bibliography.models import Note

from ..serializers.notes import NoteSerializer
from .parameters import StrictQueryMixin
from .writes import CuratedWritesMixin


class NoteViewSet(StrictQueryMixin, CuratedWritesMixin, viewsets.ModelViewSet):
    """Curators' notes on papers (their words are found by `/api/papers/?search=`)."""

    queryset = Note.objects.select_related("created_by")
    serializer_class = NoteSerializer
    filterset_fields = ["paper"]
