"""The demo's calibration (issue 17 §4): last year's closed cycle, calibrated by HR with
Marcus Lee (the Sales director), one rating adjusted with a reason, done and published.

Runs after the results demo (``demo.results``), which computes and proposes last year's
results. Where there are none (that demo absent), it proposes a plain set itself so the
calibration has something to show. Idempotent: once the cycle has a calibration it does
nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from demo.year_texts import calibration_reason
from plans.models import AppraisalCycle
from reviews.calibration import cycle_scale, rating_of
from reviews.calibration_services import (
    calibration_done,
    calibration_publish,
    calibration_start,
    rating_adjust,
)
from reviews.models import Calibration, CycleResult

HR_EMAIL = "sofia.rossi@example.com"
PARTICIPANT_EMAIL = "marcus.lee@example.com"
ADJUSTED_EMAIL = "emma.wilson@example.com"
# (weighted completion, step from the top) for the stand-in results, in turn: mostly
# fair ratings, and one high rating on low completion for the calibration to flag.
_STAND_IN = [
    (Decimal("92.5"), 1),
    (Decimal("104.0"), 0),
    (Decimal("78.0"), 1),
    (Decimal("61.0"), 0),
]


def _stand_in_results(cycle: AppraisalCycle, scale: list[str]) -> None:
    """Proposed results for everyone active with a manager: only when nobody has one."""
    if CycleResult.objects.filter(cycle=cycle, employee__isnull=False).exists():
        return
    people = User.objects.filter(is_active=True, manager__isnull=False).order_by("email")
    now = timezone.now()
    for index, person in enumerate(people):
        completion, from_top = _STAND_IN[index % len(_STAND_IN)]
        rating = scale[max(len(scale) - 1 - from_top, 0)]
        CycleResult.objects.get_or_create(
            cycle=cycle,
            employee=person,
            defaults={
                "completion": completion,
                "computed_at": now,
                "proposed_rating": rating,
                "proposed_by_id": person.manager_id,
                "proposed_at": now,
                "home_department_id": person.department_id,
                "line_manager_id": person.manager_id,
            },
        )


def _proposals_for_the_rest(cycle: AppraisalCycle, scale: list[str]) -> None:
    """The other managers' proposals, after the completion they saw (the calibration is
    done only once everyone is rated): the top step from 100 %, the lowest under 60 %."""
    now = timezone.now()
    unrated = list(
        CycleResult.objects.filter(
            cycle=cycle, employee__isnull=False, proposed_rating="", final_rating=""
        )
    )
    for result in unrated:
        completion = result.completion if result.completion is not None else Decimal(0)
        step = len(scale) - 1 if completion >= 100 else 0 if completion < 60 else len(scale) // 2
        result.proposed_rating = result.final_rating = scale[step]
        result.proposed_by_id, result.proposed_at = result.line_manager_id, now
    CycleResult.objects.bulk_update(
        unrated, ["proposed_rating", "final_rating", "proposed_by", "proposed_at"]
    )


@transaction.atomic
def demo_calibration_seed(*, today: dt.date | None = None) -> None:
    """Calibrate and publish last year's cycle (see the module's docstring)."""
    today = today or timezone.localdate()
    cycle = AppraisalCycle.objects.filter(name=str(today.year - 1)).first()
    hr = User.objects.filter(email=HR_EMAIL).first()
    marcus = User.objects.filter(email=PARTICIPANT_EMAIL).first()
    if cycle is None or hr is None or marcus is None:
        return
    if Calibration.objects.filter(cycle=cycle).exists():
        return
    scale = cycle_scale(cycle)
    _stand_in_results(cycle, scale)
    _proposals_for_the_rest(cycle, scale)
    calibration = calibration_start(actor=hr, cycle=cycle, participants=[marcus])
    emma = CycleResult.objects.filter(cycle=cycle, employee__email=ADJUSTED_EMAIL).first()
    if emma is not None:
        current = rating_of(emma)
        step = scale.index(current) if current in scale else 0
        to_rating = scale[step + 1] if step + 1 < len(scale) else scale[step - 1]
        rating_adjust(
            actor=marcus,
            result=emma,
            to_rating=to_rating,
            reason=calibration_reason(
                raised=scale.index(to_rating) > step, completion=emma.completion
            ),
            version=emma.version,
        )
    calibration = calibration_done(actor=hr, calibration=calibration, version=calibration.version)
    calibration_publish(actor=hr, calibration=calibration, version=calibration.version)
