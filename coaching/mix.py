"""The organisation's coaching mix over time (issue 17 §5): per month, the sessions held
by type and each type's share, for the dashboards (the caller scopes the sessions)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.rounding import percent_of
from coaching.models import CoachingSession, CoachingType
from coaching.trajectory import LEVEL, TYPES
from plans.months import month_end, months_between


@dataclass(frozen=True)
class MixMonth:
    """One month of many people's coaching: sessions by type and each type's share (%)."""

    month: dt.date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, kind: str) -> int:
        return self.shares[kind]

    @property
    def shares(self) -> dict[str, int]:
        """Each type's share in whole per cent, each rounded half up like every figure a
        person reads (``accounts.rounding``), so the dashboard, its table and any export
        agree: three equal types read 33 % each (the shares may add up to 99 or 101);
        all 0 in a month without sessions."""
        if not self.total:
            return dict.fromkeys(TYPES, 0)
        return {kind: int(percent_of(self.counts.get(kind, 0), self.total) or 0) for kind in TYPES}

    @property
    def rows(self) -> list[tuple[str, int, int]]:
        """(type label, sessions, share %) for each type, for a table."""
        return [
            (str(label), self.counts.get(kind, 0), self.share(kind))
            for kind, label in CoachingType.choices
        ]


def coaching_mix(
    *,
    sessions: QuerySet[CoachingSession],
    first_month: dt.date,
    last_month: dt.date,
    today: dt.date | None = None,
) -> list[MixMonth]:
    """Per month from ``first_month`` to ``last_month``, the ``sessions`` held by type
    (the caller scopes them): one query. Sessions after ``today`` are planned, not held."""
    today = today or timezone.localdate()
    months = months_between(first_month, last_month)
    if not months:
        return []
    counts: dict[dt.date, dict[str, int]] = defaultdict(dict)
    rows = (
        sessions.filter(held_on__gte=months[0], held_on__lte=min(month_end(months[-1]), today))
        .annotate(month=TruncMonth("held_on"))
        .values("month", "type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        if row["type"] in LEVEL:
            counts[row["month"]][row["type"]] = row["n"]
    return [MixMonth(month, dict(counts.get(month, {}))) for month in months]
