"""Reference-manager formats as DRF renderers: `?format=bibtex` or `Accept: application/x-bibtex`.

The views hand these renderers finished text (see PaperViewSet.export); anything else that
reaches them is an error body, which the exception handler sends as JSON instead.
"""

from django.http import Http404
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.utils.mediatypes import media_type_matches

from bibliography.formats.registry import EXPORT_FORMATS

from .exceptions import BadParameter


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
            if format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE):
                return super().select_renderer(request, renderers, format_suffix)
            return self._by_quality(request, renderers)
        except Http404:
            known = ", ".join(sorted({renderer.format for renderer in renderers}))
            raise BadParameter("format", f"format must be one of {known}") from None

    def _by_quality(self, request, renderers):
        """The renderer the client prefers most by its q-values (RFC 9110), the more specific type
        first among equals, then the order it wrote them in; a type with q=0 is never chosen."""
        wanted, refused = [], set()
        for order, item in enumerate(self.get_accept_list(request)):
            media_type, _, params = item.partition(";")
            quality = 1.0
            for param in params.split(";"):
                name, _, value = param.strip().partition("=")
                if name.strip().lower() == "q":
                    try:
                        quality = max(0.0, min(1.0, float(value)))
                    except ValueError:
                        quality = 0.0
            media_type = media_type.strip().lower()
            if quality == 0:
                refused.add(media_type)
            else:
                wanted.append((-quality, -_specificity(media_type), order, media_type))
        for *_, media_type in sorted(wanted):
            for renderer in renderers:
                if renderer.media_type not in refused and media_type_matches(renderer.media_type, media_type):
                    return renderer, renderer.media_type if "*" in media_type else media_type
        raise NotAcceptable(available_renderers=renderers)


def _specificity(media_type: str) -> int:
    return 0 if media_type == "*/*" else 1 if media_type.endswith("/*") else 2
