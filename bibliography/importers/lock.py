"""The import lock: writes that match records to papers run one at a time.

Two imports of the same file at the same moment would otherwise both see "no such paper" and both
insert it; enriching takes the same lock, for it lands records on papers the same way.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

IMPORT_LOCK_KEY = 0x6269626C696F  # "biblio", a PostgreSQL advisory lock


@contextmanager
def holding_import_lock() -> Iterator[None]:
    """A transaction that holds the import lock from its start until the database transaction ends
    (this one's, or that of a transaction around it: an advisory transaction lock outlives savepoints)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
        yield
