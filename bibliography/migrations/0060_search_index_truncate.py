"""A TRUNCATE of the papers (or of a table the index reads) names the library anew, so that the index
built before it is never read again and an indexer builds the new one; and the outbox, a queue whose
rows live for a second, is vacuumed as soon as a few thousand are dead (its emptiness is asked on
every search)."""

from django.db import migrations

_TABLES = ["bibliography_paper", "bibliography_authorship", "bibliography_author", "bibliography_note",
           "bibliography_attachment"]  # fmt: skip

_FORWARD = """
CREATE FUNCTION bibliography_search_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE bibliography_searchindex SET token = gen_random_uuid();
    RETURN NULL;
END $$;
""" + "".join(
    f"CREATE TRIGGER {table}_search_truncated AFTER TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION bibliography_search_truncated();\n"
    for table in _TABLES
) + """
ALTER TABLE bibliography_searchindexchange SET (
    autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
    autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 5000
);
"""

_BACKWARD = "".join(f"DROP TRIGGER {table}_search_truncated ON {table};\n" for table in _TABLES) + """
DROP FUNCTION bibliography_search_truncated();
ALTER TABLE bibliography_searchindexchange RESET (
    autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold,
    autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_insert_threshold
);
"""


class Migration(migrations.Migration):
    dependencies = [("bibliography", "0059_search_index_changes")]

    operations = [migrations.RunSQL(_FORWARD, _BACKWARD)]
