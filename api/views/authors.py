"""Authors; the id of one merged into another leads to the survivor."""

from django.http import Http404
from django.urls import reverse
from rest_framework import viewsets

from bibliography import text
from bibliography.models import Author, AuthorAlias

from ..serializers.authors import AuthorSerializer
from .addresses import lookup, moved
from .parameters import StrictQueryMixin
from .writes import CuratedWritesMixin


class AuthorViewSet(StrictQueryMixin, CuratedWritesMixin, viewsets.ModelViewSet):
    queryset = Author.objects.all()
    serializer_class = AuthorSerializer
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
            old_id = text.whole_number(lookup(self.kwargs["pk"]))
            survivor = AuthorAlias.objects.filter(old_id=old_id).values_list("author_id", flat=True).first()
            if survivor is None:
                raise
            return moved(request, reverse("author-detail", args=[survivor]))
