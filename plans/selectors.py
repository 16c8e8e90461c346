"""Reads of plans and progress, and every list the plan pages show.

Lists a person sees come from ``visible_to`` querysets (``plans.permissions``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.inputs import EARLIEST_DATE
from accounts.models import Department, User
from accounts.rounding import round_half_up
from accounts.selectors import former_periods, is_manager_of, user_roles
from plans.models import (
    AppraisalCycle,
    CheckIn,
    CycleEvent,
    Measure,
    Objective,
    PerformancePlan,
    PhaseTarget,
    PlanReopening,
)
from plans.months import month_end, month_start
from plans.permissions import objectives_visible_to

# What the weights of a plan's objectives add up to when the plan is agreed.
WEIGHT_TOTAL = 100


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
        return round_half_up(min((self.actual or Decimal(0)) / self.planned, Decimal("1.5")), 3)

    @property
    def gap(self) -> Decimal | None:
        if self.planned is None:
            return None
        return (self.actual or Decimal(0)) - self.planned


def with_progress(
    queryset: QuerySet[Objective], *, today: dt.date | None = None, checkin_details: bool = True
) -> QuerySet[Objective]:
    """Annotate the targets around today and the latest check-in, in the same query.

    Without ``checkin_details``, not the latest check-in's confidence and date (their
    ``Progress`` fields are None): for lists that show neither, two subqueries fewer.
    """
    month = month_start(today or timezone.localdate())
    targets = PhaseTarget.objects.filter(objective=OuterRef("pk"))
    previous = targets.filter(month__lt=month).order_by("-month")
    upcoming = targets.filter(month__gte=month).order_by("month")
    latest = CheckIn.objects.filter(objective=OuterRef("pk")).order_by(
        "-recorded_on", "-created_at"
    )
    annotated = queryset.annotate(
        previous_planned=Subquery(previous.values("planned")[:1]),
        previous_month=Subquery(previous.values("month")[:1]),
        upcoming_planned=Subquery(upcoming.values("planned")[:1]),
        upcoming_month=Subquery(upcoming.values("month")[:1]),
        actual_now=Subquery(latest.values("value")[:1]),
    )
    if not checkin_details:
        return annotated
    return annotated.annotate(
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
    return round_half_up(start_value + (upcoming - start_value) * share, 2)


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


def current_cycle_among(cycles: Iterable[AppraisalCycle]) -> AppraisalCycle | None:
    """:func:`current_cycle`, picked from ``cycles``: every cycle, in the model's order (as
    ``cycles_all`` lists them). A page that shows them all in its picker needs no query more.
    """
    today = timezone.localdate()
    listed = list(cycles)
    active = [cycle for cycle in listed if cycle.state == AppraisalCycle.State.ACTIVE]
    for cycle in active:
        if cycle.start_date <= today <= cycle.end_date:
            return cycle
    if active:
        return active[0]
    return next((cycle for cycle in listed if cycle.state != AppraisalCycle.State.CLOSED), None)


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


def objective_weight_check(
    *,
    cycle: AppraisalCycle,
    employee: User | None,
    department: Department | None,
    weight: int,
    status: str,
    exclude_pk: int | None = None,
) -> None:
    """The weights rule: a plan's objectives that are not dropped weigh 100 at most.

    ``weight`` (0-100) is the objective's new weight; ``exclude_pk`` the objective
    itself when it is already stored. A dropped objective weighs nothing and is
    always allowed. Raises ``ValidationError`` saying how much weight is left.
    The one place this rule lives: the objective form and the services ask it.
    """
    if status == Objective.Status.DROPPED:
        return
    others = subject_weight_total(
        cycle=cycle, employee=employee, department=department, exclude_pk=exclude_pk
    )
    if others + weight > WEIGHT_TOTAL:
        raise ValidationError(
            _(
                "The other objectives already weigh %(others)d; this one can weigh at most "
                "%(left)d so that the plan adds up to 100."
            ),
            code="weights_over_100",
            params={"others": others, "left": max(0, WEIGHT_TOTAL - others)},
        )


def plan_for(
    *,
    cycle: AppraisalCycle,
    employee: User | None = None,
    department: Department | None = None,
    with_reopened: bool = False,
) -> PerformancePlan | None:
    """The subject's plan in ``cycle``, if one was recorded, with the cycle and the subject
    asked for set on it (no query to read them again). ``with_reopened``: the plan also
    has ``was_reopened``, whether any reopening of it is stored (in the same query, so that
    ``plan_reopening_shown`` asks for none of a plan never reopened)."""
    if employee is not None:
        plans = PerformancePlan.objects.filter(cycle=cycle, employee=employee)
    else:
        plans = PerformancePlan.objects.filter(cycle=cycle, department=department)
    if with_reopened:
        plans = plans.annotate(
            was_reopened=Exists(PlanReopening.objects.filter(plan_id=OuterRef("pk")))
        )
    plan = plans.first()
    if plan is not None:
        plan.cycle = cycle
        if employee is not None:
            plan.employee = employee
        else:
            plan.department = department
    return plan


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


# --- Lists of the plan pages -----------------------------------------------------


def cycles_all() -> QuerySet[AppraisalCycle]:
    """Every cycle, newest first: HR's list and the cycle pickers."""
    return AppraisalCycle.objects.all()


def cycle_history(*, cycle: AppraisalCycle, limit: int = 50) -> list[CycleEvent]:
    """The cycle's state changes, newest first, with who made them (one query)."""
    return list(cycle.events.select_related("actor")[:limit])


def aligned_with_progress(*, user: User, parent_ids: list[int]) -> QuerySet[Objective]:
    """Objectives aligned to any of ``parent_ids`` that ``user`` may see, with progress."""
    return with_progress(
        objectives_visible_to(user).filter(parent_id__in=parent_ids).order_by("employee__full_name")
    )


def aligned_to(*, user: User, objective: Objective) -> list[Objective]:
    """Objectives aligned to ``objective`` that ``user`` may see."""
    return list(objectives_visible_to(user).filter(parent=objective).select_related("employee"))


def objective_with_progress(*, objective: Objective) -> Objective:
    """The objective read again, annotated for :func:`objective_progress`."""
    return with_progress(Objective.objects.filter(pk=objective.pk).select_related("cycle")).get()


def objective_as_stored(*, pk: int) -> Objective:
    """The objective's stored row (a bound form's instance already holds the new values)."""
    return Objective.objects.select_related("cycle").get(pk=pk)


def phase_targets_of(*, objective: Objective) -> list[PhaseTarget]:
    """The objective's monthly targets, by month."""
    return list(objective.targets.all())


def checkins_of(*, objective: Objective) -> list[CheckIn]:
    """The objective's check-ins, newest first, with their authors."""
    return list(objective.checkins.select_related("author"))


def checkins_of_person(*, user: User, employee: User, limit: int = 100) -> list[CheckIn]:
    """Check-ins on ``employee``'s objectives that ``user`` may see, newest first; a former
    manager sees those recorded in the periods they managed (``former_periods``)."""
    visible = Q(objective__in=objectives_visible_to(user).filter(employee=employee))
    if not (user.pk == employee.pk or is_manager_of(user, employee) or user_roles(user).is_hr):
        for first, last in former_periods(user, employee):
            visible |= Q(
                objective__employee=employee, recorded_on__gte=first, recorded_on__lte=last
            )
    return list(
        CheckIn.objects.filter(visible)
        .select_related("objective", "author")
        .order_by("-recorded_on", "-created_at")[:limit]
    )


def objective_parent_choices(
    *,
    user: User,
    cycle: AppraisalCycle,
    employee: User | None,
    department: Department | None,
    objective: Objective | None = None,
) -> QuerySet[Objective]:
    """Objectives one level up that an objective of this subject can align to.

    For an existing ``objective``: never itself, and always its stored alignment, even
    where ``user`` may not open that objective (an employee's aligned to the manager's
    own): else any save would drop it.
    """
    visible = objectives_visible_to(user).filter(cycle=cycle)
    if employee is not None:
        choices = visible.filter(
            Q(department_id=employee.department_id) | Q(employee_id=employee.manager_id)
        ).exclude(employee=employee)
    elif department is None or department.parent_id is None:
        choices = visible.none()
    else:
        choices = visible.filter(department_id=department.parent_id)
    if objective is None:
        return choices
    choices = choices.exclude(pk=objective.pk)
    if objective.parent_id is None:
        return choices
    return Objective.objects.filter(Q(pk__in=choices.values("pk")) | Q(pk=objective.parent_id))


def target_copy_sources(*, user: User, objective: Objective) -> QuerySet[Objective]:
    """Other objectives of the cycle with targets, whose pattern ``user`` may copy."""
    return (
        objectives_visible_to(user)
        .filter(cycle=objective.cycle, targets__isnull=False)
        .exclude(pk=objective.pk)
        .distinct()
        .order_by("title")
    )
