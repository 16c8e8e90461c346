"""What a new user's trial of the checkpoints found (issue 16 §1), each kept as a test:
the plan from a checkpoint is about its objective and opened once; a decided plan not
opened stays to do; only the coach rewrites the talk; open ones come first; the note
keeps the checkpoints; a closed plan may be followed by a new one; dates, long text
and reasons written before the split read right."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from coaching.checkpoints import checkpoints_open, checkpoints_to_talk
from coaching.models import Checkpoint, ImprovementPlan
from plans.models import TargetCheck
from reviews.conversations import conversation_note
from reviews.models import ReviewRow
from reviews.services import review_table_for
from tests.checkpoints.conftest import MARCH, TODAY, since_january
from tests.factories import UserFactory, make_hr, make_objective
from tests.webtest_helpers import (
    choose,
    errors_beside,
    form_by_testid,
    form_with_button,
    messages,
    press,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkpoint(orders):
    checkpoints_open(today=TODAY)
    return Checkpoint.objects.get()


def plan_form_of(django_app, manager, checkpoint):
    url = reverse("coaching:improvement_plan_new") + f"?checkpoint={checkpoint.pk}"
    return form_with_button(django_app.get(url, user=manager), "Save")


def fill_plan(form):
    form["own_reasons"] = "Late start."
    form["measures"] = "Two visits a week."
    form["first_review"] = "2026-04-30"


def test_the_plan_from_a_checkpoint_is_about_its_objective_only(
    django_app, manager, report, cycle, checkpoint, orders
):
    other = make_objective(cycle, employee=report, title="Calls made", weight=0)
    form = plan_form_of(django_app, manager, checkpoint)
    offered = [value for value, _selected, _text in form["objective"].options if value]
    assert offered == [str(orders.pk)]
    fill_plan(form)
    form["objective"].force_value(str(other.pk))
    refused = press(form, "Save")
    assert errors_beside(refused, "objective")
    assert not ImprovementPlan.objects.exists()


def test_a_plan_decided_but_not_opened_stays_to_do(django_app, manager, checkpoint):
    form = form_by_testid(
        django_app.get(checkpoint.get_absolute_url(), user=manager), "checkpoint-form"
    )
    form["own_reasons"] = "Late start."
    choose(form, "decision", "Open an improvement plan")
    press(form, "Save the checkpoint")  # and leaves the plan form unsaved
    assert list(checkpoints_to_talk(manager)) == [checkpoint]
    home = django_app.get("/", user=manager)
    assert "Orders won" in home.html.select_one("[data-testid=home-checkpoints]").text
    page = django_app.get(checkpoint.get_absolute_url(), user=manager)
    assert page.html.select_one("[data-testid=plan-wanted]")


def test_a_manager_further_up_reads_the_talk_but_does_not_rewrite_it(
    django_app, client, manager, checkpoint
):
    boss = UserFactory(email="bea@example.com", full_name="Bea Boss")
    manager.manager = boss
    manager.save(update_fields=["manager"])
    page = django_app.get(checkpoint.get_absolute_url(), user=boss)
    assert not page.html.select("[data-testid=checkpoint-form]")
    client.force_login(boss)
    assert client.post(checkpoint.get_absolute_url(), {"own_reasons": "x"}).status_code == 403
    # Once the coach has left, the one above answers in their place.
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    page = django_app.get(checkpoint.get_absolute_url(), user=boss)
    assert page.html.select("[data-testid=checkpoint-form]")


def test_open_checkpoints_come_first_and_hr_sees_all_by_default(
    django_app, manager, report, cycle, hr
):
    goals = [
        since_january(make_objective(cycle, employee=report, title=f"Goal {n}", weight=0))
        for n in range(3)
    ]
    checkpoints_open(today=TODAY)
    Checkpoint.objects.filter(objective=goals[0]).update(
        answered_at=dt.datetime(2026, 4, 9, tzinfo=dt.UTC), decision="support"
    )
    page = django_app.get(reverse("coaching:checkpoint_list") + "?status=all", user=manager)
    states = [
        row.select("td")[-1].get_text(strip=True)
        for row in page.html.select("[data-testid=checkpoints] tr[data-checkpoint]")
    ]
    assert states[-1] == "Decided: give support" and "Decided: give support" not in states[:-1]
    hr_page = django_app.get(reverse("coaching:checkpoint_list"), user=make_hr(hr))
    assert form_by_testid(hr_page, "checkpoint-filters")["scope"].value == "all"
    assert len(hr_page.html.select("[data-testid=checkpoints] tr[data-checkpoint]")) == 2  # open


def test_the_note_keeps_the_open_checkpoints_when_reasons_are_long(report, cycle, checkpoint):
    table = review_table_for(cycle=cycle, month=MARCH, employee=report)
    table.rows.update(gap_reason="x" * 1900, gap_reason_outside="y" * 1900)
    rows = list(table.rows.all())
    note = conversation_note(table, rows, [checkpoint])
    assert len(note) <= 2000
    assert "Orders won at March 2026: reached 25 orders of 30 orders" in note


def test_a_closed_plan_may_be_followed_by_a_new_one(django_app, manager, checkpoint):
    form = plan_form_of(django_app, manager, checkpoint)
    fill_plan(form)
    press(form, "Save").follow()
    first = ImprovementPlan.objects.get()
    first.outcome = ImprovementPlan.Outcome.NOT_IMPROVED
    first.save(update_fields=["outcome"])
    page = django_app.get(checkpoint.get_absolute_url(), user=manager)
    form = form_with_button(page.click("Open an improvement plan"), "Save")
    fill_plan(form)
    press(form, "Save").follow()
    checkpoint.refresh_from_db()
    assert ImprovementPlan.objects.count() == 2 and checkpoint.improvement_plan != first


def test_the_plan_form_sent_again_goes_to_the_plan_it_opened(django_app, manager, checkpoint):
    form = plan_form_of(django_app, manager, checkpoint)
    fill_plan(form)
    press(form, "Save").follow()
    again = press(form, "Save").follow()  # Back, and Save once more
    assert messages(again) == [
        "An improvement plan is already open for this checkpoint: here it is."
    ]
    assert ImprovementPlan.objects.count() == 1


def test_a_talk_before_the_missed_month_and_a_too_long_reason_are_refused(
    django_app, manager, checkpoint
):
    form = form_by_testid(
        django_app.get(checkpoint.get_absolute_url(), user=manager), "checkpoint-form"
    )
    form["talked_on"] = "2026-02-27"
    form["own_reasons"] = "x" * 4001
    choose(form, "decision", "Give support")
    form["decision_note"] = "Pairing."
    refused = press(form, "Save the checkpoint")
    assert errors_beside(refused, "talked_on") == [
        "The talk is about the target of March 2026: not before that month."
    ]
    assert errors_beside(refused, "own_reasons") == [
        "Ensure this value has at most 4000 characters (it has 4001)."
    ]


def test_a_newer_nodes_checkpoint_takes_over_from_an_older_one_left_open(
    manager, report, orders, checkpoint
):
    checkpoints_open(today=dt.date(2026, 5, 2))
    (latest,) = checkpoints_to_talk(manager)
    assert latest.month == dt.date(2026, 4, 1)
    assert TargetCheck.objects.filter(objective=orders).count() == 4


def test_a_reason_written_before_the_split_reads_as_a_reason(django_app, report, cycle, orders):
    table = review_table_for(cycle=cycle, month=MARCH, employee=report)
    ReviewRow.objects.filter(table=table).update(
        gap_reason="Two deals slipped.", gap_reason_unsplit=True
    )
    table.status = "submitted"
    table.save(update_fields=["status"])
    page = django_app.get(table.get_absolute_url(), user=report)
    shown = page.html.select_one("[data-testid=review-rows]").get_text(" ", strip=True)
    assert "Reason: Two deals slipped." in shown and "Own:" not in shown


def test_a_plan_from_a_checkpoint_keeps_its_objective_when_edited(
    django_app, manager, report, cycle, checkpoint, orders
):
    make_objective(cycle, employee=report, title="Calls made", weight=0)
    form = plan_form_of(django_app, manager, checkpoint)
    fill_plan(form)
    press(form, "Save").follow()
    plan = ImprovementPlan.objects.get()
    edit = form_with_button(
        django_app.get(reverse("coaching:improvement_plan_edit", args=[plan.pk]), user=manager),
        "Save",
    )
    assert [v for v, _s, _t in edit["objective"].options if v] == [str(orders.pk)]


def test_review_dates_follow_the_opening_within_a_year_each_on_its_own_day(
    django_app, manager, report
):
    url = reverse("coaching:improvement_plan_new") + f"?employee={report.pk}"
    form = form_with_button(django_app.get(url, user=manager), "Save")
    form["own_reasons"] = "Late start."
    form["measures"] = "Two visits a week."
    form["first_review"] = "2026-04-01"  # before today, the opening
    form["second_review"] = "2027-06-01"
    form["third_review"] = "2027-06-01"
    refused = press(form, "Save")
    assert errors_beside(refused, "first_review") == [
        "A review comes after the plan was opened: not before it."
    ]
    beside_second = " ".join(errors_beside(refused, "second_review"))
    assert "Review within a year of the plan's opening." in beside_second
    assert "Give each review its own day." in beside_second
    assert not ImprovementPlan.objects.exists()
