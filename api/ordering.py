"""How a list of papers is ordered (`ordering=`), and a search ranked: the columns the cursor pagination
pages by, and the queryset that has them."""

from django.db.models import QuerySet

from bibliography.models.expressions import date_key
from bibliography.searching import Search

from .exceptions import BadParameter

# our names for the orderings, and the columns (or annotations) they order by
ORDERINGS = {
    "date": "date_key",
    "title": "title_key",
    "cited_by_count": "cited_by_count",
    "created": "created_at",
    "updated": "updated_at",
    "relevance": "relevance",
}


def ordering_of(request) -> list[str]:
    """The columns a list is ordered by, the id last (a cursor needs a unique order): newest first,
    or by relevance when searching, unless `ordering=` (`-name`, or OpenAlex's `name:desc`) says."""
    raw = request.query_params.get("ordering")
    # a blank search (" ", a tab) filters nothing and so ranks nothing
    searching = any(request.query_params.get(p, "").strip() for p in ("search", "similar_to"))
    if not raw:
        return ["-relevance", "-id"] if searching else ["-id"]
    descending, name = raw.startswith("-"), raw.removeprefix("-")
    if ":" in name:
        name, direction = name.rsplit(":", 1)
        if direction not in ("asc", "desc"):
            raise BadParameter("ordering", f"ordering {raw!r}: after ':' give asc or desc")
        descending = direction == "desc"
    if name not in ORDERINGS:
        raise BadParameter("ordering", f"ordering must be one of {', '.join(ORDERINGS)} (with - for descending)")
    if name == "relevance" and not searching:
        raise BadParameter("ordering", "ordering=relevance needs search= or similar_to=")
    field = ORDERINGS[name]
    return [f"-{field}" if descending else field, "-id" if descending else "id"]


def in_list_order(request, matches: QuerySet, search: Search | None, *, count: int, first: int | None) -> QuerySet:
    """These papers as their list orders them: with the date key to order by date; a search's matches
    with their relevance and snippet, or ranked by relevance, narrowed to the ranked window of them
    (`count`: how many matches there are, counted before the narrowing; `first`: how many rows a
    first page reads, None for a later page)."""
    ordering = ordering_of(request)
    if ordering[0].lstrip("-") == "date_key":
        matches = matches.annotate(date_key=date_key())  # paper_date_key_idx
    if search is None:
        return matches
    if ordering[0] == "-relevance":
        return search.ranked(matches, expected=count, first=first)
    if ordering[0] == "relevance":  # the least relevant of the ranked first: every one of them is read
        return search.ranked(matches, expected=count)
    return search.with_relevance(matches)
