
import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models

# Every paper waits for the duplicate search when it is written and whenever what the search compares
# changes, whichever door wrote it: a COPY of an import, the API, the admin, a merge, raw SQL.
TRIGGERS = """
CREATE FUNCTION bibliography_paper_added_waits() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO bibliography_titlesketch (paper_id) SELECT id FROM added ON CONFLICT (paper_id) DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER bibliography_paper_added_waits AFTER INSERT ON bibliography_paper
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bibliography_paper_added_waits();

CREATE FUNCTION bibliography_paper_changed_waits() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE bibliography_titlesketch SET bands = NULL WHERE paper_id = NEW.id AND bands IS NOT NULL;
    RETURN NULL;
END $$;
CREATE TRIGGER bibliography_paper_changed_waits AFTER UPDATE OF title_key, abstract_key, doi, arxiv_id
    ON bibliography_paper FOR EACH ROW
    WHEN (OLD.title_key IS DISTINCT FROM NEW.title_key OR OLD.abstract_key IS DISTINCT FROM NEW.abstract_key
          OR OLD.doi IS DISTINCT FROM NEW.doi OR OLD.arxiv_id IS DISTINCT FROM NEW.arxiv_id)
    EXECUTE FUNCTION bibliography_paper_changed_waits();

-- A paper's first author as the duplicate search compares them: the family name, and every word of
-- the full name between spaces (records invert names: "Oleksandrovych, Yurchenko Artem"), folded,
-- as this paper credits the person.
CREATE FUNCTION bibliography_first_author(paper bigint) RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT ARRAY[
        regexp_replace(lower(unaccent(COALESCE(NULLIF(au.credited->>'family', ''), a.family))), '[^a-z0-9]+', ' ', 'g'),
        ' ' || regexp_replace(lower(unaccent(COALESCE(NULLIF(au.credited->>'name', ''), a.name))), '[^a-z0-9]+', ' ', 'g') || ' '
    ]
    FROM bibliography_authorship au JOIN bibliography_author a ON a.id = au.author_id
    WHERE au.paper_id = paper AND au.role = 'author' ORDER BY au.position LIMIT 1
$$;

INSERT INTO bibliography_titlesketch (paper_id) SELECT id FROM bibliography_paper;
"""

UNDO = """
DROP TRIGGER bibliography_paper_added_waits ON bibliography_paper;
DROP FUNCTION bibliography_paper_added_waits();
DROP TRIGGER bibliography_paper_changed_waits ON bibliography_paper;
DROP FUNCTION bibliography_paper_changed_waits();
DROP FUNCTION bibliography_first_author(bigint);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('bibliography', '0049_import_format_from_registry'),
    ]

    operations = [
        migrations.CreateModel(
            name='TitleSketch',
            fields=[
                ('paper', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='bibliography.paper')),
                ('bands', django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), blank=True, null=True, size=None)),
            ],
            options={
                'indexes': [django.contrib.postgres.indexes.GinIndex(fields=['bands'], name='titlesketch_bands_idx'), models.Index(condition=models.Q(('bands__isnull', True)), fields=['paper'], name='titlesketch_waiting_idx')],
            },
        ),
        migrations.AddIndex(
            model_name='paper',
            index=models.Index(django.db.models.functions.text.Lower('arxiv_id'), name='paper_arxiv_id_lower_idx'),
        ),
        migrations.RunSQL(TRIGGERS, UNDO),
    ]
