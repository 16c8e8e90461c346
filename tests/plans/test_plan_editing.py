"""Agreeing a plan in the browser: objectives, targets, check-ins, confirmation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import CheckIn, Objective, ObjectiveChange, PerformancePlan, PhaseTarget
from tests.factories import make_cycle, make_objective

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(db):
    return make_cycle(timezone.localdate().year)


def new_objective(client, cycle, person, **data):
    payload = {
        "cycle": cycle.pk,
        "employee": person.pk,
        "title": "Orders won",
        "description": "",
        "weight": "60",
        "measure": "number",
        "target": "120",
        "unit": "orders",
        "parent": "",
    }
    payload.update(data)
    return client.post(reverse("coaching:objective_new"), payload)


def test_manager_adds_an_objective_then_sets_its_targets(client, manager, report, cycle):
    client.force_login(manager)
    response = new_objective(client, cycle, report)
    objective = Objective.objects.get(employee=report)
    assert response.status_code == 302
    assert response.url == reverse("coaching:objective_targets", args=[objective.pk])
    assert objective.created_by == manager and objective.owner == report


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"weight": "120"}, "at most 100"),
        ({"weight": "-5"}, "greater than or equal to 0"),
        ({"weight": "ten"}, "Enter a whole number"),
        ({"measure": "percent", "target": "150"}, "between 0 and 100"),
        ({"measure": "milestone", "target": "3"}, "A milestone has no numeric target"),
        ({"measure": "number", "target": ""}, "needs a target"),
        ({"target": "lots"}, "Enter a number"),
        ({"title": ""}, "This field is required"),
    ],
)
def test_bad_objective_input_is_refused_next_to_the_field(
    client, manager, report, cycle, data, field_message
):
    client.force_login(manager)
    response = new_objective(client, cycle, report, **data)
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert not Objective.objects.exists()


def test_weights_cannot_add_up_to_more_than_100(client, manager, report, cycle):
    make_objective(cycle, employee=report, weight=70)
    client.force_login(manager)
    response = new_objective(client, cycle, report, weight="40")
    body = response.content.decode()
    assert "already weigh 70" in body and "at most 30" in body
    assert Objective.objects.filter(employee=report).count() == 1


def test_spread_evenly_fills_the_grid_without_saving(client, manager, report, cycle):
    objective = make_objective(cycle, employee=report, monthly=False, target=120)
    client.force_login(manager)
    response = client.get(
        reverse("coaching:objective_targets", args=[objective.pk]), {"fill": "even"}
    )
    body = response.content.decode()
    december = f'name="m_{cycle.end_date:%Y}_12"'
    assert december in body and 'value="120.00"' in body and 'value="10.00"' in body
    assert not PhaseTarget.objects.exists()


def test_copy_scales_another_objectives_pattern(client, manager, report, cycle):
    source = make_objective(cycle, employee=report, title="Calls", target=1200, weight=50)
    objective = make_objective(cycle, employee=report, monthly=False, target=60, weight=50)
    client.force_login(manager)
    response = client.get(
        reverse("coaching:objective_targets", args=[objective.pk]),
        {"fill": "copy", "from": source.pk},
    )
    assert 'value="5.00"' in response.content.decode()  # 100/1200 of the way, scaled to 60
    assert not objective.targets.exists()


def test_the_grid_saves_targets_and_refuses_words(client, manager, report, cycle):
    objective = make_objective(cycle, employee=report, monthly=False)
    url = reverse("coaching:objective_targets", args=[objective.pk])
    client.force_login(manager)
    first = f"m_{cycle.start_date:%Y}_01"
    second = f"m_{cycle.start_date:%Y}_02"
    bad = client.post(url, {first: "10", second: "twenty"})
    assert "Enter a number" in bad.content.decode()
    assert not objective.targets.exists()
    good = client.post(url, {first: "10", second: "20"})
    assert good.status_code == 302
    assert [t.planned for t in objective.targets.all()] == [Decimal(10), Decimal(20)]


def test_a_percentage_target_above_its_cap_is_refused(client, manager, report, cycle):
    objective = make_objective(
        cycle, employee=report, measure="percent", target=90, unit="", monthly=False
    )
    client.force_login(manager)
    response = client.post(
        reverse("coaching:objective_targets", args=[objective.pk]),
        {f"m_{cycle.start_date:%Y}_01": "95"},
    )
    assert "At most 90" in response.content.decode()
    assert not objective.targets.exists()


def checkin_data(**extra):
    data = {"value": "12", "confidence": "3", "recorded_on": timezone.localdate().isoformat()}
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"value": "a dozen"}, "Enter a number"),
        ({"value": "-3"}, "cannot be negative"),
        ({"confidence": "9"}, "Select a valid choice"),
        ({"recorded_on": "1999-01-01"}, "within the cycle"),
    ],
)
def test_bad_check_ins_are_refused_next_to_the_field(client, report, cycle, extra, message):
    objective = make_objective(cycle, employee=report)
    client.force_login(report)
    response = client.post(
        reverse("coaching:checkin_new", args=[objective.pk]), checkin_data(**extra)
    )
    assert message in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_check_in_cannot_be_in_the_future(client, report, cycle):
    objective = make_objective(cycle, employee=report)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    if tomorrow.year != cycle.start_date.year:
        pytest.skip("today is the last day of the cycle")
    client.force_login(report)
    response = client.post(
        reverse("coaching:checkin_new", args=[objective.pk]),
        checkin_data(recorded_on=tomorrow.isoformat()),
    )
    assert "cannot be in the future" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_milestone_check_in_is_done_or_not_done(client, report, cycle):
    objective = make_objective(cycle, employee=report, measure="milestone", target=None, unit="")
    client.force_login(report)
    response = client.post(
        reverse("coaching:checkin_new", args=[objective.pk]), checkin_data(value="37")
    )
    assert "Choose done or not done" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_check_in_with_htmx_returns_the_progress_panel_only(client, report, cycle):
    objective = make_objective(cycle, employee=report)
    client.force_login(report)
    url = reverse("coaching:checkin_new", args=[objective.pk])
    partial = client.post(url, checkin_data(), HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert 'id="objective-progress"' in body and "<nav" not in body and "12 orders" in body
    plain = client.post(url, checkin_data(value="14"))
    assert plain.status_code == 302 and plain.url == objective.get_absolute_url()
    assert CheckIn.objects.filter(objective=objective).count() == 2


def confirm(client, cycle, person, side):
    return client.post(
        reverse("coaching:plan_confirm"), {"cycle": cycle.pk, "employee": person.pk, "side": side}
    )


def test_both_sides_confirm_a_plan_that_weighs_100(client, report, manager, cycle):
    make_objective(cycle, employee=report, weight=100)
    client.force_login(report)
    confirm(client, cycle, report, "employee")
    client.force_login(manager)
    confirm(client, cycle, report, "manager")
    plan = PerformancePlan.objects.get(employee=report)
    assert plan.is_agreed and plan.employee_confirmed_by == report


def test_a_plan_that_does_not_weigh_100_cannot_be_confirmed(client, report, cycle):
    make_objective(cycle, employee=report, weight=90)
    client.force_login(report)
    response = confirm(client, cycle, report, "employee")
    page = client.get(response.url).content.decode()
    assert "add up to 90" in page
    assert not PerformancePlan.objects.filter(employee_confirmed_at__isnull=False).exists()


def test_nobody_confirms_for_the_other_side(client, report, cycle):
    make_objective(cycle, employee=report, weight=100)
    client.force_login(report)
    assert confirm(client, cycle, report, "manager").status_code == 403


def agree(cycle, report, manager):
    from coaching.services import plan_confirm, plan_get_or_create

    plan = plan_get_or_create(cycle=cycle, employee=report)
    plan_confirm(actor=report, plan=plan, side="employee")
    plan_confirm(actor=manager, plan=plan, side="manager")
    return plan


def edit_data(objective, **extra):
    data = {
        "title": objective.title,
        "description": "",
        "weight": str(objective.weight),
        "measure": objective.measure,
        "target": str(objective.target),
        "unit": objective.unit,
        "parent": "",
        "status": objective.status,
    }
    data.update(extra)
    return data


def test_changing_an_agreed_plan_needs_a_reason_and_is_recorded(client, report, manager, cycle):
    objective = make_objective(cycle, employee=report, weight=100, target=120)
    agree(cycle, report, manager)
    client.force_login(manager)
    url = reverse("coaching:objective_edit", args=[objective.pk])
    refused = client.post(url, edit_data(objective, target="150"))
    assert "This field is required" in refused.content.decode()
    objective.refresh_from_db()
    assert objective.target == Decimal(120)
    client.post(url, edit_data(objective, target="150", reason="New product line added."))
    change = ObjectiveChange.objects.get(objective=objective)
    assert change.changed_by == manager and change.reason == "New product line added."
    assert change.changes["target"] == ["120", "150"]
    page = client.get(objective.get_absolute_url()).content.decode()
    assert "New product line added." in page and "120 → 150" in page


def test_changing_a_half_confirmed_plan_reopens_it(client, report, manager, cycle):
    objective = make_objective(cycle, employee=report, weight=100)
    client.force_login(report)
    confirm(client, cycle, report, "employee")
    client.force_login(manager)
    client.post(
        reverse("coaching:objective_edit", args=[objective.pk]),
        edit_data(objective, title="Orders won (new accounts)"),
    )
    plan = PerformancePlan.objects.get(employee=report)
    assert plan.employee_confirmed_at is None
    assert not ObjectiveChange.objects.exists()
