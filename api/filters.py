"""The papers' filters (bibliography/filtering.py) as DRF's filter backend: a value it cannot use is
a 400 naming the parameter."""

from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend

from bibliography import filtering

from .exceptions import BadParameter


class FilterBackend(DjangoFilterBackend):
    filterset_base = filtering.IdFilterSet

    def filter_queryset(self, request, queryset, view):
        return self.filtered(request, queryset, view).qs

    def filtered(self, request, queryset, view) -> filtering.IdFilterSet:
        """The filter set the request's parameters make, its rows filtered (`.qs`); for papers, with the
        search that chose them (`.text_search`)."""
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid():
            raise utils.translate_validation(filterset.errors)
        try:
            filterset.qs  # noqa: B018 — filtering here turns a filter's BadParameter into the API's
        except filtering.BadParameter as error:
            raise BadParameter(error.parameter, error.message) from None
        return filterset
