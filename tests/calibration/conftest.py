"""A closed cycle of last year with results for Rob, Ivy and Paul; Olga (head of Finance)
takes part in its calibration, Maria (head of Sales, Rob's manager) does not."""

from __future__ import annotations

import pytest

from accounts.models import User
from plans.models import AppraisalCycle
from reviews.calibration_services import calibration_start
from reviews.models import Calibration, CycleResult
from tests.calibration.factories import make_result
from tests.factories import make_cycle


@pytest.fixture
def closed_cycle(db: None) -> AppraisalCycle:
    return make_cycle(2025, state="closed")


@pytest.fixture
def results(
    closed_cycle: AppraisalCycle, report: User, indirect_report: User, peer: User
) -> dict[str, CycleResult]:
    return {
        "report": make_result(closed_cycle, report, completion=60, proposed="Exceeds expectations"),
        "indirect": make_result(closed_cycle, indirect_report, completion=95),
        "peer": make_result(closed_cycle, peer, completion=110, proposed="Below expectations"),
    }


@pytest.fixture
def calibration(
    closed_cycle: AppraisalCycle, results: dict[str, CycleResult], hr: User, other_manager: User
) -> Calibration:
    return calibration_start(actor=hr, cycle=closed_cycle, participants=[other_manager])
