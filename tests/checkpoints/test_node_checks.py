"""Issue 16 §1: when a time node passes, each phase target is judged once, met or
missed, against the value reached by the node's last day, and kept as it was."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError

from coaching.checkpoints import checkpoints_open, checkpoints_to_talk
from coaching.models import Checkpoint
from plans.models import Objective, PhaseTarget, TargetCheck
from tests.checkpoints.conftest import FEBRUARY, JANUARY, MARCH, TODAY, since_january
from tests.factories import DepartmentFactory, UserFactory, check_in, make_objective

pytestmark = pytest.mark.django_db


def verdicts(objective):
    return {
        c.month: (c.met, c.planned, c.reached)
        for c in TargetCheck.objects.filter(objective=objective)
    }


def test_each_passed_node_is_judged_with_the_value_reached_by_its_last_day(orders, report):
    # A check-in after March's last day does not count for March.
    check_in(orders, 40, on=dt.date(2026, 4, 2), author=report)
    opened = checkpoints_open(today=TODAY)
    assert verdicts(orders) == {
        JANUARY: (True, Decimal(10), Decimal(12)),
        FEBRUARY: (False, Decimal(20), Decimal(18)),
        MARCH: (False, Decimal(30), Decimal(25)),
    }
    assert (opened.checked, opened.missed) == (3, 2)
    # Only the latest node's miss asks for a talk now; February's is history.
    (checkpoint,) = Checkpoint.objects.all()
    assert checkpoint.month == MARCH and checkpoint.objective == orders


def test_a_verdict_is_kept_when_the_plan_or_the_check_ins_change_later(orders, report):
    checkpoints_open(today=TODAY)
    PhaseTarget.objects.filter(objective=orders, month=MARCH).update(planned=Decimal(5))
    check_in(orders, 99, on=dt.date(2026, 3, 30), author=report)
    again = checkpoints_open(today=TODAY)
    assert (again.checked, again.opened) == (0, 0)
    assert verdicts(orders)[MARCH] == (False, Decimal(30), Decimal(25))
    assert Checkpoint.objects.count() == 1


def test_no_check_in_by_the_node_is_a_miss_and_a_zero_target_asks_nothing(cycle, report):
    silent = since_january(make_objective(cycle, employee=report, title="Calls made"))
    course = since_january(
        make_objective(cycle, employee=report, title="Course", measure="milestone", monthly=False)
    )
    PhaseTarget.objects.create(objective=course, month=JANUARY, planned=0)
    checkpoints_open(today=TODAY)
    assert verdicts(silent)[MARCH] == (False, Decimal(30), None)
    assert all(met for met, _planned, _reached in verdicts(course).values())


def test_what_is_not_judged(cycle, report, indirect_report, manager):
    dropped = since_january(
        make_objective(cycle, employee=report, title="Dropped", status=Objective.Status.DROPPED)
    )
    late = make_objective(cycle, employee=report, title="Added in April")
    leaver_goal = since_january(make_objective(cycle, employee=indirect_report, title="Leaver"))
    indirect_report.is_active = False
    indirect_report.save(update_fields=["is_active"])
    no_targets = since_january(
        make_objective(cycle, employee=report, title="No targets", monthly=False)
    )
    checkpoints_open(today=TODAY)
    for objective in (dropped, late, leaver_goal, no_targets):
        assert verdicts(objective) == {}


def test_an_objective_added_in_february_is_judged_from_february(cycle, report):
    objective = make_objective(cycle, employee=report, title="Added in February")
    Objective.objects.filter(pk=objective.pk).update(
        created_at=dt.datetime(2026, 2, 10, 9, tzinfo=dt.UTC)
    )
    checkpoints_open(today=TODAY)
    assert set(verdicts(objective)) == {FEBRUARY, MARCH}


def test_a_closed_or_planned_cycle_is_not_judged(cycle, orders):
    cycle.state = "closed"
    cycle.save(update_fields=["state"])
    assert checkpoints_open(today=TODAY).checked == 0


def test_a_departments_target_opens_a_checkpoint_for_the_head_above(cycle, sales, manager):
    north = DepartmentFactory(name="Sales North", parent=sales, head=UserFactory())
    goal = since_january(make_objective(cycle, department=north, title="Regional revenue"))
    checkpoints_open(today=TODAY)
    (checkpoint,) = Checkpoint.objects.filter(objective=goal)
    assert checkpoint.month == MARCH
    assert list(checkpoints_to_talk(manager)) == [checkpoint]  # Maria heads Sales


def test_the_database_keeps_one_verdict_per_objective_and_node(orders):
    checkpoints_open(today=TODAY)
    with pytest.raises(IntegrityError):
        TargetCheck.objects.create(objective=orders, month=MARCH, planned=1, met=True)
