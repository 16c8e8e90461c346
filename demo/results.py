"""Demo results (issue 17 §3): last year's closed cycle, its results prepared and Priya's
team's ratings proposed, ready for the calibration demo to calibrate and publish."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from demo.year_texts import result_comment
from plans.models import AppraisalCycle, Objective
from reviews.models import Calibration, CycleResult
from reviews.results import rating_scale_of, result_propose, results_prepare


def _main_objective(cycle: AppraisalCycle, employee: User | None) -> str:
    title = (
        Objective.objects.filter(cycle=cycle, employee=employee)
        .order_by("-weight", "pk")
        .values_list("title", flat=True)
        .first()
    )
    return title or "the main objective"


def _rating_index(completion: Decimal | None) -> int:
    if completion is None or completion < 70:
        return 0
    return 1 if completion < 100 else 2


@transaction.atomic
def demo_results_seed(*, today: dt.date | None = None) -> None:
    """Prepare the results of last year's cycle and propose Priya's team's. Idempotent:
    a second run finds every result made and every proposal given."""
    today = today or timezone.localdate()
    cycle = AppraisalCycle.objects.filter(name=str(today.year - 1)).first()
    priya = User.objects.filter(email="priya.nair@example.com").first()
    if cycle is None or priya is None:
        return
    results_prepare(cycle=cycle, today=today)
    calibration = Calibration.objects.filter(cycle=cycle).first()
    if calibration is not None and (calibration.done_at or calibration.published_at):
        return  # calibrated already: proposals are closed
    scale = rating_scale_of(cycle)
    waiting = (
        CycleResult.objects.filter(
            cycle=cycle, line_manager=priya, employee__isnull=False, proposed_at__isnull=True
        )
        .select_related("employee")
        .order_by("pk")
    )
    for result in waiting:
        index = min(_rating_index(result.completion), len(scale) - 1)
        result_propose(
            actor=priya,
            result_id=result.pk,
            rating=scale[index],
            comment=result_comment(
                who=str(result.employee),
                index=index,
                completion=result.completion,
                main=_main_objective(cycle, result.employee),
            ),
            version=result.version,
        )
