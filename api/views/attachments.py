"""Files attached to papers, read and added by signed-in users (a lab's PDFs are not for the world)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated

from bibliography import attachments
from bibliography.models import Attachment

from ..permissions import ReadOnlyOrModelPermissions
from ..serializers.attachments import AttachmentSerializer
from .parameters import StrictQueryMixin
from .writes import CuratedWritesMixin


class AnyAccept(BaseContentNegotiation):
    """A file is sent as what it is, whatever the client said it accepts."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class AttachmentViewSet(
    StrictQueryMixin,
    CuratedWritesMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Files attached to papers: `POST` one as multipart/form-data (`paper`, `file`); its text, where
    one can be read (PDFs, web pages, text), is found by `/api/papers/?search=`. A file is replaced
    by removing it and attaching the new one."""

    queryset = Attachment.objects.select_related("created_by").defer("text", "search_vector")
    serializer_class = AttachmentSerializer
    permission_classes = [IsAuthenticated, ReadOnlyOrModelPermissions]
    parser_classes = [MultiPartParser]
    filterset_fields = ["paper"]  # attachment_unique_content_per_paper (paper, sha256)
    http_method_names = ["get", "post", "delete", "head", "options"]  # a file is replaced by another, not edited

    @extend_schema(
        responses={(200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The file, as what it is.")}
    )
    @action(detail=True, methods=["get"], content_negotiation_class=AnyAccept)
    def download(self, request, pk=None):
        """The file itself (a PDF or an image shown, anything else downloaded)."""
        return attachments.response(self.get_object())

    def remove(self, instance) -> None:
        attachments.detach(instance)
