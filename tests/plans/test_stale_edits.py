"""Two people (or two tabs) editing the same objective, its targets or a cycle: the later
save of a form opened earlier is refused with a message, the typed text stays on
screen, and nothing of it is saved; the earlier save is kept whole."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import AppraisalCycle, ObjectiveChange, PerformancePlan
from plans.services import plan_confirm, plan_get_or_create
from tests.factories import make_cycle, make_objective
from tests.webtest_helpers import another_browser, form_with_button, htmx_get, messages, press

pytestmark = pytest.mark.django_db

STALE = (
    "Someone saved this while you were editing it: another person, or you in another tab. "
    "Nothing of yours was saved: your input is still below. Open the page again in a new "
    "tab to see what changed, then save yours."
)


@pytest.fixture
def cycle(db):
    return make_cycle(timezone.localdate().year)


def tab(django_app, user, url_name, pk, button="Save"):
    return form_with_button(django_app.get(reverse(url_name, args=[pk]), user=user), button)


def test_an_objective_edited_by_the_manager_is_not_undone_by_the_employees_older_tab(
    django_app, manager, report, cycle
):
    objective = make_objective(cycle, employee=report, weight=100, target=120)
    employees = tab(django_app, report, "plans:objective_edit", objective.pk)
    managers = tab(another_browser(django_app), manager, "plans:objective_edit", objective.pk)
    managers["target"] = "150"
    press(managers, "Save").follow()
    employees["description"] = "New accounts only."
    refused = press(employees, "Save", status=409)
    assert messages(refused) == [STALE]
    assert form_with_button(refused, "Save")["description"].value == "New accounts only."
    objective.refresh_from_db()
    assert (objective.target, objective.description) == (Decimal(150), "")


def test_on_an_agreed_plan_a_stale_change_keeps_its_reason_on_screen_and_records_nothing(
    django_app, manager, report, cycle
):
    objective = make_objective(cycle, employee=report, weight=100, target=120)
    plan = plan_get_or_create(cycle=cycle, employee=report)
    plan_confirm(actor=report, plan=plan, side="employee")
    plan_confirm(actor=manager, plan=plan, side="manager")
    older = tab(django_app, report, "plans:objective_edit", objective.pk)
    newer = tab(another_browser(django_app), manager, "plans:objective_edit", objective.pk)
    newer["target"] = "150"
    newer["reason"] = "New product line."
    press(newer, "Save").follow()
    older["title"] = "Orders won (new accounts)"
    older["reason"] = "Only new accounts count."
    refused = press(older, "Save", status=409)
    shown = form_with_button(refused, "Save")
    assert (shown["title"].value, shown["reason"].value) == (
        "Orders won (new accounts)",
        "Only new accounts count.",
    )
    objective.refresh_from_db()
    assert (objective.title, objective.target) == ("Orders won", Decimal(150))
    assert list(ObjectiveChange.objects.values_list("reason", flat=True)) == ["New product line."]


def test_targets_saved_in_another_tab_are_not_overwritten_by_an_older_grid(
    django_app, manager, report, cycle
):
    objective = make_objective(cycle, employee=report, weight=100, target=120)
    url = reverse("plans:objective_targets", args=[objective.pk])
    older = form_with_button(django_app.get(url, user=report), "Save targets")
    newer = form_with_button(another_browser(django_app).get(url, user=manager), "Save targets")
    field = f"m_{cycle.start_date:%Y}_03"
    newer[field] = "45"
    press(newer, "Save targets").follow()
    older[f"m_{cycle.start_date:%Y}_04"] = "55"
    refused = press(older, "Save targets", status=409)
    assert messages(refused) == [STALE]
    assert form_with_button(refused, "Save targets")[f"m_{cycle.start_date:%Y}_04"].value == "55"
    assert objective.targets.get(month__month=3).planned == Decimal(45)
    assert objective.targets.get(month__month=4).planned == Decimal(40)


def test_a_filled_grid_saves_after_its_values_were_spread(django_app, manager, report, cycle):
    objective = make_objective(cycle, employee=report, weight=100, target=120, monthly=False)
    page = django_app.get(reverse("plans:objective_targets", args=[objective.pk]), user=manager)
    form = form_with_button(htmx_get(page, "Spread evenly"), "Save targets")
    press(form, "Save targets")
    assert objective.targets.count() == 12


def test_a_cycle_renamed_by_another_hr_tab_is_not_renamed_back(django_app, hr):
    cycle = make_cycle(2027, state="planning")
    older = tab(django_app, hr, "plans:cycle_edit", cycle.pk)
    newer = tab(django_app, hr, "plans:cycle_edit", cycle.pk)
    newer["name"] = "FY 2027"
    press(newer, "Save").follow()
    older["rating_labels"] = "Low\nHigh"
    refused = press(older, "Save", status=409)
    assert messages(refused) == [STALE]
    assert form_with_button(refused, "Save")["rating_labels"].value == "Low\nHigh"
    cycle.refresh_from_db()
    assert (cycle.name, cycle.rating_scale) == ("FY 2027", [])


def test_new_dates_from_a_tab_opened_before_the_cycle_started_are_refused_not_dropped(
    django_app, hr
):
    cycle = make_cycle(2027, state="planning")
    older = tab(django_app, hr, "plans:cycle_edit", cycle.pk)
    page = django_app.get(cycle.get_absolute_url(), user=hr)
    press(form_with_button(page, "Start the cycle"), "Start the cycle").follow()
    older["end_date"] = "2027-06-30"
    refused = press(older, "Save", status=409)
    assert messages(refused) == [STALE]
    cycle.refresh_from_db()
    assert (cycle.state, cycle.end_date) == ("active", dt.date(2027, 12, 31))
    assert AppraisalCycle.objects.count() == 1


def test_a_plan_changed_while_the_employee_read_it_is_not_confirmed_unseen(
    django_app, manager, report, cycle
):
    objective = make_objective(cycle, employee=report, weight=100, target=120)
    page = django_app.get(reverse("plans:my_objectives"), {"cycle": cycle.pk}, user=report)
    managers = tab(another_browser(django_app), manager, "plans:objective_edit", objective.pk)
    managers["target"] = "200"
    press(managers, "Save").follow()
    shown = press(form_with_button(page, "Confirm the plan"), "Confirm the plan").follow()
    assert messages(shown) == [
        "The plan changed while you were looking at it: nothing was confirmed. "
        "Read it again below, then confirm."
    ]
    assert not PerformancePlan.objects.filter(employee_confirmed_at__isnull=False).exists()
    again = press(form_with_button(shown, "Confirm the plan"), "Confirm the plan").follow()
    assert messages(again) == ["You have confirmed the plan."]
    assert PerformancePlan.objects.get().employee_confirmed_by == report


def test_an_objective_form_opened_before_the_targets_were_saved_is_refused(
    django_app, manager, report, cycle
):
    objective = make_objective(cycle, employee=report, weight=100, target=120)
    employees = tab(django_app, report, "plans:objective_edit", objective.pk)
    url = reverse("plans:objective_targets", args=[objective.pk])
    grid = form_with_button(another_browser(django_app).get(url, user=manager), "Save targets")
    grid[f"m_{cycle.start_date:%Y}_03"] = "45"
    press(grid, "Save targets").follow()
    employees["weight"] = "90"
    refused = press(employees, "Save", status=409)
    assert messages(refused) == [STALE]
    assert form_with_button(refused, "Save")["weight"].value == "90"
    objective.refresh_from_db()
    assert objective.weight == 100
    assert objective.targets.get(month__month=3).planned == Decimal(45)
    assert [c.changed_by for c in ObjectiveChange.objects.all()] == [manager]


def test_a_targets_grid_opened_before_a_status_change_is_refused_and_keeps_its_values(
    django_app, manager, report, cycle
):
    objective = make_objective(cycle, employee=report, weight=100, target=120)
    url = reverse("plans:objective_targets", args=[objective.pk])
    grid = form_with_button(django_app.get(url, user=report), "Save targets")
    managers = tab(another_browser(django_app), manager, "plans:objective_edit", objective.pk)
    managers["status"] = "achieved"
    press(managers, "Save").follow()
    grid[f"m_{cycle.start_date:%Y}_12"] = "130"
    refused = press(grid, "Save targets", status=409)
    assert messages(refused) == [STALE]
    assert form_with_button(refused, "Save targets")[f"m_{cycle.start_date:%Y}_12"].value == "130"
    objective.refresh_from_db()
    assert objective.status == "achieved"
    assert objective.targets.get(month__month=12).planned == Decimal(120)
