from django.db import migrations

# Papers read from BibTeX before their records said so: their titles follow BibTeX's title case,
# which a CSL-JSON export turns into CSL's sentence case.
FORWARD = """
UPDATE bibliography_paper AS paper
SET extra = jsonb_set(
    paper.extra, '{bibtex}', coalesce(paper.extra -> 'bibtex', '{}'::jsonb) || '{"title_case": true}'::jsonb
)
WHERE EXISTS (
    SELECT 1 FROM bibliography_sourcerecord AS source
    JOIN bibliography_importrun AS run ON run.id = source.import_run_id
    WHERE source.paper_id = paper.id AND run.format = 'bibtex'
)
"""
BACKWARD = "UPDATE bibliography_paper SET extra = extra #- '{bibtex,title_case}' WHERE extra ? 'bibtex'"


class Migration(migrations.Migration):
    dependencies = [("bibliography", "0018_keyword_lookup")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
