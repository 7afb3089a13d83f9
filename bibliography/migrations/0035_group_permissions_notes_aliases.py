from django.contrib.auth.management import create_permissions
from django.db import migrations

# Written by merges and renames only: curators read them.
READ_ONLY_MODELS = {"authoralias", "conceptalias"}


def grant(apps, schema_editor):
    """Curators write notes and read the new aliases; viewers read all three."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    new = Permission.objects.filter(
        content_type__app_label="bibliography", content_type__model__in=["note", *READ_ONLY_MODELS]
    )
    curator, viewer = Group.objects.get(name="curator"), Group.objects.get(name="viewer")
    curator.permissions.add(*new.filter(codename__startswith="view_"))
    curator.permissions.add(*new.exclude(content_type__model__in=READ_ONLY_MODELS))
    viewer.permissions.add(*new.filter(codename__startswith="view_"))


class Migration(migrations.Migration):
    dependencies = [("bibliography", "0034_notes")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
