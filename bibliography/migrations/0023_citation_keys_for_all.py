from django.db import migrations


def keys_for_all(apps, schema_editor):
    """Papers from before keys were given at creation (the API and the admin left them to the first
    export, which wrote on a read) get theirs now."""
    if not apps.get_model("bibliography", "Paper").objects.filter(citation_key=None).exists():
        return  # a new database: nothing to do, and the live models below need not match this point
    from bibliography.citation_keys import keys_assign  # noqa: PLC0415
    from bibliography.models import Paper  # noqa: PLC0415

    last = 0
    while ids := list(
        Paper.objects.filter(citation_key=None, id__gt=last).order_by("id").values_list("id", flat=True)[:1000]
    ):
        keys_assign(list(Paper.objects.filter(id__in=ids).prefetch_related("authorships__author")))
        last = ids[-1]


class Migration(migrations.Migration):
    dependencies = [("bibliography", "0022_constraint_messages")]

    operations = [migrations.RunPython(keys_for_all, migrations.RunPython.noop)]
