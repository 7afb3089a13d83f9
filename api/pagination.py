"""How the API pages a list: cursors in a stable order, and a count of what the list holds that the
paginator owns (exact up to a bound, the planner's estimate above it)."""

import datetime
import math

from rest_framework import pagination
from rest_framework.exceptions import NotFound

from bibliography.searching import EXACT_COUNT_LIMIT, counted
from bibliography.text import whole_number

from .exceptions import BadParameter

MAX_PAGE_SIZE = 200

_INVALID_CURSOR = "invalid cursor: use the `next` or `previous` link of a page"
_BIGINT = 2**63


def _integer(text: str) -> None:
    if not -_BIGINT <= int(text) < _BIGINT:
        raise ValueError(text)


def _number(text: str) -> None:
    if not math.isfinite(float(text)):
        raise ValueError(text)


# How each ordering's position is written in a cursor (str() of the value): checked before it
# reaches a query, where a wrong one would be a database error.
_POSITION_CHECKS = {
    "id": _integer,
    "cited_by_count": _integer,
    "relevance": _number,
    "date_key": datetime.date.fromisoformat,
    "created_at": datetime.datetime.fromisoformat,
    "updated_at": datetime.datetime.fromisoformat,
}


class CursorPagination(pagination.CursorPagination):
    """Stable pages while records are added: the cursor remembers a position, not an offset.

    The ordering is the one the view chose (`view.cursor_ordering(request)`), so that
    `?ordering=` and relevance ranking page correctly too.
    """

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("-id",)

    count: int | None = None

    def count_matches(self, queryset, search=None) -> int:
        """Count what a list holds before the view narrows it to what it pages (a search ranked by
        relevance pages the ranked window of its matches, and says how many match); the pages say this
        count. Returned for the narrowing, which needs it. The search index counts its search's
        matches where no other filter applies."""
        known = search.counted(queryset) if search is not None else None
        self.count, self.count_is_estimate = known or counted(queryset)
        return self.count

    def paginate_queryset(self, queryset, request, view=None):
        if self.count is None:  # not counted before the view narrowed it
            self.count_matches(queryset)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data = {"count": self.count, "count_is_estimate": self.count_is_estimate, **response.data}
        response.data["meta"] = self.meta()
        response["Total-Results"] = str(self.count)  # as Zotero's API says it
        return response

    def meta(self) -> dict:
        """The count as OpenAlex's scripts read it (`meta.count`)."""
        return {"count": self.count, "count_is_estimate": self.count_is_estimate, "per_page": self.page_size}

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["properties"] = {
            "count": {
                "type": "integer",
                "description": f"How many records match: exact up to {EXACT_COUNT_LIMIT:,}, else estimated.",
                "example": 184,
            },
            "count_is_estimate": {
                "type": "boolean",
                "description": "Whether count is the planner's estimate.",
                "example": False,
            },
            **described["properties"],
        }
        described["properties"]["meta"] = {
            "type": "object",
            "description": "count, count_is_estimate and per_page again, where OpenAlex's clients read them.",
            "properties": {
                "count": {"type": "integer", "example": 184},
                "count_is_estimate": {"type": "boolean", "example": False},
                "per_page": {"type": "integer", "example": 50},
            },
        }
        described["required"] = ["count", "count_is_estimate", *described.get("required", ["results"])]
        return described

    def get_ordering(self, request, queryset, view):
        chosen = getattr(view, "cursor_ordering", None)
        return tuple(chosen(request)) if chosen else self.ordering

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not raw.strip():
            return self.page_size  # `page_size=` is no page size, as every empty parameter is
        if raw is not None and not 1 <= (whole_number(raw) or 0) <= MAX_PAGE_SIZE:
            raise BadParameter("page_size", f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}")
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
        return parameters

    def first_page_rows(self, request) -> int | None:
        """How many rows the first page reads (its own and one that says whether more follow); None
        for a later page."""
        if request.query_params.get(self.cursor_query_param, "").strip():
            return None
        return self.get_page_size(request) + 1

    def decode_cursor(self, request):
        if not request.query_params.get(self.cursor_query_param, "").strip():
            return None  # `cursor=` with nothing: the first page
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise BadParameter("cursor", _INVALID_CURSOR) from None
        if cursor is not None and cursor.position is not None:
            check = _POSITION_CHECKS.get(self.ordering[0].lstrip("-"), str)
            try:
                if "\x00" in cursor.position:
                    raise ValueError("NUL")
                check(cursor.position)
            except (ValueError, OverflowError):
                raise BadParameter("cursor", _INVALID_CURSOR) from None
        return cursor
