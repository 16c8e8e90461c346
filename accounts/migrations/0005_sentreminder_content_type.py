"""The content type of ``SentReminder`` follows it from ``reviews`` to ``accounts``.

Admin history (``LogEntry``) and permissions point at a content type, so the
existing row is relabelled (keeping its id) rather than left behind and
recreated. A database created after the move has no such row; nothing happens.
"""

from django.db import migrations

MOVED = ("sentreminder",)


def relabel(apps, schema_editor, *, source, target):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if content_type.objects.using(db).filter(app_label=target, model=model).exists():
            continue  # already created for the new label; keep the older row as it is
        content_type.objects.using(db).filter(app_label=source, model=model).update(
            app_label=target
        )


def forwards(apps, schema_editor):
    relabel(apps, schema_editor, source="reviews", target="accounts")


def backwards(apps, schema_editor):
    relabel(apps, schema_editor, source="accounts", target="reviews")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0004_sentreminder"),
        ("reviews", "0008_sentreminder_moved_out"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
