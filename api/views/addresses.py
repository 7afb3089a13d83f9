"""A record's address in a URL: the id, slug or DOI it holds, and where a record that moved lives now."""

from django.http import Http404, HttpResponsePermanentRedirect


def moved(request, url: str) -> HttpResponsePermanentRedirect:
    """A record that lives at another address now (merged, renamed), the query string kept."""
    query = request.META.get("QUERY_STRING")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


def lookup(value) -> str:
    """The id, slug or DOI in a URL; a NUL in it (which no text column can hold) names nothing."""
    named = str(value)
    if "\x00" in named:
        raise Http404("no such record")
    return named
