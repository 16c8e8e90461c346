"""The demo's next-year cycle is carried forward from this year: Emma and Priya see
"carried from <this year>" on next year's plans."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Department, User
from plans.models import AppraisalCycle, Objective

pytestmark = pytest.mark.django_db


def badges(page):
    return [a.get_text(" ", strip=True) for a in page.html.select("[data-testid=carried-from]")]


def test_the_demo_carries_this_year_into_next_year_and_emma_and_priya_see_it(django_app):
    call_command("seed_demo")
    year = timezone.localdate().year
    cycle = AppraisalCycle.objects.get(name=str(year + 1))
    assert (cycle.carried_from.name, cycle.carry_forward) == (str(year), "unfinished")
    emma = User.objects.get(email="emma.wilson@example.com")
    priya = User.objects.get(email="priya.nair@example.com")
    own = django_app.get(reverse("plans:my_objectives"), {"cycle": cycle.pk}, user=emma)
    assert badges(own) and set(badges(own)) == {f"carried from {year}"}
    hers = django_app.get(
        reverse("plans:person_objectives", args=[emma.pk]), {"cycle": cycle.pk}, user=priya
    )
    assert badges(hers) == badges(own)
    east = Department.objects.get(name="Sales East")
    department = django_app.get(
        reverse("plans:department_objectives", args=[east.pk]), {"cycle": cycle.pk}, user=priya
    )
    assert f"carried from {year}" in badges(department)
    # Ben Carter left: nothing of his is carried.
    assert not Objective.objects.filter(cycle=cycle, employee__email="ben.carter@example.com")
    count = Objective.objects.filter(cycle=cycle).count()
    call_command("seed_demo")
    assert Objective.objects.filter(cycle=cycle).count() == count
