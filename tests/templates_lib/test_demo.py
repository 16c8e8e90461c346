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
    assert set(copies.values_list("employee", flat=True)) == set(
        executives.values_list("pk", flat=True)
    )
    assert copies.count() == 3 * executives.count()
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
