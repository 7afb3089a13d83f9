"""What wraps every API answer: a bound on the body read, gzip, ETags from the representation, and
the RateLimit fields."""

from django.conf import settings
from django.http import JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import get_conditional_response

from .etags import representation_etag
from .throttling import rate_limit_headers


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


class RepresentationETagMiddleware:
    """Every GET of the API carries an ETag (details theirs, lists and exports their body's, each
    independent of the host name), and If-None-Match naming it is a 304 with the same validator: weak
    when the client's is (a gzipped answer's), with no body and no body type."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method not in ("GET", "HEAD")
            or not request.path.startswith("/api/")
            or response.status_code != 200
            or response.streaming
        ):
            return response
        if not response.has_header("ETag"):
            response["ETag"] = representation_etag(response.content, request)
        etag = response["ETag"]
        answer = get_conditional_response(request, etag=etag, response=response)
        if answer.status_code == 304:
            sent = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]
            if f"W/{etag}" in sent and etag not in sent:
                answer["ETag"] = f"W/{etag}"
        return answer


class RateLimitHeadersMiddleware:
    """The quotas an API request counted against (api/throttling.py), on its answer, a 429 included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if quotas := request.__dict__.get("rate_limits"):
            for name, value in rate_limit_headers(quotas).items():
                response[name] = value
        return response
