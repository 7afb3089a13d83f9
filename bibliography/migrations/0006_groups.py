from django.contrib.auth.management import create_permissions
from django.db import migrations

# Read-only for everyone: provenance is written by imports, never edited by hand.
READ_ONLY_MODELS = {"importrun", "sourcerecord"}


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    bibliographic = Permission.objects.filter(content_type__app_label="bibliography")
    viewing = bibliographic.filter(codename__startswith="view_")
    editing = bibliographic.exclude(content_type__model__in=READ_ONLY_MODELS).exclude(
        content_type__model__startswith="historical"
    )

    curator, _ = Group.objects.get_or_create(name="curator")
    curator.permissions.set(viewing | editing)
    viewer, _ = Group.objects.get_or_create(name="viewer")
    viewer.permissions.set(viewing)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["curator", "viewer"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("bibliography", "0005_curation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
