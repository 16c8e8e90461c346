"""Demo results (issue 17 §3): last year's closed cycle, its results prepared and Priya's
team's ratings proposed, ready for the calibration demo to calibrate and publish."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from plans.models import AppraisalCycle
from reviews.models import Calibration, CycleResult
from reviews.results import rating_scale_of, result_propose, results_prepare

COMMENTS = {
    0: "{first} missed most of the year's targets; we agreed on more frequent coaching.",
    1: "A solid year for {first}: the core targets were met, with steady monthly reviews.",
    2: "An outstanding year for {first}: well above target, and a model for the team.",
}


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
            comment=COMMENTS[index].format(first=str(result.employee).split()[0]),
            version=result.version,
        )
