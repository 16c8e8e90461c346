# The fill runs in its own migration: PostgreSQL cannot build the new columns'
# indexes in the transaction that just updated the rows (pending trigger events).
from django.db import migrations, models  # noqa: F401
from django.db.models import OuterRef, Subquery


def places_as_now(apps, schema_editor):
    """Tables made before the history was kept: placed where their subject is now,
    reviewed by whom the org chart names now (the best that is known)."""
    ReviewTable = apps.get_model("reviews", "ReviewTable")
    User = apps.get_model("accounts", "User")
    Department = apps.get_model("accounts", "Department")
    person = User.objects.filter(pk=OuterRef("employee_id"))
    ReviewTable.objects.filter(employee__isnull=False).update(
        home_department_id=Subquery(person.values("department_id")[:1]),
        line_manager_id=Subquery(person.values("manager_id")[:1]),
        reviewer_id=Subquery(person.values("manager_id")[:1]),
    )
    department = Department.objects.filter(pk=OuterRef("department_id"))
    ReviewTable.objects.filter(department__isnull=False).update(
        home_department_id=models.F("department_id"),
        line_manager_id=Subquery(department.values("head_id")[:1]),
    )
    parent_head = Department.objects.filter(pk=OuterRef("department__parent_id")).values("head_id")
    for pk, head_id in ReviewTable.objects.filter(department__isnull=False).annotate(
        parent_head=Subquery(parent_head[:1])
    ).values_list("pk", "parent_head"):
        ReviewTable.objects.filter(pk=pk).update(reviewer_id=head_id)



class Migration(migrations.Migration):
    dependencies = [("reviews", "0010_org_records"), ("accounts", "0006_assignment_history")]

    operations = [migrations.RunPython(places_as_now, migrations.RunPython.noop)]
