"""A cycle that has ended (last year's, closed) with results for Maria's team."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reviews.models import Calibration, CycleResult
from reviews.results import results_prepare
from tests.factories import check_in, make_cycle, make_objective


@pytest.fixture
def last_year(db):
    return make_cycle(timezone.localdate().year - 1, state="closed")


@pytest.fixture
def results(last_year, manager, report, indirect_report, peer, sales):
    """Rob (reports to Maria) at 50 %, Ivy (reports to Rob), Paul in Finance, and Sales."""
    orders = make_objective(last_year, employee=report, title="Orders won", weight=100, target=120)
    check_in(orders, 60, on=dt.date(last_year.end_date.year, 11, 30), author=report)
    make_objective(last_year, employee=indirect_report, title="Calls made", weight=100)
    make_objective(last_year, employee=peer, title="Invoices paid", weight=100)
    make_objective(last_year, department=sales, title="Sales grow", weight=100)
    results_prepare(cycle=last_year)
    return {
        (r.employee_id or r.department_id, "d" if r.department_id else "e"): r
        for r in CycleResult.objects.filter(cycle=last_year)
    }


@pytest.fixture
def rob_result(results, report):
    return results[(report.pk, "e")]


def publish(cycle, *, done: bool = True) -> Calibration:
    """What the calibration helper's publishing leaves behind (issue 17 §4)."""
    now = timezone.now()
    calibration, _created = Calibration.objects.get_or_create(cycle=cycle)
    calibration.done_at = now if done else None
    calibration.published_at = now
    calibration.save()
    return calibration
