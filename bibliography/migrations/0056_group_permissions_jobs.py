from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    """Curators start jobs and read them; viewers read them."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    new = Permission.objects.filter(content_type__app_label="bibliography", content_type__model="job")
    curator, viewer = Group.objects.get(name="curator"), Group.objects.get(name="viewer")
    curator.permissions.add(*new.filter(codename__in=["add_job", "view_job", "delete_job"]))
    viewer.permissions.add(*new.filter(codename="view_job"))


class Migration(migrations.Migration):
    dependencies = [("bibliography", "0055_jobs")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
