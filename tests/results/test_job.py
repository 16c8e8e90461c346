"""The month-end job prepares the results of cycles that ended (issue 17 §3), once."""

from __future__ import annotations

import pytest

from reviews.job_outcomes import outcome_lines
from reviews.jobs import month_end_generation_run
from reviews.models import CycleResult
from tests.factories import make_objective

pytestmark = pytest.mark.django_db


def test_the_daily_job_prepares_results_and_a_rerun_changes_nothing(last_year, report, sales):
    make_objective(last_year, employee=report, weight=100)
    make_objective(last_year, department=sales, weight=100)

    run = month_end_generation_run(force=True)

    assert CycleResult.objects.filter(cycle=last_year).count() == 2
    assert any("2 new" in line for line in outcome_lines(run))
    again = month_end_generation_run(force=True)
    assert CycleResult.objects.filter(cycle=last_year).count() == 2
    assert not any(last_year.name in line for line in outcome_lines(again))
