"""Import runs, read only: what each imported file gave."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from bibliography.formats.registry import FORMATS
from bibliography.models import ImportRun

from ..exceptions import BadParameter
from ..serializers.imports import ImportRunSerializer
from .parameters import StrictQueryMixin


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("file_format", str, enum=list(FORMATS), description="The import's format.")]
    )
)
class ImportRunViewSet(StrictQueryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = ImportRun.objects.all()
    serializer_class = ImportRunSerializer
    filterset_fields = ["status", "file_name"]
    extra_query_parameters = ["file_format"]

    def get_queryset(self):
        # the import's format: `format` is the answer's (json, api), as on every resource
        queryset = super().get_queryset()
        if file_format := self.request.query_params.get("file_format"):
            if file_format not in FORMATS:
                raise BadParameter("file_format", f"file_format must be one of {', '.join(FORMATS)}")
            queryset = queryset.filter(format=file_format)
        return queryset
