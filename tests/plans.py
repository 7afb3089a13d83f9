"""What PostgreSQL would do with a query the application sent."""

from django.db import connection


def sorts(sql: str) -> bool:
    """Whether the plan of this query sorts rows even with sorting priced out: then no index gives
    them in the order asked, and at a million rows every page sorts the table."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        try:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
        finally:
            cursor.execute("RESET enable_sort")
            cursor.execute("RESET enable_incremental_sort")
    return "Sort" in node_types(plan[0]["Plan"])


def node_types(node: dict) -> set[str]:
    return {node["Node Type"]}.union(*(node_types(child) for child in node.get("Plans", [])))
