"""Reference-manager formats as DRF renderers: `?format=bibtex` or `Accept: application/x-bibtex`.

The views hand these renderers finished text (see PaperViewSet.export); anything else that
reaches them is an error body, which the exception handler sends as JSON instead.
"""

from django.http import Http404
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer

from bibliography.formats.registry import EXPORT_FORMATS


class ExportRenderer(BaseRenderer):
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data.encode(self.charset) if isinstance(data, str) else b""


EXPORT_RENDERERS = [
    type(f"{fmt.name.capitalize()}Renderer{n or ''}", (ExportRenderer,), {"media_type": media_type, "format": fmt.name})
    for fmt in EXPORT_FORMATS.values()
    for n, media_type in enumerate((fmt.media_type, *fmt.media_aliases))
]


class ContentNegotiation(DefaultContentNegotiation):
    """An unknown `?format=` is a 400 that lists the formats, not DRF's bare 404."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            from .errors import BadParameter  # errors imports this module

            known = ", ".join(sorted({renderer.format for renderer in renderers}))
            raise BadParameter("format", f"format must be one of {known}") from None
