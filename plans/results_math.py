"""The weighted completion of a subject's objectives at the end of a cycle (issue 17 §3).

Pure arithmetic over plan data, kept in ``plans`` (which the result lives above):
``objective_completion`` judges one objective, ``weighted_completion`` a
subject's objectives, and ``cycle_completions`` reads a whole cycle in one query
and returns every subject's figure.

The rules, as the result page states them:

- every objective not dropped counts, with its weight;
- its value is the latest check-in recorded on or before the cycle's last day
  (a check-in dated later is ignored); no check-in counts as nothing done;
- against the final target (``Objective.full_value``): a percentage against its
  target (100 when none), a number against its target, a milestone is done (a
  value of 1 or more: 100 %) or not (0 %);
- an objective marked achieved counts 100 % whatever its check-ins say, unless
  they say more;
- each objective's completion is kept between 0 % and ``COMPLETION_CAP`` (150 %),
  so one runaway figure does not carry the whole plan;
- a number without a target cannot be judged: it is shown but left out of the
  weighted figure;
- the weights are normalised: when they do not add up to 100, each counts for its
  share of their sum (all zero: every objective counts equally).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Q, Subquery

from accounts.rounding import round_half_up
from plans.models import AppraisalCycle, CheckIn, Measure, Objective

COMPLETION_CAP = Decimal(150)
HUNDRED = Decimal(100)
ONE_PLACE = Decimal("0.1")
CENTS = Decimal("0.01")

# ("employee", pk) or ("department", pk)
SubjectKey = tuple[str, int]


@dataclass
class SubjectCompletion:
    """A subject's weighted completion (percent, one decimal; None when no objective can
    be judged) and one breakdown entry per objective (JSON-ready, see ``breakdown_entry``)."""

    completion: Decimal | None
    breakdown: list[dict[str, Any]] = field(default_factory=list)


def _rounded(value: Decimal) -> Decimal:
    return round_half_up(value, 1)


def objective_completion(
    *, measure: str, full_value: Decimal, value: Decimal | None, achieved: bool
) -> Decimal | None:
    """One objective's completion in percent (0–150, one decimal), or None when it cannot
    be judged (a number or percentage whose full value is 0 or less)."""
    if measure == Measure.MILESTONE:
        share = HUNDRED if value is not None and value >= 1 else Decimal(0)
    elif full_value <= 0:
        return HUNDRED if achieved else None
    else:
        share = (value or Decimal(0)) * HUNDRED / full_value
    if achieved:
        share = max(share, HUNDRED)
    return _rounded(min(max(share, Decimal(0)), COMPLETION_CAP))


def weighted_completion(entries: Iterable[tuple[int, Decimal | None]]) -> Decimal | None:
    """Σ weight × completion / Σ weight over ``(weight, completion)`` pairs that have a
    completion; all weights zero: the plain mean; nothing to judge: None."""
    judged = [
        (Decimal(weight), completion) for weight, completion in entries if completion is not None
    ]
    if not judged:
        return None
    total = sum((weight for weight, _c in judged), Decimal(0))
    if total <= 0:
        return _rounded(sum((c for _w, c in judged), Decimal(0)) / len(judged))
    return _rounded(sum((w * c for w, c in judged), Decimal(0)) / total)


def breakdown_entry(
    objective: Objective, value: Decimal | None, completion: Decimal | None
) -> dict[str, Any]:
    """What the result keeps of one objective: numbers as strings (exact in JSON)."""
    return {
        "objective": objective.pk,
        "title": objective.title,
        "weight": objective.weight,
        "measure": objective.measure,
        "unit": objective.unit,
        "status": objective.status,
        "target": str(Decimal(objective.full_value).quantize(CENTS)),
        "value": None if value is None else str(Decimal(value).quantize(CENTS)),
        "completion": None if completion is None else str(completion),
    }


def cycle_completions(
    cycle: AppraisalCycle,
    *,
    employee_ids: Iterable[int] | None = None,
    department_ids: Iterable[int] | None = None,
) -> dict[SubjectKey, SubjectCompletion]:
    """Every subject's completion in ``cycle`` (objectives not dropped), in one query.

    Keys are ``("employee", id)`` or ``("department", id)``; a subject whose
    objectives were all dropped is absent. ``employee_ids`` / ``department_ids``
    narrow the subjects (None: all).
    """
    latest = CheckIn.objects.filter(
        objective=OuterRef("pk"), recorded_on__lte=cycle.end_date
    ).order_by("-recorded_on", "-created_at", "-pk")
    objectives = (
        Objective.objects.filter(cycle=cycle)
        .exclude(status=Objective.Status.DROPPED)
        .annotate(final_value=Subquery(latest.values("value")[:1]))
        .order_by("-weight", "title", "pk")
    )
    if employee_ids is not None or department_ids is not None:
        objectives = objectives.filter(
            Q(employee_id__in=list(employee_ids or []))
            | Q(department_id__in=list(department_ids or []))
        )
    grouped: dict[SubjectKey, list[tuple[Objective, Decimal | None, Decimal | None]]] = {}
    for objective in objectives:
        value: Decimal | None = objective.final_value
        completion = objective_completion(
            measure=objective.measure,
            full_value=objective.full_value,
            value=value,
            achieved=objective.status == Objective.Status.ACHIEVED,
        )
        key: SubjectKey = (
            ("employee", objective.employee_id)
            if objective.employee_id is not None
            else ("department", objective.department_id or 0)
        )
        grouped.setdefault(key, []).append((objective, value, completion))
    return {
        key: SubjectCompletion(
            completion=weighted_completion((o.weight, c) for o, _v, c in rows),
            breakdown=[breakdown_entry(o, v, c) for o, v, c in rows],
        )
        for key, rows in grouped.items()
    }


def cycle_has_ended(cycle: AppraisalCycle, today: dt.date) -> bool:
    """Results are prepared once the cycle's last day has passed, or it is closed."""
    return cycle.is_closed or cycle.end_date < today
