"""The papers' filters (bibliography/filtering.py) as DRF's filter backend: a value it cannot use is
a 400 naming the parameter."""

from django_filters.rest_framework import DjangoFilterBackend

from bibliography import filtering

from .exceptions import BadParameter


class FilterBackend(DjangoFilterBackend):
    filterset_base = filtering.IdFilterSet

    def filter_queryset(self, request, queryset, view):
        try:
            return super().filter_queryset(request, queryset, view)
        except filtering.BadParameter as error:
            raise BadParameter(error.parameter, error.message) from None
