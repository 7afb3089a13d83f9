"""An author's rename reaches the index through the author, not through the papers the renaming
transaction saw: a paper that gets that author while the rename is under way (committed first) is
found by the indexer, which reads the author's papers once the rename is committed."""

from django.db import migrations, models

_FORWARD = """
CREATE OR REPLACE FUNCTION bibliography_search_author_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO bibliography_searchindexchange (author_id) VALUES (NEW.id);
    PERFORM pg_notify('bibliography_search', '');
    RETURN NULL;
END $$;
"""

_BACKWARD = """
DELETE FROM bibliography_searchindexchange WHERE paper_id IS NULL;
CREATE OR REPLACE FUNCTION bibliography_search_author_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO bibliography_searchindexchange (paper_id)
        SELECT paper_id FROM bibliography_authorship WHERE author_id = NEW.id;
    PERFORM pg_notify('bibliography_search', '');
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("bibliography", "0060_search_index_truncate")]

    operations = [
        migrations.AlterField(
            model_name="searchindexchange", name="paper_id", field=models.BigIntegerField(null=True)
        ),
        migrations.AddField(
            model_name="searchindexchange", name="author_id", field=models.BigIntegerField(null=True)
        ),
        migrations.AddConstraint(
            model_name="searchindexchange",
            constraint=models.CheckConstraint(
                condition=models.Q(paper_id__isnull=False) | models.Q(author_id__isnull=False),
                name="searchindexchange_names_a_paper_or_an_author",
            ),
        ),
        migrations.RunSQL(_FORWARD, _BACKWARD),
    ]
