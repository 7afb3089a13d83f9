"""Papers' full-text vectors kept in the row, compressed, instead of in the TOAST table.

A search tests and ranks thousands of vectors; each one stored out of line costs a TOAST index
lookup and chunk reads. Kept in the row (STORAGE MAIN: compressed first, moved out only when the
row cannot fit otherwise; the abstract is moved out first), finding the newest 2,000 matches of a
common word took 4 ms instead of 14 and ranking them 12.5 ms instead of 19.6 (docs/benchmarks.md).
Rows written before this migration keep their old layout until rewritten (VACUUM FULL, or any
update of the row); docs/scaling.md says when that is worth it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("bibliography", "0024_keypoint_text_index")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE bibliography_paper ALTER COLUMN search_vector SET STORAGE MAIN",
            "ALTER TABLE bibliography_paper ALTER COLUMN search_vector SET STORAGE EXTENDED",
        )
    ]
