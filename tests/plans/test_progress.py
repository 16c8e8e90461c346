"""Where an objective stands against its plan, for a given day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from plans.models import Objective
from plans.selectors import ProgressState, objective_progress, with_progress
from tests.factories import check_in, make_cycle, make_objective

pytestmark = pytest.mark.django_db

# Targets grow by 10 orders a month: 10 by 31 Jan, ..., 120 by 31 Dec.
MID_MARCH = dt.date(2026, 3, 16)  # halfway between 20 (28 Feb) and 30 (31 Mar): plan ~25


def progress(objective, today):
    annotated = with_progress(
        Objective.objects.filter(pk=objective.pk).select_related("cycle"), today=today
    ).get()
    return objective_progress(annotated, today=today)


@pytest.fixture
def cycle(db):
    return make_cycle(2026)


def test_the_plan_for_today_grows_between_month_ends(cycle, report):
    objective = make_objective(cycle, employee=report)
    assert progress(objective, dt.date(2026, 2, 28)).planned == Decimal(20)
    assert Decimal(24) < progress(objective, MID_MARCH).planned < Decimal(26)
    assert Decimal(0) < progress(objective, dt.date(2026, 1, 10)).planned < Decimal(4)


def test_below_the_plan_for_today_is_lagging(cycle, report):
    objective = make_objective(cycle, employee=report)
    check_in(objective, 18, on=dt.date(2026, 3, 10), author=report)
    assert progress(objective, MID_MARCH).state == ProgressState.LAGGING


def test_at_or_above_the_plan_is_on_track(cycle, report):
    objective = make_objective(cycle, employee=report)
    check_in(objective, 26, on=dt.date(2026, 3, 15), author=report)
    result = progress(objective, MID_MARCH)
    assert result.state == ProgressState.ON_TRACK and result.actual == Decimal(26)


def test_no_check_in_while_the_plan_has_started_is_lagging(cycle, report):
    objective = make_objective(cycle, employee=report)
    assert progress(objective, MID_MARCH).state == ProgressState.LAGGING


def test_reaching_the_target_is_done_even_early(cycle, report):
    objective = make_objective(cycle, employee=report)
    check_in(objective, 120, on=dt.date(2026, 3, 1), author=report)
    assert progress(objective, MID_MARCH).state == ProgressState.DONE


def test_without_targets_there_is_no_plan_to_lag(cycle, report):
    objective = make_objective(cycle, employee=report, monthly=False)
    assert progress(objective, MID_MARCH).state == ProgressState.NO_PLAN


def test_the_latest_check_in_counts(cycle, report):
    objective = make_objective(cycle, employee=report)
    check_in(objective, 40, on=dt.date(2026, 3, 1), author=report)
    check_in(objective, 10, on=dt.date(2026, 3, 12), author=report)
    assert progress(objective, MID_MARCH).actual == Decimal(10)


def test_a_milestone_is_due_only_once_its_month_has_ended(cycle, report):
    milestone = make_objective(
        cycle, employee=report, measure="milestone", target=None, unit="", monthly=False
    )
    milestone.targets.create(month=dt.date(2026, 3, 1), planned=Decimal(0))
    milestone.targets.create(month=dt.date(2026, 4, 1), planned=Decimal(1))
    assert progress(milestone, dt.date(2026, 4, 20)).state == ProgressState.ON_TRACK
    assert progress(milestone, dt.date(2026, 5, 2)).state == ProgressState.LAGGING
    check_in(milestone, 1, on=dt.date(2026, 5, 1), author=report)
    assert progress(milestone, dt.date(2026, 5, 2)).state == ProgressState.DONE


def test_a_dropped_objective_is_not_lagging(cycle, report):
    objective = make_objective(cycle, employee=report, status=Objective.Status.DROPPED)
    assert progress(objective, MID_MARCH).state == ProgressState.DROPPED


def test_stored_states_follow_check_ins_and_the_daily_restatement(cycle, report, manager):
    import time_machine

    from plans.services import checkin_create
    from reviews.jobs import month_end_generation_run

    objective = make_objective(cycle, employee=report)
    with time_machine.travel(dt.datetime(2026, 3, 16, 9, tzinfo=dt.UTC), tick=False):
        checkin_create(actor=report, objective=objective, value=Decimal(26), confidence=4)
        objective.refresh_from_db()
        assert objective.progress_state == ProgressState.ON_TRACK
    # A month later nothing new was recorded: the daily run restates it as lagging.
    with time_machine.travel(dt.datetime(2026, 4, 20, 9, tzinfo=dt.UTC), tick=False):
        month_end_generation_run()
    objective.refresh_from_db()
    assert objective.progress_state == ProgressState.LAGGING
    assert objective.progress_as_of == dt.date(2026, 4, 20)


def test_the_dashboard_counts_stored_lagging_states(client, hr, cycle, report, sales):
    from django.urls import reverse

    from plans.services import objective_progress_refresh

    make_objective(cycle, employee=report, title="Behind")
    objective_progress_refresh(today=dt.date(2026, 3, 16))
    client.force_login(hr)
    body = client.get(reverse("reviews:dashboard")).content.decode()
    lagging = body.split('data-testid="lagging"', 1)[1]
    assert '<td>Sales</td><td class="text-end">1</td><td class="text-end">1</td>' in lagging
