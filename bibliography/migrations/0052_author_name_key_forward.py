from django.db import migrations

BATCH = 2_000


def rekey(apps, schema_editor):
    """Authors whose name was written family first ("Frankle, Jonathan") get the key of the person it
    names, as Author.settle_parts now makes it; one read of the authors with a comma in the name."""
    from bibliography import text  # noqa: PLC0415
    from bibliography.names import forward  # noqa: PLC0415

    Author = apps.get_model("bibliography", "Author")
    changed = []
    for author in Author.objects.filter(name__contains=",", literal=False).only("id", "name", "name_key").iterator():
        key = text.name_key(forward(author.name))
        if key != author.name_key:
            author.name_key = key
            changed.append(author)
        if len(changed) >= BATCH:
            Author.objects.bulk_update(changed, ["name_key"])
            changed = []
    Author.objects.bulk_update(changed, ["name_key"])


class Migration(migrations.Migration):
    dependencies = [("bibliography", "0051_citation_key_follows_until_used")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
