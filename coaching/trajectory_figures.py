"""The figures beside a coaching trajectory (``coaching.trajectory``), read for many
people at once: the check-ins' confidence and the phase targets' lag, month by month."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth

from accounts.rounding import round_int
from plans.models import CheckIn, Objective, TargetCheck
from plans.months import month_end


def confidence_by_month(
    ids: list[int], first: dt.date, last: dt.date, narrowed: Q | None
) -> dict[tuple[int, dt.date], dict[str, Any]]:
    """Per (person, month): the mean confidence (``mean``) and number (``n``) of the
    check-ins recorded on the person's objectives."""
    return {
        (row["objective__employee_id"], row["month"]): row
        for row in CheckIn.objects.filter(narrowed or Q())
        .filter(
            objective__employee_id__in=ids,
            recorded_on__gte=first,
            recorded_on__lte=month_end(last),
        )
        .annotate(month=TruncMonth("recorded_on"))
        .values("objective__employee_id", "month")
        .annotate(mean=Avg("confidence"), n=Count("pk"))
        .order_by()
    }


def lags_by_month(
    ids: list[int], first: dt.date, last: dt.date, narrowed: Q | None
) -> dict[tuple[int, dt.date], tuple[int, int, int]]:
    """Per (person, month): (lag in percentage points, targets checked, missed)."""
    rows = (
        TargetCheck.objects.filter(narrowed or Q())
        .filter(objective__employee_id__in=ids, month__gte=first, month__lte=last)
        .exclude(objective__status=Objective.Status.DROPPED)
        # Summed per person and month below: no join to the cycles to order them.
        .order_by()
        .values_list(
            "objective__employee_id", "month", "planned", "reached", "met", "objective__weight"
        )
    )
    grouped: dict[tuple[int, dt.date], list[tuple[Decimal, int, bool]]] = defaultdict(list)
    for employee_id, month, planned, reached, met, weight in rows:
        if met or planned is None or planned <= 0:
            shortfall = Decimal(0)
        else:
            done = min(max(reached or Decimal(0), Decimal(0)), planned)
            shortfall = (planned - done) / planned
        grouped[(employee_id, month)].append((shortfall, weight or 0, met))
    lags = {}
    for key, checks in grouped.items():
        weights = [w for _s, w, _m in checks]
        if not sum(weights):
            weights = [1] * len(checks)
        short = sum(s * w for (s, _w, _m), w in zip(checks, weights, strict=True))
        lag = round_int(Decimal(100) * short / sum(weights))
        lags[key] = (lag, len(checks), sum(1 for _s, _w, met in checks if not met))
    return lags
