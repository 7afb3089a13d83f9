from django.db import migrations, models

# title_bands.py's keys changed (hashed a batch at a time) and a title's trigram count joined them:
# every paper waits for the search again, which makes both anew. Emptied and filled, not updated: at a
# million papers an UPDATE would leave a million dead rows and their index entries behind.
REKEY = """
TRUNCATE bibliography_titlesketch;
INSERT INTO bibliography_titlesketch (paper_id) SELECT id FROM bibliography_paper;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("bibliography", "0061_search_index_author_renames"),
    ]

    operations = [
        migrations.AddField(
            model_name="titlesketch",
            name="grams",
            field=models.SmallIntegerField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="titlesketch",
            constraint=models.CheckConstraint(condition=models.Q(("grams__gte", 0)), name="titlesketch_grams_a_count"),
        ),
        migrations.RunSQL(REKEY, REKEY),
    ]
