"""A large file into a small library is loaded as pg_restore loads a dump: the rows first, then the
indexes that only readers use, built once over all of them, and the foreign keys, each checked
once, in the file's own transaction.

Keeping a full-text GIN index and a trigram index current costs more than writing the rows; building
them afterwards reads the table once and sorts. The loader itself never reads these indexes (it
matches records by identifiers, keys and titles, whose indexes stay), and the file's transaction
holds the table's lock from the first dropped index to the last rebuilt one: readers wait, as they
would for a restore, and an error or a kill rolls the drop back with everything else.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

# At least this much file, holding more records than the library has papers.
AT_LEAST_BYTES = 16 * 1024 * 1024
# Fewer bytes than any format's typical record, so that a file's records are rather overestimated.
BYTES_PER_RECORD = 500

READERS_ONLY = [
    "paper_search_vector_idx",
    "paper_title_key_trgm_idx",
    "paper_year_idx",
    "paper_created_at_idx",
    "paper_updated_at_idx",
    "paper_cited_by_count_idx",
    "paper_date_key_idx",
    "paper_version_idx",
    "paper_published_on_idx",
    "paper_item_type_idx",
    "paper_without_abstract_idx",
    "paper_arxiv_id_lower_idx",
    "bibliography_paper_venue_id_0794d3eb",
    "author_name_key_trgm_idx",
    "author_search_vector_idx",
    "authorship_author_idx",  # an author's papers; the loader reads a paper's authors
    "paperkeyword_keyword_idx",
    "paperlink_url_idx",
    "bibliography_sourcerecord_import_run_id_c0b630d2",
    "titlesketch_bands_idx",
    # a paper's history is read by the paper's id; the rest serve no query of this project's
    "bibliography_historicalpaper_id_4e940883",
    "bibliography_historicalpaper_history_date_6e377127",
    "bibliography_historicalpaper_history_user_id_1528f6e6",
    "bibliography_historicalpaper_doi_db5b4482",
    "bibliography_historicalpaper_arxiv_id_687a8f7f",
    "bibliography_historicalpaper_venue_id_f1ead5c1",
]


# Foreign keys between the tables a load writes row by row and the library's tables are dropped too,
# and added again at the end, as pg_restore adds them after the data: one join checks each key
# instead of one probe per row written (1.6 million of them for 100,000 entries of a library). Keys
# to tables outside the library (import runs, users) are kept, so that their readers need not wait.
LOADED = [
    "bibliography_paper",
    "bibliography_authorship",
    "bibliography_sourcerecord",
    "bibliography_paperlink",
    "bibliography_paperkeyword",
    "bibliography_titlesketch",
    "bibliography_waitingpaper",
]
REFERENCED = ["bibliography_paper", "bibliography_author", "bibliography_keyword", "bibliography_venue"]

_FOREIGN_KEYS = """
SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) AND confrelid = ANY(%s::regclass[])
ORDER BY 1, 2
"""


def worth_deferring(file_bytes: int) -> bool:
    if file_bytes < AT_LEAST_BYTES:
        return False
    records = file_bytes // BYTES_PER_RECORD
    with connection.cursor() as cursor:  # a count that stops at the file's records
        cursor.execute("SELECT count(*) FROM (SELECT FROM bibliography_paper LIMIT %s) papers", [records])
        return cursor.fetchone()[0] < records


@contextmanager
def readers_indexes_deferred(defer: bool) -> Iterator[list[str]]:
    """With `defer`, the indexes only readers use are dropped inside and made again, as they were
    defined, on the way out (within the caller's transaction). Yields the names of those deferred."""
    if not defer:
        yield []
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ANY(%s)",
            [READERS_ONLY],
        )
        definitions = cursor.fetchall()
        cursor.execute(_FOREIGN_KEYS, [LOADED, REFERENCED])
        foreign_keys = cursor.fetchall()
        for name, _ in definitions:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what an earlier file of the transaction left pending
        for table, name, _ in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    yield [name for name, _ in definitions]
    with connection.cursor() as cursor:
        # Neither an index nor a foreign key can be made on a table with deferred checks pending:
        # they are made now, as the commit would have made them, and the deferrable constraints (all
        # initially deferred) go back to waiting for the commit.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for table, name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _, definition in definitions:
            cursor.execute(definition)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
