# A note's search vector reads at most its first 100,000 characters: tsvector holds at most 1 MB,
# and a longer note made every save fail. PostgreSQL cannot alter a generated column's expression,
# so the column (and its index) is made again.

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bibliography", "0040_paper_alias_openalex_id"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="note", name="note_search_vector_idx"),
        migrations.RemoveField(model_name="note", name="search_vector"),
        migrations.AddField(
            model_name="note",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.SearchVector(
                    django.db.models.functions.text.Left("text", 100000), config="bibliography_english"
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="note",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="note_search_vector_idx"),
        ),
    ]
