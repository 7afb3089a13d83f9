from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

# English stemming over unaccented words; papers' search vectors are built with it.
CREATE_SEARCH_CONFIG = """
CREATE TEXT SEARCH CONFIGURATION bibliography_english (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION bibliography_english
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
"""


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunSQL(CREATE_SEARCH_CONFIG, "DROP TEXT SEARCH CONFIGURATION bibliography_english"),
    ]
