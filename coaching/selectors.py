"""Reads of plans and progress. Lists come from ``visible_to`` querysets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from coaching.models import (
    AppraisalCycle,
    CheckIn,
    Measure,
    Objective,
    PerformancePlan,
    PhaseTarget,
    month_start,
)


class ProgressState(StrEnum):
    ON_TRACK = "on_track"
    LAGGING = "lagging"
    DONE = "done"
    NO_PLAN = "no_plan"
    DROPPED = "dropped"


PROGRESS_LABELS = {
    ProgressState.ON_TRACK: _("On track"),
    ProgressState.LAGGING: _("Lagging"),
    ProgressState.DONE: _("Done"),
    ProgressState.NO_PLAN: _("No targets yet"),
    ProgressState.DROPPED: _("Dropped"),
}
PROGRESS_ORDER = {
    ProgressState.LAGGING: 0,
    ProgressState.NO_PLAN: 1,
    ProgressState.ON_TRACK: 2,
    ProgressState.DONE: 3,
    ProgressState.DROPPED: 4,
}


@dataclass(frozen=True)
class Progress:
    planned: Decimal | None
    actual: Decimal | None
    confidence: int | None
    last_checkin_on: dt.date | None
    state: ProgressState

    @property
    def label(self) -> str:
        return str(PROGRESS_LABELS[self.state])

    @property
    def is_lagging(self) -> bool:
        return self.state == ProgressState.LAGGING

    @property
    def gap(self) -> Decimal | None:
        if self.planned is None:
            return None
        return (self.actual or Decimal(0)) - self.planned


def month_end(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def with_progress(
    queryset: QuerySet[Objective], *, today: dt.date | None = None
) -> QuerySet[Objective]:
    """Annotate the targets around today and the latest check-in, in the same query."""
    month = month_start(today or timezone.localdate())
    targets = PhaseTarget.objects.filter(objective=OuterRef("pk"))
    previous = targets.filter(month__lt=month).order_by("-month")
    upcoming = targets.filter(month__gte=month).order_by("month")
    latest = CheckIn.objects.filter(objective=OuterRef("pk")).order_by(
        "-recorded_on", "-created_at"
    )
    return queryset.annotate(
        previous_planned=Subquery(previous.values("planned")[:1]),
        previous_month=Subquery(previous.values("month")[:1]),
        upcoming_planned=Subquery(upcoming.values("planned")[:1]),
        upcoming_month=Subquery(upcoming.values("month")[:1]),
        actual_now=Subquery(latest.values("value")[:1]),
        confidence_now=Subquery(latest.values("confidence")[:1]),
        last_checkin_on=Subquery(latest.values("recorded_on")[:1]),
    )


def planned_by(objective: Objective, today: dt.date) -> Decimal | None:
    """The plan for ``today``: between two time nodes it grows in a straight line.

    Targets are cumulative and due at the end of their month. A milestone is not
    interpolated: it is due only once its month has ended.
    """
    previous: Decimal | None = getattr(objective, "previous_planned", None)
    previous_month: dt.date | None = getattr(objective, "previous_month", None)
    upcoming: Decimal | None = getattr(objective, "upcoming_planned", None)
    upcoming_month: dt.date | None = getattr(objective, "upcoming_month", None)
    if previous is None and upcoming is None:
        return None
    if upcoming is None or upcoming_month is None:
        return previous
    if objective.measure == Measure.MILESTONE:
        return previous if previous is not None else Decimal(0)
    if previous is None or previous_month is None:
        start_day, start_value = objective.cycle.start_date - dt.timedelta(days=1), Decimal(0)
    else:
        start_day, start_value = month_end(previous_month), previous
    end_day = month_end(upcoming_month)
    span = (end_day - start_day).days
    if span <= 0:
        return upcoming
    share = Decimal(min(max((today - start_day).days, 0), span)) / Decimal(span)
    return (start_value + (upcoming - start_value) * share).quantize(Decimal("0.01"))


def objective_progress(objective: Objective, *, today: dt.date | None = None) -> Progress:
    """Where an objective stands against its plan (needs :func:`with_progress`)."""
    today = today or timezone.localdate()
    planned = planned_by(objective, today)
    actual: Decimal | None = getattr(objective, "actual_now", None)
    has_targets = (
        getattr(objective, "previous_planned", None) is not None
        or getattr(objective, "upcoming_planned", None) is not None
    )
    full = objective.full_value
    if objective.status == Objective.Status.DROPPED:
        state = ProgressState.DROPPED
    elif objective.status == Objective.Status.ACHIEVED or (
        actual is not None and full > 0 and actual >= full
    ):
        state = ProgressState.DONE
    elif not has_targets:
        state = ProgressState.NO_PLAN
    elif planned is not None and (actual or Decimal(0)) < planned:
        state = ProgressState.LAGGING
    else:
        state = ProgressState.ON_TRACK
    return Progress(
        planned=planned,
        actual=actual,
        confidence=getattr(objective, "confidence_now", None),
        last_checkin_on=getattr(objective, "last_checkin_on", None),
        state=state,
    )


def completion_percent(objective: Objective, value: Decimal | None) -> int | None:
    if value is None:
        return None
    full = objective.full_value
    if full <= 0:
        return None
    return int((value / full * 100).quantize(Decimal(1)))


def subject_q(*, employee_id: int | None, department_id: int | None) -> Q:
    """Objectives (or plans) of one subject: an employee or a department."""
    if employee_id is not None:
        return Q(employee_id=employee_id)
    return Q(department_id=department_id, employee__isnull=True)


def current_cycle() -> AppraisalCycle | None:
    """The active cycle that contains today, else the latest active, else the latest."""
    today = timezone.localdate()
    active = AppraisalCycle.objects.filter(state=AppraisalCycle.State.ACTIVE)
    return (
        active.filter(start_date__lte=today, end_date__gte=today).first()
        or active.first()
        or AppraisalCycle.objects.exclude(state=AppraisalCycle.State.CLOSED).first()
    )


def subject_weight_total(
    *,
    cycle: AppraisalCycle,
    employee: User | None = None,
    department: Department | None = None,
    exclude_pk: int | None = None,
) -> int:
    queryset = Objective.objects.filter(cycle=cycle).exclude(status=Objective.Status.DROPPED)
    queryset = (
        queryset.filter(employee=employee) if employee else queryset.filter(department=department)
    )
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return int(queryset.aggregate(total=Sum("weight"))["total"] or 0)


def plan_for(
    *, cycle: AppraisalCycle, employee: User | None = None, department: Department | None = None
) -> PerformancePlan | None:
    if employee is not None:
        return PerformancePlan.objects.filter(cycle=cycle, employee=employee).first()
    return PerformancePlan.objects.filter(cycle=cycle, department=department).first()
