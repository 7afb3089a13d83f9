import django.db.models.deletion
from django.db import migrations, models

# A paper waits for the duplicate search in a row of its own, no longer as a sketch without keys: its
# sketch is written with the keys (by an import, or by the search), and a change of title empties
# them; any change that the search compares makes the paper wait.
TRIGGERS = """
CREATE OR REPLACE FUNCTION bibliography_paper_added_waits() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO bibliography_waitingpaper (paper_id) SELECT id FROM added ON CONFLICT (paper_id) DO NOTHING;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION bibliography_paper_changed_waits() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A paper already queued has its row locked too: a search that took it before this change
    -- commits first (its keys, made of the old title, are then emptied below), and one that comes
    -- later skips it until this change is committed. The queue row first, as the search locks them.
    INSERT INTO bibliography_waitingpaper (paper_id) VALUES (NEW.id)
        ON CONFLICT (paper_id) DO UPDATE SET paper_id = EXCLUDED.paper_id;
    IF OLD.title_key IS DISTINCT FROM NEW.title_key THEN
        UPDATE bibliography_titlesketch SET bands = NULL, grams = NULL WHERE paper_id = NEW.id AND bands IS NOT NULL;
    END IF;
    RETURN NULL;
END $$;

INSERT INTO bibliography_waitingpaper (paper_id) SELECT paper_id FROM bibliography_titlesketch WHERE bands IS NULL;
"""

UNDO = """
CREATE OR REPLACE FUNCTION bibliography_paper_added_waits() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO bibliography_titlesketch (paper_id) SELECT id FROM added ON CONFLICT (paper_id) DO NOTHING;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION bibliography_paper_changed_waits() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE bibliography_titlesketch SET bands = NULL WHERE paper_id = NEW.id AND bands IS NOT NULL;
    RETURN NULL;
END $$;

INSERT INTO bibliography_titlesketch (paper_id) SELECT paper_id FROM bibliography_waitingpaper
ON CONFLICT (paper_id) DO UPDATE SET bands = NULL, grams = NULL;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("bibliography", "0062_title_bands_rekeyed"),
    ]

    operations = [
        migrations.CreateModel(
            name="WaitingPaper",
            fields=[
                (
                    "paper",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="bibliography.paper",
                    ),
                ),
            ],
        ),
        migrations.RunSQL(TRIGGERS, UNDO),
        migrations.RemoveIndex(
            model_name="titlesketch",
            name="titlesketch_waiting_idx",
        ),
    ]
