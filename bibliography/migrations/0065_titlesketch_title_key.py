# The search compared titles read from the papers: at a million papers most of its time went to
# reading, for each pair of papers sharing a band key by chance, the other paper's row. A sketch now
# keeps the folded title its keys were made of, and a change of title empties both.

from django.db import migrations, models

# Every sketch's row is rewritten: its 24 keys would otherwise each be inserted into the index again.
FILL = """
DROP INDEX titlesketch_bands_idx;
UPDATE bibliography_titlesketch s SET title_key = p.title_key
FROM bibliography_paper p WHERE p.id = s.paper_id AND s.bands IS NOT NULL;
CREATE INDEX titlesketch_bands_idx ON bibliography_titlesketch USING gin (bands);
"""

TRIGGER = """
CREATE OR REPLACE FUNCTION bibliography_paper_changed_waits() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A paper already queued has its row locked too: a search that took it before this change
    -- commits first (its keys, made of the old title, are then emptied below), and one that comes
    -- later skips it until this change is committed. The queue row first, as the search locks them.
    INSERT INTO bibliography_waitingpaper (paper_id) VALUES (NEW.id)
        ON CONFLICT (paper_id) DO UPDATE SET paper_id = EXCLUDED.paper_id;
    IF OLD.title_key IS DISTINCT FROM NEW.title_key THEN
        UPDATE bibliography_titlesketch SET bands = NULL, grams = NULL, title_key = NULL
        WHERE paper_id = NEW.id AND bands IS NOT NULL;
    END IF;
    RETURN NULL;
END $$;
"""

UNDO_TRIGGER = TRIGGER.replace(", title_key = NULL\n        WHERE", " WHERE")


class Migration(migrations.Migration):

    dependencies = [
        ("bibliography", "0064_foreign_keys_indexed_once"),
    ]

    operations = [
        migrations.AddField(
            model_name="titlesketch",
            name="title_key",
            field=models.CharField(blank=True, max_length=1000, null=True),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RunSQL(TRIGGER, UNDO_TRIGGER),
        migrations.AddConstraint(
            model_name="titlesketch",
            constraint=models.CheckConstraint(
                condition=models.Q(("bands__isnull", True), ("title_key__isnull", True))
                | models.Q(("bands__isnull", False), ("title_key__isnull", False)),
                name="titlesketch_keys_with_their_title",
            ),
        ),
    ]
