"""An objective's history as its page shows it: who changed what, when, old → new,
worded in the reader's language (issue 15, section 7).

Changes are stored with plain field names and values (``ObjectiveChange.changes``);
the labels, choices and months are translated here, at reading time, so each
reader sees them in their own language whoever made the change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import date_format
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from accounts.models import User
from plans.models import Measure, Objective, ObjectiveChange, PerformancePlan, PlanReopening

FIELD_ORDER = (
    "created",
    "carried_from",
    "title",
    "description",
    "weight",
    "measure",
    "unit",
    "target",
    "parent",
    "status",
)
TARGET_PREFIX = "target "
NOTHING = "—"


@dataclass(frozen=True)
class HistoryEntry:
    changed_at: dt.datetime
    changed_by: User | None
    reason: str
    lines: list[str]
    reopened: PlanReopening | None


def _month_of(key: str) -> dt.date | None:
    """The month of a ``target YYYY-MM`` key, or None for anything else."""
    if not key.startswith(TARGET_PREFIX):
        return None
    try:
        return dt.datetime.strptime(key[len(TARGET_PREFIX) :][:7], "%Y-%m").date()  # noqa: DTZ007 - a month, no time
    except ValueError:
        return None


def _label(key: str) -> str:
    month = _month_of(key)
    if month is not None:
        return _("Target for %(month)s") % {"month": date_format(month, "YEAR_MONTH_FORMAT")}
    if key == "created":
        return _("Objective created")
    if key == "deleted":
        return _("Objective deleted")
    try:
        field = Objective._meta.get_field(key)
    except FieldDoesNotExist:
        return key
    return str(capfirst(getattr(field, "verbose_name", key)))


def _value(key: str, value: Any, objective: Objective) -> str:
    if value is None or value == "":
        return NOTHING
    text = str(value)
    if key == "status" and text in Objective.Status.values:
        return str(Objective.Status(text).label)
    if key == "measure" and text in Measure.values:
        return str(Measure(text).label)
    if _month_of(key) is not None and objective.measure == Measure.MILESTONE:
        try:
            done = Decimal(text) >= 1
        except InvalidOperation:
            return text
        return _("done") if done else _("not done")
    return Truncator(text).chars(200)


def _sort_key(key: str) -> tuple[int, str]:
    if key in FIELD_ORDER:
        return (FIELD_ORDER.index(key), "")
    return (len(FIELD_ORDER), key)


def change_lines(change: ObjectiveChange, objective: Objective) -> list[str]:
    """One line per changed field or month: "Weight: 60 → 50"."""
    stored = change.changes if isinstance(change.changes, dict) else {}
    lines = []
    for key in sorted(stored, key=_sort_key):
        pair = stored[key]
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        label = _label(key)
        if key in ("created", "carried_from"):  # a copy names the cycle it came from
            lines.append(f"{label}: {_value(key, new, objective)}")
        else:
            lines.append(f"{label}: {_value(key, old, objective)} → {_value(key, new, objective)}")
    return lines


def objective_history(*, objective: Objective, limit: int = 50) -> list[HistoryEntry]:
    """The latest changes to ``objective``, newest first, each with the plan reopening it
    caused (if any). Two queries, whatever the number of changes."""
    changes = objective.changes.select_related("changed_by").prefetch_related("reopenings")
    return [
        HistoryEntry(
            changed_at=change.changed_at,
            changed_by=change.changed_by,
            reason=change.reason,
            lines=change_lines(change, objective),
            reopened=next(iter(change.reopenings.all()), None),
        )
        for change in changes[:limit]
    ]


def plan_reopening_shown(*, plan: PerformancePlan | None) -> PlanReopening | None:
    """Why a plan that was confirmed is not agreed now: its latest reopening, while the
    plan waits for confirmation again (None once it is agreed, or if never reopened). No
    query for a plan read by ``plan_for(..., with_reopened=True)`` that was never reopened."""
    if plan is None or plan.is_agreed or not getattr(plan, "was_reopened", True):
        return None
    return plan.reopenings.select_related("reopened_by").first()
