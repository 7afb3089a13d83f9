"""A baseline history record for every paper that has none (papers imported before imports wrote
one), so that the first edit of such a paper shows what it changed."""

from django.db import migrations

_HISTORY_OWN = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}


def baseline(apps, schema_editor):
    historical = apps.get_model("bibliography", "HistoricalPaper")
    paper = apps.get_model("bibliography", "Paper")
    quote = schema_editor.connection.ops.quote_name
    listed = ", ".join(quote(f.column) for f in historical._meta.concrete_fields if f.name not in _HISTORY_OWN)
    schema_editor.execute(
        f"INSERT INTO {historical._meta.db_table} ({listed}, history_date, history_change_reason, history_type) "
        f"SELECT {listed}, statement_timestamp(), 'as imported (recorded later)', '+' FROM {paper._meta.db_table} p "
        f"WHERE NOT EXISTS (SELECT 1 FROM {historical._meta.db_table} h WHERE h.id = p.id)"
    )


class Migration(migrations.Migration):
    dependencies = [("bibliography", "0030_key_point_history")]

    operations = [migrations.RunPython(baseline, migrations.RunPython.noop, elidable=True)]
