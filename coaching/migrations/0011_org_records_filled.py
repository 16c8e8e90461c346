# The fill runs in its own migration: PostgreSQL cannot build the new columns'
# indexes in the transaction that just updated the rows (pending trigger events).
from django.db import migrations, models  # noqa: F401
from django.db.models import F, OuterRef, Subquery


def places_as_now(apps, schema_editor):
    """Records made before the history was kept: placed where their subject is now."""
    User = apps.get_model("accounts", "User")
    Department = apps.get_model("accounts", "Department")
    person = User.objects.filter(pk=OuterRef("employee_id"))
    for name in ("CoachingSession", "ImprovementPlan"):
        model = apps.get_model("coaching", name)
        model.objects.filter(employee__isnull=False).update(
            home_department_id=Subquery(person.values("department_id")[:1]),
            line_manager_id=Subquery(person.values("manager_id")[:1]),
        )
    CoachingSession = apps.get_model("coaching", "CoachingSession")
    CoachingSession.objects.filter(department__isnull=False).update(
        home_department_id=F("department_id"),
        line_manager_id=Subquery(
            Department.objects.filter(pk=OuterRef("department_id")).values("head_id")[:1]
        ),
    )



class Migration(migrations.Migration):
    dependencies = [("coaching", "0010_action_item_withdrawn"), ("accounts", "0006_assignment_history")]

    operations = [migrations.RunPython(places_as_now, migrations.RunPython.noop)]
