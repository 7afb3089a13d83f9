from django.db import migrations

# Unaccented words without stemming: people's names are not English words.
CREATE = """
CREATE TEXT SEARCH CONFIGURATION bibliography_simple (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION bibliography_simple
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
"""


class Migration(migrations.Migration):
    dependencies = [("bibliography", "0003_triggers")]

    operations = [migrations.RunSQL(CREATE, "DROP TEXT SEARCH CONFIGURATION bibliography_simple")]
