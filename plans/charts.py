"""A small progress chart drawn as SVG on the server: no script, nothing to load."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from accounts.texts import day_words
from plans.months import month_end

WIDTH, HEIGHT, PAD = 320, 120, 8


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class ProgressChart:
    plan_points: str
    actual_points: str
    actual_dots: list[ChartPoint]
    width: int = WIDTH
    height: int = HEIGHT


def progress_chart(
    *,
    start: dt.date,
    end: dt.date,
    targets: Iterable[tuple[dt.date, Decimal]],
    checkins: Iterable[tuple[dt.date, Decimal]],
) -> ProgressChart | None:
    """Planned (cumulative, at each month's end) against actual check-ins over the cycle."""
    plan = sorted(targets)
    actual = sorted(checkins)
    if not plan and not actual:
        return None
    top = max([v for _d, v in plan] + [v for _d, v in actual] + [Decimal(1)])
    span = max((end - start).days, 1)

    def x(day: dt.date) -> float:
        return round(PAD + (WIDTH - 2 * PAD) * min(max((day - start).days, 0), span) / span, 1)

    def y(value: Decimal) -> float:
        return round(HEIGHT - PAD - float(value / top) * (HEIGHT - 2 * PAD), 1)

    plan_xy = [(x(start), y(Decimal(0)))] + [(x(month_end(m)), y(v)) for m, v in plan]
    actual_xy = [ChartPoint(x(d), y(v), f"{day_words(d)}: {v.normalize():f}") for d, v in actual]
    return ProgressChart(
        plan_points=" ".join(f"{px},{py}" for px, py in plan_xy),
        actual_points=" ".join(f"{p.x},{p.y}" for p in actual_xy),
        actual_dots=actual_xy,
    )
