"""The search index's outbox: triggers write the id of every paper whose searched text changes (its
title, abstract, identifiers, authors' names, notes, attached files' text), in the changing
transaction, and notify the indexer (bibliography/search_index.py). The single-row table names this
library, so that an index built from another database is never read as this one's."""

from django.db import migrations, models
import django.db.models.functions.datetime

_FUNCTIONS = """
CREATE FUNCTION bibliography_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    added bigint;
BEGIN
    EXECUTE format(
        'INSERT INTO bibliography_searchindexchange (paper_id) SELECT DISTINCT paper_id FROM (%s) papers (paper_id) '
        'WHERE paper_id IS NOT NULL', TG_ARGV[0]
    );
    GET DIAGNOSTICS added = ROW_COUNT;
    IF added > 0 THEN
        PERFORM pg_notify('bibliography_search', '');
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION bibliography_search_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO bibliography_searchindexchange (paper_id) VALUES (OLD.paper_id);
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.paper_id <> OLD.paper_id) THEN
        INSERT INTO bibliography_searchindexchange (paper_id) VALUES (NEW.paper_id);
    END IF;
    PERFORM pg_notify('bibliography_search', '');
    RETURN NULL;
END $$;

CREATE FUNCTION bibliography_search_paper_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO bibliography_searchindexchange (paper_id) VALUES (NEW.id);
    PERFORM pg_notify('bibliography_search', '');
    RETURN NULL;
END $$;

CREATE FUNCTION bibliography_search_author_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO bibliography_searchindexchange (paper_id)
        SELECT paper_id FROM bibliography_authorship WHERE author_id = NEW.id;
    PERFORM pg_notify('bibliography_search', '');
    RETURN NULL;
END $$;
"""

_TRIGGERS = """
CREATE TRIGGER paper_search_added AFTER INSERT ON bibliography_paper REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION bibliography_search_changed('SELECT id FROM changed');
CREATE TRIGGER paper_search_removed AFTER DELETE ON bibliography_paper REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION bibliography_search_changed('SELECT id FROM gone');
-- a row trigger: an UPDATE of other columns (citation counts, review flags) never reaches it
CREATE TRIGGER paper_search_changed AFTER UPDATE OF title, abstract, doi, arxiv_id, citation_key
    ON bibliography_paper FOR EACH ROW
    WHEN ((OLD.title, OLD.abstract, OLD.doi, OLD.arxiv_id, OLD.citation_key)
          IS DISTINCT FROM (NEW.title, NEW.abstract, NEW.doi, NEW.arxiv_id, NEW.citation_key))
    EXECUTE FUNCTION bibliography_search_paper_changed();

CREATE TRIGGER authorship_search_added AFTER INSERT ON bibliography_authorship REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION bibliography_search_changed('SELECT paper_id FROM changed');
CREATE TRIGGER authorship_search_changed AFTER UPDATE ON bibliography_authorship
    REFERENCING OLD TABLE AS gone NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION bibliography_search_changed(
        'SELECT paper_id FROM changed UNION SELECT paper_id FROM gone');
CREATE TRIGGER authorship_search_removed AFTER DELETE ON bibliography_authorship REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION bibliography_search_changed('SELECT paper_id FROM gone');

CREATE TRIGGER author_search_renamed AFTER UPDATE OF name ON bibliography_author FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION bibliography_search_author_renamed();

CREATE TRIGGER note_search_changed AFTER INSERT OR DELETE OR UPDATE OF text, paper_id ON bibliography_note
    FOR EACH ROW EXECUTE FUNCTION bibliography_search_row_changed();
CREATE TRIGGER attachment_search_changed AFTER INSERT OR DELETE OR UPDATE OF text, paper_id
    ON bibliography_attachment FOR EACH ROW EXECUTE FUNCTION bibliography_search_row_changed();

CREATE TABLE bibliography_searchindex (token uuid NOT NULL DEFAULT gen_random_uuid());
CREATE UNIQUE INDEX searchindex_one_row ON bibliography_searchindex ((true));
INSERT INTO bibliography_searchindex DEFAULT VALUES;
"""

_UNDO = """
DROP TABLE bibliography_searchindex;
DROP TRIGGER paper_search_added ON bibliography_paper;
DROP TRIGGER paper_search_removed ON bibliography_paper;
DROP TRIGGER paper_search_changed ON bibliography_paper;
DROP TRIGGER authorship_search_added ON bibliography_authorship;
DROP TRIGGER authorship_search_changed ON bibliography_authorship;
DROP TRIGGER authorship_search_removed ON bibliography_authorship;
DROP TRIGGER author_search_renamed ON bibliography_author;
DROP TRIGGER note_search_changed ON bibliography_note;
DROP TRIGGER attachment_search_changed ON bibliography_attachment;
DROP FUNCTION bibliography_search_changed(), bibliography_search_row_changed(), bibliography_search_paper_changed(),
    bibliography_search_author_renamed();
"""


class Migration(migrations.Migration):
    dependencies = [("bibliography", "0058_api_orderings_indexed")]

    operations = [
        migrations.CreateModel(
            name="SearchIndexChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("paper_id", models.BigIntegerField()),
                ("created_at", models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
            ],
            options={"ordering": ["id"]},
        ),
        migrations.RunSQL(_FUNCTIONS + _TRIGGERS, _UNDO),
    ]
