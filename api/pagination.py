from rest_framework import pagination

MAX_PAGE_SIZE = 200


class CursorPagination(pagination.CursorPagination):
    """Stable pages while records are added: the cursor remembers a position, not an offset.

    The ordering is the one the view chose (`view.ordering_fields_for(request)`), so that
    `?ordering=` and relevance ranking page correctly too.
    """

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("-id",)

    def get_ordering(self, request, queryset, view):
        chosen = getattr(view, "cursor_ordering", None)
        return tuple(chosen(request)) if chosen else self.ordering

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            from .errors import BadParameter

            if not raw.isdigit() or int(raw) < 1:
                raise BadParameter("page_size", f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}")
        return super().get_page_size(request)

    def decode_cursor(self, request):
        from rest_framework.exceptions import NotFound

        from .errors import BadParameter

        try:
            return super().decode_cursor(request)
        except NotFound:
            raise BadParameter("cursor", "invalid cursor: use the `next` or `previous` link of a page") from None
