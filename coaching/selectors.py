"""Reads of plans and progress. Lists come from ``visible_to`` querysets."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.inputs import EARLIEST_DATE
from accounts.models import Department, User
from plans.models import AppraisalCycle, CheckIn, Measure, Objective, PerformancePlan, PhaseTarget
from plans.months import month_end as month_end  # the reviews app takes it from here
from plans.months import month_start


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
    def share(self) -> Decimal | None:
        """Share of today's plan reached: 1 is on plan; capped at 1.5, None without a plan."""
        if not self.planned or self.planned <= 0:
            return None
        return min((self.actual or Decimal(0)) / self.planned, Decimal("1.5")).quantize(
            Decimal("0.001")
        )

    @property
    def gap(self) -> Decimal | None:
        if self.planned is None:
            return None
        return (self.actual or Decimal(0)) - self.planned


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
        # The day before the cycle, counted from a sane start (no overflow at year 1).
        first = max(objective.cycle.start_date, EARLIEST_DATE)
        start_day, start_value = first - dt.timedelta(days=1), Decimal(0)
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


def plan_fingerprint(objectives: Iterable[tuple[int, int]]) -> str:
    """What a plan looked like, from its objectives' (id, version) pairs: a confirmation
    is of the plan the person saw, and a change to any objective or target shows here."""
    pairs = ",".join(f"{pk}:{version}" for pk, version in sorted(objectives))
    return hashlib.sha256(pairs.encode()).hexdigest()[:20]


def plan_fingerprint_now(*, plan: PerformancePlan) -> str:
    """The fingerprint of ``plan`` as stored now (see :func:`plan_fingerprint`)."""
    objectives = Objective.objects.filter(cycle_id=plan.cycle_id).filter(
        subject_q(employee_id=plan.employee_id, department_id=plan.department_id)
    )
    return plan_fingerprint(objectives.values_list("pk", "version"))


# --- Coaching ----------------------------------------------------------------

RECENT_DAYS = 30


@dataclass(frozen=True)
class TypeSuggestion:
    type: str
    reason: str


def held_by(today: dt.date, *, via: str = "") -> Q:
    """Sessions held on or before ``today`` (the organisation's day); ``via`` is the path
    to the session ("sessions_received__"). A session dated later is planned: it is no
    coaching yet, so it counts for no "last session", "days since" or coverage."""
    return Q(**{f"{via}held_on__lte": today})


def coaching_type_suggest(*, employee: User, today: dt.date | None = None) -> TypeSuggestion:
    """Suggest one of the three kinds of coaching, with the reason in one sentence.

    The rule, in order (documented in the README):
    1. no objectives with targets in the current cycle → specific instruction;
    2. objectives lag the plan and the last two sessions were already directional
       guidance → specific instruction (guidance has not been enough);
    3. any objective lags the plan, or recent confidence is 2 or lower →
       directional guidance;
    4. otherwise (everything on track or done) → encouragement & promotion.
    """
    from coaching.models import CoachingSession, CoachingType

    today = today or timezone.localdate()
    cycle = current_cycle()
    objectives = (
        list(
            with_progress(
                Objective.objects.filter(cycle=cycle, employee=employee)
                .exclude(status=Objective.Status.DROPPED)
                .select_related("cycle"),
                today=today,
            )
        )
        if cycle
        else []
    )
    states = [objective_progress(o, today=today).state for o in objectives]
    planned = [s for s in states if s != ProgressState.NO_PLAN]
    lagging = sum(1 for s in planned if s == ProgressState.LAGGING)
    confidences = list(
        CheckIn.objects.filter(
            objective__in=objectives, recorded_on__gte=today - dt.timedelta(days=RECENT_DAYS)
        )
        .order_by("-recorded_on", "-created_at")
        .values_list("confidence", flat=True)[:5]
    )
    last_types = list(
        CoachingSession.objects.filter(held_by(today), employee=employee)
        .order_by("-held_on", "-created_at")
        .values_list("type", flat=True)[:2]
    )
    low = confidences[0] if confidences and confidences[0] <= 2 else None
    if not planned:
        return TypeSuggestion(
            CoachingType.INSTRUCTION,
            str(
                _(
                    "No objectives with monthly targets yet: specific instruction — set them "
                    "and break the work into steps together."
                )
            ),
        )
    if lagging and last_types == [CoachingType.GUIDANCE, CoachingType.GUIDANCE]:
        return TypeSuggestion(
            CoachingType.INSTRUCTION,
            str(
                _(
                    "%(lagging)d of %(total)d objectives still lag the plan after two guidance "
                    "sessions: specific instruction — break the work into steps and track them."
                )
                % {"lagging": lagging, "total": len(planned)}
            ),
        )
    if lagging or low is not None:
        parts = []
        if lagging:
            parts.append(
                str(_("%(lagging)d of %(total)d objectives lag the plan"))
                % {"lagging": lagging, "total": len(planned)}
            )
        if low is not None:
            parts.append(str(_("confidence fell to %(confidence)d")) % {"confidence": low})
        return TypeSuggestion(
            CoachingType.GUIDANCE,
            str(_("%(facts)s: directional guidance — point the way and remove obstacles."))
            % {"facts": str(_(" and ")).join(parts)},
        )
    return TypeSuggestion(
        CoachingType.ENCOURAGEMENT,
        str(
            _(
                "%(total)d of %(total)d objectives are on track or done: encouragement and "
                "promotion — praise a concrete example and suggest the next step."
            )
            % {"total": len(planned)}
        ),
    )


def open_action_items_for(user: User) -> QuerySet[Any]:
    """Open action items the person owns, or agreed in sessions they are part of."""
    from coaching.models import ActionItem, CoachingSession

    # The person's sessions first: an OR across the join would scan every item.
    sessions = list(
        CoachingSession.objects.filter(Q(employee=user) | Q(coach=user)).values_list(
            "pk", flat=True
        )
    )
    return (
        ActionItem.objects.filter(done_at__isnull=True)
        .filter(Q(owner=user) | Q(session_id__in=sessions))
        .select_related("session__employee", "session__department", "owner")
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )
