import json

from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property

# Below this many rows (as the planner estimates) an exact count is cheap enough to make.
EXACT_BELOW = 10_000


class EstimatedCountPaginator(Paginator):
    """Counts exactly when the result is small, and otherwise trusts PostgreSQL's row estimate,
    so that a changelist page over a million papers does not scan them all to print a number."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        try:
            sql, params = queryset.order_by().query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
                plan = cursor.fetchone()[0]
            estimate = int((plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"]["Plan Rows"])
        except Exception:  # an empty IN () or another query the planner is never shown: count it
            return queryset.count()
        return queryset.count() if estimate < EXACT_BELOW else estimate
