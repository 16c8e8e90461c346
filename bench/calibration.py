"""The benchmark organisation's calibrated cycle (issue 17 §4), built by bench/generate.py.

Last year's cycle "2025", closed, with a result for every person (completion and a
proposed rating; one manager in seventeen rates everyone at the top, so the page has
managers to flag), a calibration with ten heads taking part and 200 adjustments.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal


def calibration_seed() -> int:
    """Create the calibrated cycle; returns its pk (bench/run.py finds it by name)."""
    from accounts.models import Department, User
    from plans.models import AppraisalCycle
    from plans.services import cycle_nodes
    from reviews.models import DEFAULT_RATING_SCALE, Calibration, CycleResult, RatingAdjustment

    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    cycle = AppraisalCycle.objects.create(
        name="2025",
        start_date=start,
        end_date=end,
        state=AppraisalCycle.State.CLOSED,
        time_nodes=cycle_nodes(start_date=start, end_date=end, frequency="monthly"),
    )
    scale = DEFAULT_RATING_SCALE
    people = User.objects.filter(manager__isnull=False).values_list(
        "pk", "department_id", "manager_id"
    )
    results = []
    for pk, department_id, manager_id in people:
        completion = Decimal(random.randint(40, 125))
        if manager_id % 17 == 0:
            rating = scale[-1]
        else:
            rating = random.choices(scale, weights=[2, 6, 2])[0]
        results.append(
            CycleResult(
                cycle=cycle,
                employee_id=pk,
                completion=completion,
                proposed_rating=rating,
                proposed_by_id=manager_id,
                home_department_id=department_id,
                line_manager_id=manager_id,
            )
        )
    results = CycleResult.objects.bulk_create(results, batch_size=5000)
    hr = User.objects.get(email="hr@bench.example")
    calibration = Calibration.objects.create(cycle=cycle, started_by=hr)
    heads = Department.objects.filter(head__isnull=False).values_list("head_id", flat=True)
    calibration.participants.set(list(heads)[:10])
    adjusted = random.sample(results, min(200, len(results)))
    for result in adjusted:
        result.final_rating = random.choice([r for r in scale if r != result.proposed_rating])
    CycleResult.objects.bulk_update(adjusted, ["final_rating"], batch_size=1000)
    RatingAdjustment.objects.bulk_create(
        RatingAdjustment(
            result=result,
            actor=hr,
            from_rating=result.proposed_rating,
            to_rating=result.final_rating,
            reason="Calibrated against the department.",
        )
        for result in adjusted
    )
    return cycle.pk
