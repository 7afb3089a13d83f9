from django.db import migrations

# cited_by_count moved once per paper and statement, by the sum of what the statement changed, where
# 0003's trigger updated the cited paper once per citation row: every update of a paper rewrites its
# row and an entry in each index of the paper table (cited_by_count is itself indexed, so it is never
# a HOT update), and a reference list citing the same paper a thousand times rewrote it a thousand times.
# A table's triggers fire in the order of their names: these come before 0046's (bibliography_citation_
# added, ...), so that a cited paper whose row the count rewrote has this transaction's version and
# needs no PaperVersion row.
_COUNTED = {
    "added": ("INSERT", "REFERENCING NEW TABLE AS changed", "SELECT cited_id, 1 AS n FROM changed WHERE status = ''accepted''"),
    "removed": ("DELETE", "REFERENCING OLD TABLE AS gone", "SELECT cited_id, -1 AS n FROM gone WHERE status = ''accepted''"),
    "changed": (
        "UPDATE",
        "REFERENCING OLD TABLE AS gone NEW TABLE AS changed",
        "SELECT cited_id, 1 AS n FROM changed WHERE status = ''accepted''"
        " UNION ALL SELECT cited_id, -1 AS n FROM gone WHERE status = ''accepted''",
    ),
}

_PER_STATEMENT = """
DROP TRIGGER citation_cited_by_count ON bibliography_citation;
DROP FUNCTION bibliography_citation_count();

CREATE FUNCTION bibliography_citations_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'UPDATE bibliography_paper AS paper SET cited_by_count = paper.cited_by_count + moved.n
        FROM (SELECT cited_id, sum(n) AS n FROM (%s) AS counted GROUP BY cited_id HAVING sum(n) <> 0) AS moved
        WHERE paper.id = moved.cited_id',
        TG_ARGV[0]
    );
    RETURN NULL;
END $$;
""" + "".join(
    f"""
CREATE TRIGGER bibliography_citation_accepted_{name} AFTER {event} ON bibliography_citation {tables}
    FOR EACH STATEMENT EXECUTE FUNCTION bibliography_citations_counted('{counted}');
"""
    for name, (event, tables, counted) in _COUNTED.items()
)

_PER_ROW = "".join(f"DROP TRIGGER bibliography_citation_accepted_{name} ON bibliography_citation;\n" for name in _COUNTED) + """
DROP FUNCTION bibliography_citations_counted();

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


class Migration(migrations.Migration):
    dependencies = [("bibliography", "0067_shown_versions_beside_papers")]

    operations = [migrations.RunSQL(_PER_STATEMENT, _PER_ROW)]
