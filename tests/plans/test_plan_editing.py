"""Agreeing a plan in the browser: objectives, targets, check-ins, confirmation.

Every form is filled and submitted as the page renders it (WebTest).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import CheckIn, Objective, ObjectiveChange, PerformancePlan, PhaseTarget
from plans.services import plan_confirm, plan_get_or_create
from tests.factories import DepartmentFactory, UserFactory, make_cycle, make_objective
from tests.webtest_helpers import (
    HTMX,
    choose,
    errors_beside,
    form_with_button,
    htmx_get,
    messages,
    options,
    press,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(db):
    return make_cycle(timezone.localdate().year)


def month_field(cycle, month: int) -> str:
    return f"m_{cycle.start_date:%Y}_{month:02d}"


def plan_page(django_app, user, person, cycle):
    return django_app.get(
        reverse("plans:person_objectives", args=[person.pk]), {"cycle": cycle.pk}, user=user
    )


def new_objective_form(django_app, user, person, cycle):
    page = plan_page(django_app, user, person, cycle).click(description="Add objective")
    return form_with_button(page, "Save")


def fill_objective(form, *, title="Orders won", weight="60", measure="Number with a unit",
                   target="120", unit="orders"):  # fmt: skip
    form["title"] = title
    form["weight"] = weight
    choose(form, "measure", measure)
    form["target"] = target
    form["unit"] = unit


# --- Objectives -----------------------------------------------------------------


def test_manager_adds_an_objective_then_spreads_its_targets_evenly(
    django_app, manager, report, cycle
):
    form = new_objective_form(django_app, manager, report, cycle)
    fill_objective(form)
    form["description"] = "New accounts only."
    response = press(form, "Save")
    objective = Objective.objects.get(employee=report)
    assert response.location == reverse("plans:objective_targets", args=[objective.pk])
    assert objective.created_by == manager and objective.owner == report
    assert (objective.title, objective.weight, objective.measure, objective.target) == (
        "Orders won",
        60,
        "number",
        Decimal(120),
    )
    targets_page = response.follow()
    assert messages(targets_page) == ["Objective added. Now set its targets for each month."]

    grid = htmx_get(targets_page, "Spread evenly")  # htmx swaps the grid in place
    assert grid.html.form["id"] == "targets-grid" and "<nav" not in grid.text
    form = form_with_button(grid, "Save targets")
    assert form[month_field(cycle, 1)].value == "10.00"
    assert form[month_field(cycle, 12)].value == "120.00"
    assert not PhaseTarget.objects.exists()  # only filled in, not saved
    form[month_field(cycle, 12)] = "125"  # the person adjusts a value before saving
    shown = press(form, "Save targets").follow()
    planned = list(objective.targets.values_list("planned", flat=True))
    assert len(planned) == 12 and planned[0] == Decimal(10) and planned[-1] == Decimal(125)
    assert messages(shown) == ["The targets have been saved."]
    assert shown.request.path == objective.get_absolute_url()


def test_the_weight_help_says_what_is_left_to_reach_100(django_app, manager, report, cycle):
    make_objective(cycle, employee=report, weight=70)
    form = new_objective_form(django_app, manager, report, cycle)
    assert "Other objectives of this plan weigh 70, so 30 makes 100." in form.text


@pytest.mark.parametrize(
    ("typed", "measure", "field", "message"),
    [
        ({"weight": "120"}, None, "weight", "this one can weigh at most 100"),
        ({"weight": "-5"}, None, "weight", "Ensure this value is greater than or equal to 0."),
        ({"target": "150", "unit": ""}, "Percentage", "target", "between 0 and 100"),
        ({"target": "3", "unit": ""}, "Milestone (done / not done)", "target", "leave it empty"),
        ({"target": ""}, None, "target", "A number objective needs a target to reach."),
        ({"target": "0"}, None, "target", "The target must be more than zero."),
        ({"unit": ""}, None, "unit", "Say what is counted, e.g. orders or €."),
        ({"title": ""}, None, "title", "This field is required."),
    ],
)
def test_bad_objective_input_is_refused_next_to_the_field(
    django_app, manager, report, cycle, typed, measure, field, message
):
    form = new_objective_form(django_app, manager, report, cycle)
    fill_objective(form)
    for name, value in typed.items():
        form[name] = value
    if measure:
        choose(form, "measure", measure)
    refused = press(form, "Save")
    assert refused.status_code == 200
    assert any(message in error for error in errors_beside(refused, field))
    assert not Objective.objects.exists()
    again = form_with_button(refused, "Save")  # what was typed is still there
    assert again["title"].value == typed.get("title", "Orders won")
    assert again["employee"].value == str(report.pk) and again["cycle"].value == str(cycle.pk)


def test_weights_cannot_add_up_to_more_than_100(django_app, manager, report, cycle):
    make_objective(cycle, employee=report, weight=70)
    form = new_objective_form(django_app, manager, report, cycle)
    fill_objective(form, weight="40")
    refused = press(form, "Save")
    assert errors_beside(refused, "weight") == [
        "The other objectives already weigh 70; this one can weigh at most 30 so that the plan "
        "adds up to 100."
    ]
    assert Objective.objects.filter(employee=report).count() == 1


def test_a_percentage_and_a_milestone_objective(django_app, manager, report, cycle):
    form = new_objective_form(django_app, manager, report, cycle)
    fill_objective(form, title="Quality score", weight="50", measure="Percentage", target="90",
                   unit="")  # fmt: skip
    press(form, "Save")
    form = new_objective_form(django_app, manager, report, cycle)
    fill_objective(form, title="CRM launched", weight="50",
                   measure="Milestone (done / not done)", target="", unit="")  # fmt: skip
    milestone_targets = press(form, "Save").follow()
    stored = {o.title: (o.measure, o.target) for o in Objective.objects.all()}
    assert stored == {
        "Quality score": ("percent", Decimal(90)),
        "CRM launched": ("milestone", None),
    }
    # A milestone's grid is one tick per month: done by then.
    form = form_with_button(milestone_targets, "Save targets")
    form[month_field(cycle, 6)] = True
    press(form, "Save targets")
    milestone = Objective.objects.get(title="CRM launched")
    done = {t.month.month: t.planned for t in milestone.targets.all()}
    assert done[5] == Decimal(0) and done[6] == Decimal(1)


def test_a_personal_objective_aligns_to_a_department_goal(
    django_app, manager, report, cycle, sales
):
    make_objective(cycle, department=sales, title="Sales revenue")
    form = new_objective_form(django_app, manager, report, cycle)
    assert options(form, "parent") == ["Not aligned to another objective", "Sales revenue"]
    fill_objective(form)
    choose(form, "parent", "Sales revenue")
    press(form, "Save")
    assert Objective.objects.get(employee=report).parent.title == "Sales revenue"


def test_a_department_head_adds_a_department_goal_aligned_to_the_one_above(
    django_app, manager, sales, cycle
):
    east = DepartmentFactory(name="Sales East", parent=sales)
    east.head = UserFactory(department=east, manager=manager)
    east.save()
    make_objective(cycle, department=sales, title="Sales revenue")
    page = django_app.get(
        reverse("plans:department_objectives", args=[east.pk]), {"cycle": cycle.pk}, user=manager
    )
    form = form_with_button(page.click(description="Add objective"), "Save")
    assert form["department"].value == str(east.pk) and "employee" not in form.fields
    fill_objective(form, title="East revenue", weight="100", target="400", unit="k€")
    choose(form, "parent", "Sales revenue")
    press(form, "Save")
    goal = Objective.objects.get(department=east)
    assert (goal.title, goal.parent.title, goal.employee) == ("East revenue", "Sales revenue", None)


def test_an_objective_is_edited_and_dropped(django_app, manager, report, cycle):
    objective = make_objective(cycle, employee=report, weight=60)
    page = django_app.get(objective.get_absolute_url(), user=manager).click(description="Edit")
    form = form_with_button(page, "Save")
    assert form["title"].value == "Orders won" and form["weight"].value == "60"
    assert "reason" not in form.fields  # the plan is not agreed: no reason asked
    form["title"] = "Orders won (new accounts)"
    choose(form, "status", "Dropped")
    shown = press(form, "Save").follow()
    objective.refresh_from_db()
    assert (objective.title, objective.status) == ("Orders won (new accounts)", "dropped")
    assert messages(shown) == ["The objective has been saved."]
    assert shown.request.path == objective.get_absolute_url()


def test_an_employee_editing_an_objective_keeps_its_alignment_to_the_managers_own(
    django_app, manager, report, cycle
):
    # Rob may not open Maria's own objectives, yet his is aligned to one of them.
    marias = make_objective(cycle, employee=manager, title="Team orders")
    robs = make_objective(cycle, employee=report, parent=marias)
    page = django_app.get(reverse("plans:objective_edit", args=[robs.pk]), user=report)
    form = form_with_button(page, "Save")
    assert form["parent"].value == str(marias.pk)  # shown as it is stored
    form["title"] = "Orders won (new accounts)"
    press(form, "Save")
    robs.refresh_from_db()
    assert robs.title == "Orders won (new accounts)" and robs.parent == marias


def agree(cycle, report, manager):
    plan = plan_get_or_create(cycle=cycle, employee=report)
    plan_confirm(actor=report, plan=plan, side="employee")
    plan_confirm(actor=manager, plan=plan, side="manager")
    return plan


def test_changing_an_agreed_plan_needs_a_reason_and_is_recorded(django_app, report, manager, cycle):
    objective = make_objective(cycle, employee=report, weight=100, target=120)
    agree(cycle, report, manager)
    page = django_app.get(reverse("plans:objective_edit", args=[objective.pk]), user=manager)
    form = form_with_button(page, "Save")
    form["target"] = "150"
    refused = press(form, "Save")
    assert errors_beside(refused, "reason") == ["This field is required."]
    objective.refresh_from_db()
    assert objective.target == Decimal(120)
    form = form_with_button(refused, "Save")
    assert form["target"].value == "150"  # kept on screen
    form["reason"] = "New product line added."
    shown = press(form, "Save").follow()
    change = ObjectiveChange.objects.get(objective=objective)
    assert change.changed_by == manager and change.reason == "New product line added."
    assert change.changes["target"] == ["120", "150"]
    assert "New product line added." in shown.text and "120 → 150" in shown.text


def test_changing_the_targets_of_an_agreed_plan_needs_a_reason(django_app, report, manager, cycle):
    objective = make_objective(cycle, employee=report, weight=100, target=120)
    agree(cycle, report, manager)
    page = django_app.get(reverse("plans:objective_targets", args=[objective.pk]), user=manager)
    form = form_with_button(htmx_get(page, "Spread evenly"), "Save targets")
    form[month_field(cycle, 3)] = "35"
    refused = press(form, "Save targets")
    assert errors_beside(refused, "reason") == ["This field is required."]
    assert objective.targets.get(month__month=3).planned == Decimal(30)
    form = form_with_button(refused, "Save targets")
    assert form[month_field(cycle, 3)].value == "35"
    form["reason"] = "A strong spring."
    press(form, "Save targets")
    assert objective.targets.get(month__month=3).planned == Decimal(35)


def test_changing_a_half_confirmed_plan_reopens_it(django_app, report, manager, cycle):
    objective = make_objective(cycle, employee=report, weight=100)
    page = django_app.get(reverse("plans:my_objectives"), {"cycle": cycle.pk}, user=report)
    press(form_with_button(page, "Confirm the plan"), "Confirm the plan")
    page = django_app.get(reverse("plans:objective_edit", args=[objective.pk]), user=manager)
    form = form_with_button(page, "Save")
    form["title"] = "Orders won (new accounts)"
    press(form, "Save")
    plan = PerformancePlan.objects.get(employee=report)
    assert plan.employee_confirmed_at is None
    change = ObjectiveChange.objects.get()
    assert change.changes == {"title": ["Orders won", "Orders won (new accounts)"]}
    assert plan.reopenings.get().cause == "changed"


# --- Monthly targets --------------------------------------------------------------


def test_copy_the_pattern_of_another_objective_then_save(django_app, manager, report, cycle):
    make_objective(cycle, employee=report, title="Calls", target=1200, weight=50)
    objective = make_objective(cycle, employee=report, monthly=False, target=60, weight=50)
    page = django_app.get(reverse("plans:objective_targets", args=[objective.pk]), user=manager)
    copy = form_with_button(page, "Copy the pattern")
    choose(copy, "from", "Calls · Rob Report")
    grid = press(copy, "Copy the pattern", headers=HTMX)
    form = form_with_button(grid, "Save targets")
    assert form[month_field(cycle, 1)].value == "5.00"  # 100/1200 of the way, scaled to 60
    assert not objective.targets.exists()
    press(form, "Save targets")
    assert objective.targets.get(month__month=1).planned == Decimal(5)


def test_the_grid_refuses_a_negative_target_and_keeps_the_rest(django_app, manager, report, cycle):
    objective = make_objective(cycle, employee=report, monthly=False)
    page = django_app.get(reverse("plans:objective_targets", args=[objective.pk]), user=manager)
    form = form_with_button(page, "Save targets")
    form[month_field(cycle, 1)] = "10"
    form[month_field(cycle, 2)] = "-20"
    refused = press(form, "Save targets")
    assert errors_beside(refused, month_field(cycle, 2)) == [
        "Ensure this value is greater than or equal to 0."
    ]
    assert not objective.targets.exists()
    form = form_with_button(refused, "Save targets")
    assert form[month_field(cycle, 1)].value == "10"
    form[month_field(cycle, 2)] = "20"
    press(form, "Save targets")
    assert [t.planned for t in objective.targets.all()] == [Decimal(10), Decimal(20)]


def test_a_percentage_target_above_its_cap_is_refused(django_app, manager, report, cycle):
    objective = make_objective(
        cycle, employee=report, measure="percent", target=90, unit="", monthly=False
    )
    page = django_app.get(reverse("plans:objective_targets", args=[objective.pk]), user=manager)
    form = form_with_button(page, "Save targets")
    form[month_field(cycle, 1)] = "95"
    refused = press(form, "Save targets")
    assert errors_beside(refused, month_field(cycle, 1)) == [
        "At most 90 for this percentage objective."
    ]
    assert not objective.targets.exists()


# --- Check-ins ------------------------------------------------------------------------


def checkin_form(django_app, person, objective):
    page = django_app.get(objective.get_absolute_url(), user=person)
    return form_with_button(page, "Record check-in")


def test_an_employee_records_progress(django_app, report, cycle):
    objective = make_objective(cycle, employee=report)
    form = checkin_form(django_app, report, objective)
    assert form["recorded_on"].value == timezone.localdate().isoformat()
    assert form["confidence"].value == "3"
    form["value"] = "12"
    choose(form, "confidence", "4")
    form["note"] = "Two big orders."
    shown = press(form, "Record check-in").follow()
    checkin = CheckIn.objects.get()
    assert (checkin.value, checkin.confidence, checkin.note, checkin.author) == (
        Decimal(12),
        4,
        "Two big orders.",
        report,
    )
    assert messages(shown) == ["Check-in recorded."]
    assert shown.html.select_one('[data-testid="actual"]').get_text(strip=True) == "12 orders"


def test_check_in_with_htmx_returns_the_progress_panel_only(django_app, report, cycle):
    objective = make_objective(cycle, employee=report)
    form = checkin_form(django_app, report, objective)
    form["value"] = "12"
    panel = press(form, "Record check-in", headers=HTMX)
    assert 'id="objective-progress"' in panel.text and "<nav" not in panel.text
    assert "12 orders" in panel.text
    again = form_with_button(panel, "Record check-in")  # a fresh form in the swapped panel
    assert again["value"].value == ""
    again["value"] = "14"
    press(again, "Record check-in", headers=HTMX)
    assert CheckIn.objects.filter(objective=objective).count() == 2


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"value": "-3"}, "value", "The value cannot be negative."),
        ({"value": ""}, "value", "This field is required."),
        ({"recorded_on": "1999-01-01"}, "recorded_on", "Pick a date within the cycle"),
    ],
)
def test_bad_check_ins_are_refused_next_to_the_field(
    django_app, report, cycle, typed, field, message
):
    objective = make_objective(cycle, employee=report)
    form = checkin_form(django_app, report, objective)
    form["value"] = "12"
    form["note"] = "Typed note."
    for name, value in typed.items():
        form[name] = value
    for headers in ({}, HTMX):
        refused = press(form, "Record check-in", headers=headers)
        assert any(error.startswith(message) for error in errors_beside(refused, field))
        assert form_with_button(refused, "Record check-in")["note"].value == "Typed note."
    assert not CheckIn.objects.exists()


def test_a_check_in_cannot_be_in_the_future(django_app, report, cycle):
    objective = make_objective(cycle, employee=report)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    if tomorrow.year != cycle.start_date.year:
        pytest.skip("today is the last day of the cycle")
    form = checkin_form(django_app, report, objective)
    form["value"] = "12"
    form["recorded_on"] = tomorrow.isoformat()
    refused = press(form, "Record check-in")
    assert errors_beside(refused, "recorded_on") == ["A check-in cannot be in the future."]
    assert not CheckIn.objects.exists()


def test_a_milestone_check_in_is_done_or_not_done(django_app, report, cycle):
    objective = make_objective(cycle, employee=report, measure="milestone", target=None, unit="")
    form = checkin_form(django_app, report, objective)
    assert options(form, "value") == ["Not done yet", "Done"]
    choose(form, "value", "Done")
    press(form, "Record check-in")
    assert CheckIn.objects.get().value == Decimal(1)


def test_a_milestone_check_in_of_any_other_value_is_refused(client, report, cycle):
    # An attack: the page offers "done" and "not done" only.
    objective = make_objective(cycle, employee=report, measure="milestone", target=None, unit="")
    client.force_login(report)
    response = client.post(
        reverse("plans:checkin_new", args=[objective.pk]),
        {"value": "37", "confidence": "3", "recorded_on": timezone.localdate().isoformat()},
    )
    assert "Choose done or not done" in response.content.decode()
    assert not CheckIn.objects.exists()


# --- Confirming the plan ------------------------------------------------------------


def test_both_sides_confirm_a_plan_that_weighs_100(django_app, report, manager, cycle):
    make_objective(cycle, employee=report, weight=100)
    page = django_app.get(reverse("plans:my_objectives"), {"cycle": cycle.pk}, user=report)
    shown = press(form_with_button(page, "Confirm the plan"), "Confirm the plan").follow()
    assert messages(shown) == ["You have confirmed the plan."]
    assert "Waiting for the other side to confirm" in shown.text
    page = plan_page(django_app, manager, report, cycle)
    shown = press(form_with_button(page, "Confirm as manager"), "Confirm as manager").follow()
    assert shown.request.path == reverse("plans:person_objectives", args=[report.pk])
    assert "Plan agreed" in shown.text
    plan = PerformancePlan.objects.get(employee=report)
    assert plan.is_agreed and plan.employee_confirmed_by == report
    assert plan.manager_confirmed_by == manager


def test_a_plan_that_does_not_weigh_100_cannot_be_confirmed(django_app, report, cycle):
    make_objective(cycle, employee=report, weight=90)
    page = django_app.get(reverse("plans:my_objectives"), {"cycle": cycle.pk}, user=report)
    shown = press(form_with_button(page, "Confirm the plan"), "Confirm the plan").follow()
    assert messages(shown) == [
        "The weights add up to 90; they must add up to 100 before the plan can be confirmed."
    ]
    assert not PerformancePlan.objects.filter(employee_confirmed_at__isnull=False).exists()


def test_a_department_plan_is_confirmed_by_its_head_and_the_head_above(
    django_app, manager, sales, cycle
):
    east = DepartmentFactory(name="Sales East", parent=sales)
    east.head = UserFactory(full_name="Erin East", department=east, manager=manager)
    east.save()
    make_objective(cycle, department=east, title="East revenue", weight=100)
    url = reverse("plans:department_objectives", args=[east.pk])
    page = django_app.get(url, {"cycle": cycle.pk}, user=east.head)
    press(form_with_button(page, "Confirm the plan"), "Confirm the plan")
    page = django_app.get(url, {"cycle": cycle.pk}, user=manager)
    shown = press(form_with_button(page, "Confirm as manager"), "Confirm as manager").follow()
    assert "Plan agreed" in shown.text
    assert PerformancePlan.objects.get(department=east).is_agreed


def test_nobody_confirms_for_the_other_side(client, report, cycle):
    # An attack: Rob's page offers him the employee's button only.
    make_objective(cycle, employee=report, weight=100)
    client.force_login(report)
    response = client.post(
        reverse("plans:plan_confirm"),
        {"cycle": cycle.pk, "employee": report.pk, "side": "manager"},
    )
    assert response.status_code == 403


def test_the_cycle_picker_shows_another_cycles_plan(django_app, report, cycle):
    make_objective(cycle, employee=report, title="Objective of this year")
    last = make_cycle(cycle.start_date.year - 1, state="closed")
    make_objective(last, employee=report, title="Objective of last year")
    page = django_app.get(reverse("plans:my_objectives"), user=report)
    assert "Objective of this year" in page.text
    picker = form_with_button(page, "Show")  # the select submits itself; without JS, this
    choose(picker, "cycle", f"{last.name} (Closed)")
    shown = press(picker, "Show")
    assert "Objective of last year" in shown.text and "Objective of this year" not in shown.text
    assert "This cycle is closed: the plan is read-only." in shown.text


@pytest.mark.parametrize("typed", ["1e30", "0.0001"])
def test_an_invalid_target_gets_its_own_error_only(django_app, manager, report, cycle, typed):
    form = new_objective_form(django_app, manager, report, cycle)
    fill_objective(form)
    form["target"] = typed
    refused = press(form, "Save")
    errors = errors_beside(refused, "target")
    assert errors and not any("needs a target to reach" in error for error in errors)
    assert not Objective.objects.exists()
