"""A cycle of 2026 with monthly nodes, seen on 10 April: January to March have passed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from plans.models import Objective
from tests.factories import check_in, make_cycle, make_objective

APRIL = dt.datetime(2026, 4, 10, 9, tzinfo=dt.UTC)
TODAY = dt.date(2026, 4, 10)
JANUARY, FEBRUARY, MARCH = (dt.date(2026, month, 1) for month in (1, 2, 3))


@pytest.fixture(autouse=True)
def _in_april():
    with time_machine.travel(APRIL, tick=False):
        yield


@pytest.fixture
def cycle(db):
    return make_cycle(2026)


def since_january(objective: Objective) -> Objective:
    """The objective as if created with the plan at the start of the year."""
    Objective.objects.filter(pk=objective.pk).update(
        created_at=dt.datetime(2026, 1, 2, 9, tzinfo=dt.UTC)
    )
    objective.refresh_from_db()
    return objective


@pytest.fixture
def orders(cycle, report):
    """Rob's orders: 10 a month planned (cumulative), 25 reached by the end of March."""
    objective = since_january(make_objective(cycle, employee=report, title="Orders won"))
    check_in(objective, 12, on=dt.date(2026, 1, 30), author=report)
    check_in(objective, 18, on=dt.date(2026, 2, 27), author=report)
    check_in(objective, 25, on=dt.date(2026, 3, 31), author=report)
    return objective
