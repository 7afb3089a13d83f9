"""Every btree of the schema is one of its own: none is a copy of another's first columns, which every
row written would pay for and no query needs (Django indexes a foreign key of its own accord, even
where a unique constraint or another index already begins with it)."""

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db

# Plain btree indexes of a table, as their columns (numbers) with their operator classes: a prefix
# index (`varchar_pattern_ops`, for LIKE 'x%') on a unique column is another index, not a copy.
_BTREES = """
SELECT c.relname, array(SELECT ROW(k, o)::text FROM unnest(i.indkey::int2[], i.indclass::oid[]) AS u (k, o))
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_am am ON am.oid = c.relam
WHERE i.indrelid = %s::regclass AND am.amname = 'btree' AND i.indpred IS NULL AND i.indexprs IS NULL
"""

# The tables of the project's own models; a history table copies its model's indexes as
# simple_history makes them, and a many-to-many table is Django's own.
TABLES = sorted(
    model._meta.db_table
    for model in apps.get_app_config("bibliography").get_models(include_auto_created=False)
    if not model.__name__.startswith("Historical")
)


def test_the_tables_looked_at_include_those_curators_and_imports_write():
    assert {"bibliography_paper", "bibliography_paperconcept", "bibliography_citation"} <= set(TABLES)


@pytest.mark.parametrize("table", TABLES)
def test_no_table_indexes_a_key_twice(table):
    with connection.cursor() as cursor:
        cursor.execute(_BTREES, [table])
        indexes = cursor.fetchall()
    twice = sorted(
        (name, other)
        for name, keys in indexes
        for other, more in indexes
        if name != other and more[: len(keys)] == keys and (len(keys) < len(more) or name > other)
    )
    assert not twice


_PREFIX_OPCLASS_COLUMNS = """
SELECT a.attname FROM pg_index i
JOIN pg_opclass o ON o.oid = ANY (i.indclass::oid[])
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[])
WHERE i.indrelid = %s::regclass AND o.opcname = 'varchar_pattern_ops'
"""


@pytest.mark.parametrize("table", ["bibliography_paper", "bibliography_historicalpaper"])
def test_a_papers_identifiers_have_no_prefix_index_no_query_uses(table):
    # every paper written, updated or kept in history wrote them (migration 0069)
    with connection.cursor() as cursor:
        cursor.execute(_PREFIX_OPCLASS_COLUMNS, [table])
        prefixed = {column for (column,) in cursor.fetchall()}
    assert not prefixed & {"doi", "arxiv_id"}
