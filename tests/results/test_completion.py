"""The weighted completion of a result (issue 17 §3): each measure, achieved and dropped
objectives, check-ins after the end ignored, weights not adding up to 100, preparing
twice, figures frozen once proposed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from plans.models import Objective
from plans.results_math import objective_completion, weighted_completion
from reviews.models import CycleResult
from reviews.results import result_propose, results_prepare
from tests.factories import check_in, make_cycle, make_objective

pytestmark = pytest.mark.django_db

D = Decimal


def result_of(cycle, person) -> CycleResult:
    return CycleResult.objects.get(cycle=cycle, employee=person)


def test_a_number_counts_against_its_final_target():
    assert objective_completion(
        measure="number", full_value=D(120), value=D(90), achieved=False
    ) == D("75.0")


def test_a_percentage_without_target_counts_against_100():
    assert objective_completion(
        measure="percent", full_value=D(100), value=D(85), achieved=False
    ) == D("85.0")


def test_a_milestone_is_done_or_not():
    assert objective_completion(
        measure="milestone", full_value=D(1), value=D(1), achieved=False
    ) == D(100)
    assert objective_completion(
        measure="milestone", full_value=D(1), value=D(0), achieved=False
    ) == D(0)
    assert objective_completion(
        measure="milestone", full_value=D(1), value=None, achieved=False
    ) == D(0)


def test_an_achieved_objective_counts_at_least_100():
    assert objective_completion(
        measure="number", full_value=D(120), value=D(10), achieved=True
    ) == D(100)
    assert objective_completion(
        measure="number", full_value=D(100), value=D(130), achieved=True
    ) == D(130)


def test_each_objective_is_capped_at_150_and_never_negative():
    assert objective_completion(
        measure="number", full_value=D(10), value=D(100), achieved=False
    ) == D(150)
    assert objective_completion(
        measure="number", full_value=D(10), value=D(-5), achieved=False
    ) == D(0)


def test_a_number_without_target_is_not_judged():
    assert (
        objective_completion(measure="number", full_value=D(0), value=D(5), achieved=False) is None
    )


def test_weights_not_adding_up_to_100_are_normalised():
    assert weighted_completion([(30, D(100)), (30, D(50))]) == D("75.0")
    assert weighted_completion([(0, D(100)), (0, D(50))]) == D("75.0")
    assert weighted_completion([(50, None), (50, D(80))]) == D("80.0")
    assert weighted_completion([]) is None


def test_preparing_weighs_every_measure_and_ignores_late_check_ins(report, manager):
    cycle = make_cycle(2024, state="closed")
    orders = make_objective(cycle, employee=report, title="Orders", weight=50, target=100)
    quality = make_objective(
        cycle, employee=report, title="Quality", weight=30, measure="percent", target=90, unit=""
    )
    launch = make_objective(
        cycle, employee=report, title="Launch", weight=20, measure="milestone", target=None, unit=""
    )
    check_in(orders, 40, on=dt.date(2024, 6, 1), author=report)
    check_in(orders, 80, on=dt.date(2024, 12, 31), author=report)
    check_in(orders, 200, on=dt.date(2025, 1, 5), author=report)  # after the end: ignored
    check_in(quality, 45, on=dt.date(2024, 12, 1), author=report)
    check_in(launch, 1, on=dt.date(2024, 10, 1), author=report)

    results_prepare(cycle=cycle)

    result = result_of(cycle, report)
    # 50 × 80 % + 30 × 50 % + 20 × 100 % = 75 %
    assert result.completion == D("75.0")
    by_title = {entry["title"]: entry for entry in result.breakdown}
    assert by_title["Orders"]["value"] == "80.00" and by_title["Orders"]["completion"] == "80.0"
    assert by_title["Quality"]["target"] == "90.00" and by_title["Quality"]["completion"] == "50.0"
    assert by_title["Launch"]["completion"] == "100.0"
    assert result.line_manager == manager and result.computed_at is not None


def test_dropped_objectives_do_not_count_and_achieved_ones_count_fully(report):
    cycle = make_cycle(2024, state="closed")
    make_objective(cycle, employee=report, title="Gone", weight=50, status=Objective.Status.DROPPED)
    make_objective(
        cycle, employee=report, title="Made it", weight=50, status=Objective.Status.ACHIEVED
    )

    results_prepare(cycle=cycle)

    result = result_of(cycle, report)
    assert result.completion == D(100)
    assert [entry["title"] for entry in result.breakdown] == ["Made it"]


def test_preparing_twice_creates_nothing_twice_and_departments_get_results(
    report, sales, django_assert_max_num_queries
):
    cycle = make_cycle(2024, state="closed")
    make_objective(cycle, employee=report, weight=100)
    make_objective(cycle, department=sales, weight=100)

    first = results_prepare(cycle=cycle)
    with django_assert_max_num_queries(8):
        again = results_prepare(cycle=cycle)

    assert (first.created, again.created, again.refreshed) == (2, 0, 0)
    assert CycleResult.objects.filter(cycle=cycle, department=sales).exists()


def test_preparing_costs_the_same_queries_for_many_people(manager, django_assert_num_queries):
    from tests.factories import UserFactory

    cycle = make_cycle(2024, state="closed")
    for index in range(3):
        make_objective(cycle, employee=UserFactory(manager=manager), weight=100, title=f"O{index}")
    with django_assert_num_queries(6):  # savepoint, four reads, one insert
        results_prepare(cycle=cycle)
    for index in range(20):
        make_objective(cycle, employee=UserFactory(manager=manager), weight=100, title=f"P{index}")
    with django_assert_num_queries(6):
        results_prepare(cycle=cycle)


def test_results_wait_for_the_end_of_an_active_cycle(report):
    cycle = make_cycle(timezone.localdate().year)
    make_objective(cycle, employee=report)
    with pytest.raises(ValidationError):
        results_prepare(cycle=cycle)
    assert not CycleResult.objects.exists()


def test_figures_follow_late_check_ins_until_proposed_then_only_hr_refreshes(
    last_year, report, manager
):
    orders = make_objective(last_year, employee=report, title="Orders", weight=100, target=100)
    results_prepare(cycle=last_year)
    assert result_of(last_year, report).completion == D(0)

    check_in(orders, 50, on=last_year.end_date, author=report)  # recorded late, dated in the cycle
    results_prepare(cycle=last_year)
    result = result_of(last_year, report)
    assert result.completion == D(50)

    result_propose(
        actor=manager,
        result_id=result.pk,
        rating="Meets expectations",
        comment="",
        version=result.version,
    )
    check_in(orders, 100, on=last_year.end_date, author=report)
    results_prepare(cycle=last_year)
    assert result_of(last_year, report).completion == D(50)  # frozen as the manager saw it
    results_prepare(cycle=last_year, refresh_proposed=True)
    assert result_of(last_year, report).completion == D(100)
