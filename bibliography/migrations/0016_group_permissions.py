from django.contrib.auth.management import create_permissions
from django.db import migrations

# Written by imports and merges only: curators read them.
READ_ONLY_MODELS = {"importrun", "sourcerecord", "citationkeyalias"}


def grant(apps, schema_editor):
    """The groups get what the models added since 0006_groups need: keywords to curate, key aliases to read."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    new = Permission.objects.filter(
        content_type__app_label="bibliography",
        content_type__model__in=["keyword", "paperkeyword", "citationkeyalias"],
    )
    curator, viewer = Group.objects.get(name="curator"), Group.objects.get(name="viewer")
    curator.permissions.add(*new.filter(codename__startswith="view_"))
    curator.permissions.add(*new.exclude(content_type__model__in=READ_ONLY_MODELS))
    viewer.permissions.add(*new.filter(codename__startswith="view_"))


class Migration(migrations.Migration):
    dependencies = [("bibliography", "0015_credited_names")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
