"""Plans keep their word (issue 15, section 7): an agreed plan always weighs 100, a
change that takes it away from 100 reopens its confirmation (recorded, both sides told,
the page says so), and every change to an objective is kept and shown as its history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from plans.models import Objective, ObjectiveChange, PerformancePlan, PlanReopening
from plans.services import plan_confirm, plan_get_or_create
from tests.factories import UserFactory, make_cycle, make_objective
from tests.webtest_helpers import (
    choose,
    errors_beside,
    form_with_button,
    htmx_get,
    messages,
    press,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(db):
    return make_cycle(timezone.localdate().year)


def agree(cycle, report, manager):
    plan = plan_get_or_create(cycle=cycle, employee=report)
    plan_confirm(actor=report, plan=plan, side="employee")
    plan_confirm(actor=manager, plan=plan, side="manager")
    return plan


def edit(django_app, user, objective):
    page = django_app.get(reverse("plans:objective_edit", args=[objective.pk]), user=user)
    return form_with_button(page, "Save")


def plan_page(django_app, user, person, cycle):
    return django_app.get(
        reverse("plans:person_objectives", args=[person.pk]), {"cycle": cycle.pk}, user=user
    )


REOPENED_90 = (
    "The plan's weights now add up to 90, not 100: the plan is no longer agreed, and both "
    "confirmations were cleared. Bring the weights back to 100, then both sides confirm it "
    "again. The person and the manager have been told."
)


def test_lowering_a_weight_of_an_agreed_plan_reopens_it_records_it_and_tells_the_person(
    django_app, manager, report, cycle
):
    orders = make_objective(cycle, employee=report, weight=60)
    make_objective(cycle, employee=report, title="Calls", weight=40)
    agree(cycle, report, manager)
    form = edit(django_app, manager, orders)
    form["weight"] = "50"
    form["reason"] = "Calls matter more this year."
    shown = press(form, "Save").follow()
    assert messages(shown) == ["The objective has been saved.", REOPENED_90]
    plan = PerformancePlan.objects.get(employee=report)
    assert not plan.is_agreed
    assert (plan.employee_confirmed_at, plan.manager_confirmed_at) == (None, None)
    reopening = PlanReopening.objects.get()
    assert (reopening.reopened_by, reopening.cause, reopening.weight_total) == (
        manager,
        "weights",
        90,
    )
    assert reopening.reason == "Calls matter more this year."
    assert reopening.employee_confirmed_at is not None  # what was cleared is kept
    told = Notification.objects.get(recipient=report)
    assert "now add up to 90, not 100" in told.message
    assert told.url == f"{reverse('plans:person_objectives', args=[report.pk])}?cycle={cycle.pk}"
    assert not Notification.objects.filter(recipient=manager).exists()  # she made the change
    # The person opens the plan from the notification and reads why, in plain words.
    page = django_app.get(told.url, user=report)
    banner = page.html.select_one('[data-testid="plan-reopened"]').get_text(" ", strip=True)
    assert "This plan is no longer agreed" in banner
    assert "Maria Manager changed “Orders won”" in banner
    assert "added up to 90, not 100" in banner
    assert "Calls matter more this year." in banner
    assert "Plan not confirmed yet" in page.text
    # The confirm button is back, and refuses until the weights add up to 100 again.
    refused = press(form_with_button(page, "Confirm the plan"), "Confirm the plan").follow()
    assert messages(refused) == [
        "The weights add up to 90; they must add up to 100 before the plan can be confirmed."
    ]


def test_the_manager_is_told_when_the_employee_drops_an_objective_of_the_agreed_plan(
    django_app, manager, report, cycle
):
    make_objective(cycle, employee=report, weight=60)
    calls = make_objective(cycle, employee=report, title="Calls", weight=40)
    agree(cycle, report, manager)
    form = edit(django_app, report, calls)
    choose(form, "status", "Dropped")
    form["reason"] = "The call centre closed."
    shown = press(form, "Save").follow()
    assert "now add up to 60, not 100" in messages(shown)[1]
    assert not PerformancePlan.objects.get(employee=report).is_agreed
    assert Notification.objects.filter(recipient=manager).count() == 1
    assert not Notification.objects.filter(recipient=report).exists()


def test_the_nearest_active_manager_is_told_when_the_direct_one_has_left(
    django_app, manager, report, indirect_report, cycle
):
    make_objective(cycle, employee=indirect_report, weight=60)
    calls = make_objective(cycle, employee=indirect_report, title="Calls", weight=40)
    agree(cycle, indirect_report, report)
    report.is_active = False
    report.save(update_fields=["is_active"])
    form = edit(django_app, indirect_report, calls)
    form["weight"] = "30"
    form["reason"] = "Fewer calls."
    press(form, "Save")
    assert list(Notification.objects.values_list("recipient", flat=True)) == [manager.pk]


def test_marking_an_objective_achieved_keeps_the_plan_agreed_and_is_recorded(
    django_app, manager, report, cycle
):
    orders = make_objective(cycle, employee=report, weight=100)
    agree(cycle, report, manager)
    form = edit(django_app, manager, orders)
    choose(form, "status", "Achieved")
    form["reason"] = "Reached in October."
    shown = press(form, "Save").follow()
    assert messages(shown) == ["The objective has been saved."]
    assert PerformancePlan.objects.get(employee=report).is_agreed
    assert not PlanReopening.objects.exists() and not Notification.objects.exists()
    history = shown.html.select_one('[data-testid="changes"]').get_text(" ", strip=True)
    assert "Reached in October." in history
    assert "Status: In progress → Achieved" in history


def test_a_new_objective_of_an_agreed_plan_must_fit_the_100(django_app, manager, report, cycle):
    make_objective(cycle, employee=report, weight=100)
    agree(cycle, report, manager)
    page = django_app.get(
        reverse("plans:objective_new"), {"cycle": cycle.pk, "employee": report.pk}, user=manager
    )
    form = form_with_button(page, "Save")
    form["title"] = "Mentoring"
    form["weight"] = "10"
    choose(form, "measure", "Milestone (done / not done)")
    form["reason"] = "A new junior joins."
    refused = press(form, "Save")
    assert errors_beside(refused, "weight") == [
        "The other objectives already weigh 100; this one can weigh at most 0 so that the "
        "plan adds up to 100."
    ]
    form = form_with_button(refused, "Save")
    form["weight"] = "0"
    press(form, "Save").follow()
    assert PerformancePlan.objects.get(employee=report).is_agreed
    created = ObjectiveChange.objects.get(objective__title="Mentoring")
    assert created.changes == {"created": [None, "Mentoring"]}
    assert created.reason == "A new junior joins."


def test_a_dropped_objective_of_an_agreed_plan_cannot_come_back_over_100(
    django_app, manager, report, cycle
):
    make_objective(cycle, employee=report, weight=100)
    old = make_objective(cycle, employee=report, title="Old", weight=20, status="dropped")
    agree(cycle, report, manager)
    form = edit(django_app, manager, old)
    choose(form, "status", "In progress")
    form["reason"] = "Back on."
    refused = press(form, "Save")
    assert errors_beside(refused, "weight")[0].startswith("The other objectives already weigh 100")
    assert PerformancePlan.objects.get(employee=report).is_agreed


def test_targets_changed_on_an_agreed_plan_keep_it_agreed_and_show_in_the_history(
    django_app, manager, report, cycle
):
    objective = make_objective(cycle, employee=report, weight=100, target=120)
    agree(cycle, report, manager)
    page = django_app.get(reverse("plans:objective_targets", args=[objective.pk]), user=manager)
    form = form_with_button(page, "Save targets")
    form[f"m_{cycle.start_date:%Y}_03"] = "35"
    form["reason"] = "A strong spring."
    shown = press(form, "Save targets").follow()
    assert PerformancePlan.objects.get(employee=report).is_agreed
    history = shown.html.select_one('[data-testid="changes"]').get_text(" ", strip=True)
    assert "Maria Manager" in history and "A strong spring." in history
    assert f"Target for March {cycle.start_date:%Y}: 30 → 35" in history


def test_every_change_is_kept_on_a_plan_nobody_confirmed(django_app, manager, report, cycle):
    objective = make_objective(cycle, employee=report, weight=60, target=120)
    form = edit(django_app, report, objective)
    form["weight"] = "70"
    choose(form, "status", "Dropped")
    press(form, "Save")
    page = django_app.get(reverse("plans:objective_targets", args=[objective.pk]), user=manager)
    form = form_with_button(page, "Save targets")
    form[f"m_{cycle.start_date:%Y}_01"] = ""
    press(form, "Save targets")
    changes = list(ObjectiveChange.objects.order_by("changed_at", "pk"))
    assert [(c.changed_by, c.reason) for c in changes] == [(report, ""), (manager, "")]
    assert changes[0].changes == {"weight": [60, 70], "status": ["active", "dropped"]}
    assert changes[1].changes == {f"target {cycle.start_date:%Y}-01": ["10", None]}
    assert not PlanReopening.objects.exists() and not Notification.objects.exists()
    page = django_app.get(objective.get_absolute_url(), user=report)
    history = page.html.select_one('[data-testid="changes"]').get_text(" ", strip=True)
    assert "Weight: 60 → 70" in history and "Status: In progress → Dropped" in history
    assert f"Target for January {cycle.start_date:%Y}: 10 → —" in history


def test_the_history_reads_in_the_readers_language(django_app, manager, report, cycle):
    objective = make_objective(cycle, employee=report, weight=60, target=120)
    form = edit(django_app, manager, objective)  # Maria reads English
    choose(form, "status", "Dropped")
    press(form, "Save")
    report.language = "zh-hans"
    report.save(update_fields=["language"])
    page = django_app.get(objective.get_absolute_url(), user=report)
    history = page.html.select_one('[data-testid="changes"]').get_text(" ", strip=True)
    assert "进行中 → 已放弃" in history
    assert "In progress" not in history


def test_a_milestones_month_reads_done_or_not_done(django_app, manager, report, cycle):
    objective = make_objective(
        cycle, employee=report, measure="milestone", target=None, unit="", monthly=False
    )
    page = django_app.get(reverse("plans:objective_targets", args=[objective.pk]), user=manager)
    form = form_with_button(page, "Save targets")
    form[f"m_{cycle.start_date:%Y}_06"] = True
    shown = press(form, "Save targets").follow()
    history = shown.html.select_one('[data-testid="changes"]').get_text(" ", strip=True)
    assert f"Target for May {cycle.start_date:%Y}: — → not done" in history
    assert f"Target for June {cycle.start_date:%Y}: — → done" in history


def test_targets_spread_on_a_half_confirmed_plan_clear_the_confirmation_and_say_so(
    django_app, manager, report, cycle
):
    objective = make_objective(cycle, employee=report, weight=100, monthly=False)
    page = plan_page(django_app, report, report, cycle)
    press(form_with_button(page, "Confirm the plan"), "Confirm the plan")
    page = django_app.get(reverse("plans:objective_targets", args=[objective.pk]), user=manager)
    form = form_with_button(htmx_get(page, "Spread evenly"), "Save targets")
    shown = press(form, "Save targets").follow()
    assert messages(shown)[1] == (
        "The plan had been confirmed by one side: that confirmation was cleared, and both "
        "sides confirm the plan again. The person and the manager have been told."
    )
    assert PerformancePlan.objects.get(employee=report).employee_confirmed_at is None
    assert Notification.objects.filter(recipient=report).count() == 1
    page = plan_page(django_app, report, report, cycle)
    assert "after the plan was confirmed: the confirmation was cleared" in page.text


def test_the_reopened_banner_goes_once_both_confirm_again(django_app, manager, report, cycle):
    orders = make_objective(cycle, employee=report, weight=60)
    make_objective(cycle, employee=report, title="Calls", weight=40)
    agree(cycle, report, manager)
    form = edit(django_app, manager, orders)
    form["weight"] = "50"
    form["reason"] = "Rebalance."
    press(form, "Save")
    form = edit(django_app, manager, orders)
    assert "reason" not in form.fields  # no longer agreed: no reason asked
    press(form, "Save")  # nothing changed
    calls = Objective.objects.get(title="Calls")
    form = edit(django_app, manager, calls)
    form["weight"] = "50"
    press(form, "Save")
    page = plan_page(django_app, manager, report, cycle)
    press(form_with_button(page, "Confirm as manager"), "Confirm as manager")
    page = plan_page(django_app, report, report, cycle)
    assert page.html.select_one('[data-testid="plan-reopened"]') is not None
    press(form_with_button(page, "Confirm the plan"), "Confirm the plan")
    page = plan_page(django_app, report, report, cycle)
    assert page.html.select_one('[data-testid="plan-reopened"]') is None
    assert "Plan agreed" in page.text


# --- The admin ---------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return UserFactory(
        email="sue@example.com", full_name="Sue Super", is_staff=True, is_superuser=True
    )


def test_an_objective_deleted_in_the_admin_reopens_its_agreed_plan(
    django_app, superuser, manager, report, cycle
):
    make_objective(cycle, employee=report, weight=60)
    calls = make_objective(cycle, employee=report, title="Calls", weight=40)
    agree(cycle, report, manager)
    page = django_app.get(reverse("admin:plans_objective_delete", args=[calls.pk]), user=superuser)
    press(form_with_button(page, "Yes, I’m sure"), "Yes, I’m sure").follow()
    assert not Objective.objects.filter(pk=calls.pk).exists()
    plan = PerformancePlan.objects.get(employee=report)
    assert not plan.is_agreed
    reopening = plan.reopenings.get()
    assert (reopening.objective_title, reopening.weight_total, reopening.reopened_by) == (
        "Calls",
        60,
        superuser,
    )
    assert {n.recipient for n in Notification.objects.all()} == {report, manager}


def test_a_weight_changed_in_the_admin_is_recorded_and_reopens_the_plan(
    django_app, superuser, manager, report, cycle
):
    orders = make_objective(cycle, employee=report, weight=100)
    agree(cycle, report, manager)
    page = django_app.get(reverse("admin:plans_objective_change", args=[orders.pk]), user=superuser)
    form = form_with_button(page, "Save")
    form["weight"] = "80"
    form["targets-0-planned"] = "11"
    press(form, "Save").follow()
    change = ObjectiveChange.objects.get()
    assert change.changed_by == superuser
    assert change.changes == {
        "weight": [100, 80],
        f"target {cycle.start_date:%Y}-01": ["10", "11"],
    }
    assert PlanReopening.objects.get().weight_total == 80
    orders.refresh_from_db()
    assert orders.targets.get(month__month=1).planned == Decimal(11)


def test_an_objective_added_in_the_admin_is_recorded_as_created(
    django_app, superuser, manager, report, cycle
):
    make_objective(cycle, employee=report, weight=100)
    agree(cycle, report, manager)
    page = django_app.get(reverse("admin:plans_objective_add"), user=superuser)
    form = form_with_button(page, "Save")
    choose(form, "cycle", cycle.name)
    form["employee"] = str(report.pk)
    form["title"] = "Mentoring"
    form["weight"] = "0"
    form["target"] = "3"
    form["unit"] = "juniors"
    press(form, "Save").follow()
    created = ObjectiveChange.objects.get(objective__title="Mentoring")
    assert (created.changed_by, created.changes) == (superuser, {"created": [None, "Mentoring"]})
    assert PerformancePlan.objects.get(employee=report).is_agreed
