from django.db import migrations

# Django gives every unique or indexed varchar a second btree (varchar_pattern_ops) for LIKE 'prefix%'.
# Nothing asks for a prefix of a DOI or an arXiv id (matching, filters and lookups name whole
# identifiers, served by the unique constraints), yet every paper written, updated (a count, a title)
# or kept in history wrote those four. Django's state still has them: altering one of these fields
# later would make its prefix index again, and that migration should drop it as this one does.
_PREFIX_INDEXES = {
    "bibliography_paper_doi_42a66592_like": ("bibliography_paper", "doi"),
    "bibliography_paper_arxiv_id_cb1badd5_like": ("bibliography_paper", "arxiv_id"),
    "bibliography_historicalpaper_doi_db5b4482_like": ("bibliography_historicalpaper", "doi"),
    "bibliography_historicalpaper_arxiv_id_687a8f7f_like": ("bibliography_historicalpaper", "arxiv_id"),
}


class Migration(migrations.Migration):
    dependencies = [("bibliography", "0068_citations_counted_per_statement")]

    operations = [
        migrations.RunSQL(
            "".join(f"DROP INDEX IF EXISTS {name};\n" for name in _PREFIX_INDEXES),
            "".join(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING btree ({column} varchar_pattern_ops);\n"
                for name, (table, column) in _PREFIX_INDEXES.items()
            ),
        )
    ]
