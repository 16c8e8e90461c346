"""The demo shows templates assigned: every account executive has the "Sales
representative" copies in next year's cycle, once, however often the demo is seeded."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from plans.models import Objective, TemplateSet

pytestmark = pytest.mark.django_db


def test_the_demo_assigns_the_sales_representative_set_next_year_once(django_app):
    call_command("seed_demo")
    next_year = str(timezone.localdate().year + 1)
    copies = Objective.objects.filter(
        cycle__name=next_year, template__template_set__name="Sales representative"
    )
    executives = User.objects.filter(job_title="Account Executive", is_active=True)
    # Next year is carried forward first (demo/carry_forward.py): an executive whose
    # carried objectives leave no room for the set is refused, as on the preview page.
    set_weight = sum(
        TemplateSet.objects.get(name="Sales representative").templates.values_list(
            "default_weight", flat=True
        )
    )
    carried = Objective.objects.filter(cycle__name=next_year, carried_from__isnull=False)
    room = {
        person.pk: 100 - sum(o.weight for o in carried if o.employee_id == person.pk)
        for person in executives
    }
    assigned = set(copies.values_list("employee", flat=True))
    assert assigned == {pk for pk, left in room.items() if left >= set_weight}
    assert assigned and copies.count() == 3 * len(assigned)
    before = list(copies.values_list("pk", flat=True).order_by("pk"))
    call_command("seed_demo")
    assert list(copies.values_list("pk", flat=True).order_by("pk")) == before
    assert TemplateSet.objects.count() == 2
    person = copies.first().employee
    page = django_app.get(
        reverse("plans:person_objectives", args=[person.pk]),
        {"cycle": copies.first().cycle_id},
        user=person,
    )
    assert "from template Sales representative" in page.text
    marcus = User.objects.get(email="marcus.lee@example.com")
    library = django_app.get(reverse("plans:template_set_list"), user=marcus)
    assert "Sales onboarding" in library.text and "Sales representative" not in library.text
