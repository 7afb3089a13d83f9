"""A change list's count that never counts a million rows: exact when small, the estimate above."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from bibliography.searching import counted


class EstimatedCountPaginator(Paginator):
    """Counts as the API's lists do (searching.counted): exactly when the result is small, otherwise
    PostgreSQL's row estimate, so that a changelist page over a million papers does not scan them all
    to print a number."""

    @cached_property
    def count(self) -> int:
        return counted(self.object_list)[0]
