from django.conf import settings
from django.http import JsonResponse
from django.middleware.gzip import GZipMiddleware


class BodySizeLimitMiddleware:
    """An API request whose body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE is a 413, before it is read.

    Django applies that limit to form posts and `request.body`; DRF's parsers read the stream, which
    nothing limits, so a client could otherwise make a worker parse gigabytes of JSON.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.path.startswith("/api/") and limit is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return JsonResponse({"detail": "Content-Length is not a number"}, status=400)
            if length > limit:
                detail = f"the request body is {length:,} bytes; the API takes at most {limit:,}"
                return JsonResponse({"detail": detail}, status=413)
        return self.get_response(request)


class ApiGZipMiddleware(GZipMiddleware):
    """The API's answers compressed for clients that accept gzip (a page of 200 papers shrinks about
    tenfold). Only the API's: pages that carry a CSRF token are left alone (BREACH)."""

    def process_response(self, request, response):
        if not request.path.startswith("/api/"):
            return response
        return super().process_response(request, response)
