from django.db import migrations

# Rejects any edge whose child already reaches its parent. The advisory lock serialises writers
# of the graph: two concurrent transactions adding a->b and b->a would each see no cycle otherwise.
CONCEPT_CYCLE_GUARD = """
CREATE FUNCTION bibliography_concept_relation_no_cycle() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    parent_slug text;
    child_slug text;
BEGIN
    IF NEW.parent_id = NEW.child_id THEN
        RETURN NEW;  -- a self-loop is the check constraint conceptrelation_not_self's to refuse
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('bibliography_conceptrelation'));
    IF EXISTS (
        WITH RECURSIVE reachable(id) AS (
            SELECT NEW.child_id
            UNION
            SELECT r.child_id
            FROM bibliography_conceptrelation r
            JOIN reachable ON r.parent_id = reachable.id
        )
        SELECT 1 FROM reachable WHERE id = NEW.parent_id
    ) THEN
        SELECT slug INTO parent_slug FROM bibliography_concept WHERE id = NEW.parent_id;
        SELECT slug INTO child_slug FROM bibliography_concept WHERE id = NEW.child_id;
        RAISE EXCEPTION 'making "%" a parent of "%" would create a cycle: "%" is already its ancestor',
                parent_slug, child_slug, child_slug
            USING ERRCODE = 'check_violation', CONSTRAINT = 'conceptrelation_no_cycle';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER conceptrelation_no_cycle
BEFORE INSERT OR UPDATE OF parent_id, child_id ON bibliography_conceptrelation
FOR EACH ROW EXECUTE FUNCTION bibliography_concept_relation_no_cycle();
"""

DROP_CONCEPT_CYCLE_GUARD = """
DROP TRIGGER conceptrelation_no_cycle ON bibliography_conceptrelation;
DROP FUNCTION bibliography_concept_relation_no_cycle();
"""

# cited_by_count is the number of accepted citations of a paper, kept by the database on every
# insert, status change, re-pointing and delete, so no write path can let it drift.
CITED_BY_COUNT = """
CREATE FUNCTION bibliography_citation_count() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'accepted' THEN
        UPDATE bibliography_paper SET cited_by_count = cited_by_count - 1 WHERE id = OLD.cited_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'accepted' THEN
        UPDATE bibliography_paper SET cited_by_count = cited_by_count + 1 WHERE id = NEW.cited_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER citation_cited_by_count
AFTER INSERT OR DELETE OR UPDATE OF status, cited_id ON bibliography_citation
FOR EACH ROW EXECUTE FUNCTION bibliography_citation_count();
"""

DROP_CITED_BY_COUNT = """
DROP TRIGGER citation_cited_by_count ON bibliography_citation;
DROP FUNCTION bibliography_citation_count();
"""


class Migration(migrations.Migration):
    dependencies = [("bibliography", "0002_initial")]

    operations = [
        migrations.RunSQL(CONCEPT_CYCLE_GUARD, DROP_CONCEPT_CYCLE_GUARD),
        migrations.RunSQL(CITED_BY_COUNT, DROP_CITED_BY_COUNT),
    ]
