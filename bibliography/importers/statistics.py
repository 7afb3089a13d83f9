"""The planner's statistics kept up with a large import, from inside its transaction.

No autovacuum sees a file's rows before its transaction commits, so while one import grows a table
from a thousand rows to a hundred thousand, PostgreSQL keeps planning for the table it was: a
batch's lookup may then read the whole table where a few index probes would do, every batch, and
the search for duplicates right after the commit plans with the same figures. So the import
analyses the tables it grows itself, each time it has doubled what the planner last counted, as
pg_restore's users are told to after a restore.
"""

from dataclasses import dataclass

from django.db import connection

# Fewer new records than this cost little however they are planned.
AT_LEAST = 10_000

# What the import's own queries and the search for duplicates look up and join on. The paper
# table's text (titles, abstracts, full-text vectors) and the sketches' band keys are left to
# autovacuum, after the commit: their statistics cost more than the rest together.
TABLES = [
    "bibliography_paper (id, doi, arxiv_id, title_key, abstract_key, citation_key, isbn_key, year)",
    "bibliography_author",
    "bibliography_authorship",
    "bibliography_sourcerecord",
    "bibliography_titlesketch (paper_id, grams)",
    "bibliography_waitingpaper",
    "bibliography_paperlink",
    "bibliography_paperkeyword",
    "bibliography_paperalias",
    "bibliography_citationkeyalias",
    "bibliography_citationkeystem",
    "bibliography_unresolvedreference",
]


@dataclass
class PlannerStatistics:
    counted: int  # papers when the planner last counted them
    since: int = 0  # records written since

    @classmethod
    def now(cls) -> "PlannerStatistics":
        return cls(counted=_papers_counted())

    def written(self, records: int) -> None:
        """Count a batch's records; analyse once they are as many as the papers last counted."""
        self.since += records
        if self.since < max(AT_LEAST, self.counted):
            return
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(TABLES)}")
        self.counted, self.since = _papers_counted(), 0


def _papers_counted() -> int:
    """How many papers the planner believes there are (0 before the table was ever analysed)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'bibliography_paper'::regclass")
        return cursor.fetchone()[0]
