# Each key was indexed twice: by the index Django makes for a foreign key, and as the first column of
# a unique constraint or an index of the model's own. Every import wrote both.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('bibliography', '0063_papers_wait_apart'),
    ]

    operations = [
        migrations.AlterField(
            model_name='authorship',
            name='author',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='authorships', to='bibliography.author'),
        ),
        migrations.AlterField(
            model_name='authorship',
            name='paper',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='authorships', to='bibliography.paper'),
        ),
        migrations.AlterField(
            model_name='paperkeyword',
            name='keyword',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='paper_keywords', to='bibliography.keyword'),
        ),
        migrations.AlterField(
            model_name='paperkeyword',
            name='paper',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='paper_keywords', to='bibliography.paper'),
        ),
        migrations.AlterField(
            model_name='paperlink',
            name='paper',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='links', to='bibliography.paper'),
        ),
        migrations.AlterField(
            model_name='sourcerecord',
            name='paper',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='sources', to='bibliography.paper'),
        ),
        migrations.AlterField(
            model_name='unresolvedreference',
            name='citing',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='unresolved_references', to='bibliography.paper'),
        ),
    ]
