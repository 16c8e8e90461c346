"""HR creates next year's cycle and carries this year forward in the same form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans.models import AppraisalCycle
from tests.factories import make_cycle
from tests.webtest_helpers import choose, errors_beside, form_with_button, messages, options, press

pytestmark = pytest.mark.django_db


def new_cycle_form(django_app, hr, name="2027", start="2027-01-01", end="2027-12-31"):
    page = django_app.get(reverse("plans:cycle_list"), user=hr).click(description="New cycle")
    form = form_with_button(page, "Save")
    form["name"], form["start_date"], form["end_date"] = name, start, end
    return form


def test_a_new_cycle_is_carried_forward_as_it_is_created(django_app, hr, year):
    form = new_cycle_form(django_app, hr)
    assert options(form, "carry_from") == ["Do not carry objectives forward", "2026"]
    assert form["carry_from"].value == ""  # carrying is a choice, not a default
    choose(form, "carry_from", "2026")
    choose(form, "carry_which", "All but dropped ones")
    shown = press(form, "Save").follow()
    cycle = AppraisalCycle.objects.get(name="2027")
    assert messages(shown) == [
        "The cycle has been saved.",
        "6 objectives were carried forward from 2026 — All but dropped ones.",
        "1 person or department was skipped: the carry-forward page says why.",
    ]
    assert cycle.objectives.count() == 6
    assert (cycle.carried_from, cycle.carry_forward, cycle.state) == (year.cycle, "all", "planning")
    assert (
        "Carried forward from 2026 on"
        in shown.html.select_one("[data-testid=carried-summary]").get_text()
    )


def test_a_new_cycle_without_carrying_copies_nothing(django_app, hr, year):
    shown = press(new_cycle_form(django_app, hr), "Save").follow()
    cycle = AppraisalCycle.objects.get(name="2027")
    assert messages(shown) == ["The cycle has been saved."]
    assert not cycle.objectives.exists() and cycle.carried_from is None
    assert not shown.html.select("[data-testid=carried-summary]")


def test_carrying_from_a_cycle_that_does_not_start_earlier_is_refused_and_nothing_is_created(
    django_app, hr, year
):
    form = new_cycle_form(django_app, hr, name="2025", start="2025-01-01", end="2025-12-31")
    choose(form, "carry_from", "2026")
    refused = press(form, "Save")
    assert errors_beside(refused, "carry_from") == [
        "Carry forward from a cycle that starts before this one."
    ]
    assert not AppraisalCycle.objects.filter(name="2025").exists()


def test_editing_a_cycle_offers_no_carry_fields(django_app, hr):
    cycle = make_cycle(2027, state="planning")
    page = django_app.get(reverse("plans:cycle_edit", args=[cycle.pk]), user=hr)
    assert "carry_from" not in form_with_button(page, "Save").fields
