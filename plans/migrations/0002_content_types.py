"""Content types of the moved plan models follow them from ``coaching`` to ``plans``.

Admin history (``LogEntry``) and permissions point at a content type, so the
existing rows are relabelled rather than left behind and recreated: the
history of an objective and a person's ``change_objective`` permission stay
attached. A database created after the move has no such rows; nothing happens.
"""

from django.db import migrations

MOVED = (
    "appraisalcycle",
    "performanceplan",
    "objective",
    "phasetarget",
    "checkin",
    "objectivechange",
)


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
    relabel(apps, schema_editor, source="coaching", target="plans")


def backwards(apps, schema_editor):
    relabel(apps, schema_editor, source="plans", target="coaching")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("plans", "0001_initial"),
        ("coaching", "0008_plans_moved_out"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
