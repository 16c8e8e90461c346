"""Writes to cycles, plans, objectives, targets and check-ins."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.concurrency import version_claim
from accounts.models import Department, User
from plans.cycles import cycle_overlap, overlap_refusal, subject_in_overlapping_cycle
from plans.early_warnings import checkin_warning_raise, lagging_warnings_raise
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
from plans.months import months_between
from plans.reopening import plan_change_record
from plans.selectors import (
    WEIGHT_TOTAL,
    ProgressState,
    objective_progress,
    objective_weight_check,
    plan_fingerprint_now,
    subject_q,
    with_progress,
)

NODE_STEPS = {"monthly": 1, "bimonthly": 2, "quarterly": 3, "half_yearly": 6}
CENT = Decimal("0.01")


def cycle_nodes(*, start_date: dt.date, end_date: dt.date, frequency: str) -> list[str]:
    """Time nodes as ISO dates: the last month of each period, counted from the start."""
    months = months_between(start_date, end_date)
    step = NODE_STEPS[frequency]
    nodes = months[step - 1 :: step]
    if months and months[-1] not in nodes:
        nodes.append(months[-1])
    return [month.isoformat() for month in nodes]


@transaction.atomic
def cycle_save(
    *,
    actor: User,
    cycle: AppraisalCycle | None,
    name: str,
    start_date: dt.date,
    end_date: dt.date,
    frequency: str,
    rating_scale: list[str] | None = None,
    version: int | None = None,
) -> AppraisalCycle:
    """Create a cycle, or change one; a change is refused (``StaleEditError``) unless
    ``version`` is the cycle's stored version."""
    if cycle is None:
        cycle = AppraisalCycle(created_by=actor)
    else:
        cycle.version = version_claim(AppraisalCycle, cycle.pk, version)
    cycle.name = name
    cycle.rating_scale = list(rating_scale or [])
    if cycle.pk is None or cycle.state == AppraisalCycle.State.PLANNING:
        # Dates and time nodes are fixed once the cycle has started.
        cycle.start_date = start_date
        cycle.end_date = end_date
        cycle.time_nodes = cycle_nodes(
            start_date=start_date, end_date=end_date, frequency=frequency
        )
    cycle.save()
    return cycle


CYCLE_TRANSITIONS = {
    AppraisalCycle.State.PLANNING: {AppraisalCycle.State.ACTIVE},
    AppraisalCycle.State.ACTIVE: {AppraisalCycle.State.CLOSED, AppraisalCycle.State.PLANNING},
    AppraisalCycle.State.CLOSED: {AppraisalCycle.State.ACTIVE},
}


@transaction.atomic
def cycle_transition(
    *,
    actor: User,
    cycle: AppraisalCycle,
    state: str,
    seen_state: str | None = None,
    reason: str = "",
    tables_closed: int = 0,
) -> AppraisalCycle:
    """Move the cycle to ``state`` and record the step (``CycleEvent``: who, when, why).

    Refused (``ValidationError``) if it is no longer in the ``seen_state`` the person's
    page showed (a "Start" button on a stale page must not reopen a closed cycle); if
    the step is not allowed; when reopening a closed cycle without a ``reason``
    (``{"reason": ...}``, issue 15 §4); and when activating it would put a subject in
    two active cycles for the same month (``cycle_overlap``, issue 15 §4: the
    message names the first subjects and counts them).

    Closing is only for ``reviews.cycles.cycle_close``, which first closes the
    cycle's open review tables and passes how many in ``tables_closed``.
    """
    locked = AppraisalCycle.objects.select_for_update().get(pk=cycle.pk)
    if seen_state is not None and seen_state != locked.state:
        raise ValidationError(
            _("This cycle was changed in the meantime and is now %(state)s: nothing was changed.")
            % {"state": locked.get_state_display()}
        )
    if state not in CYCLE_TRANSITIONS[AppraisalCycle.State(locked.state)]:
        raise ValidationError(
            _("A cycle cannot go from %(old)s to %(new)s.")
            % {"old": locked.get_state_display(), "new": AppraisalCycle.State(state).label}
        )
    reason = reason.strip()
    if locked.state == AppraisalCycle.State.CLOSED and not reason:
        raise ValidationError({"reason": [_("Say why the cycle is reopened.")]})
    if state == AppraisalCycle.State.ACTIVE:
        overlap = cycle_overlap(locked)
        if overlap is not None:
            raise ValidationError(overlap.message())
    CycleEvent.objects.create(
        cycle=locked,
        actor=actor,
        from_state=locked.state,
        to_state=state,
        reason=reason[:500],
        tables_closed=tables_closed,
    )
    locked.state = state
    # A new state makes every open edit form of the cycle stale: dates it shows as
    # editable may now be fixed.
    locked.version += 1
    locked.save(update_fields=["state", "version"])
    return locked


def plan_get_or_create(
    *, cycle: AppraisalCycle, employee: User | None = None, department: Department | None = None
) -> PerformancePlan:
    if employee is not None:
        plan, _created = PerformancePlan.objects.get_or_create(cycle=cycle, employee=employee)
    else:
        plan, _created = PerformancePlan.objects.get_or_create(cycle=cycle, department=department)
    return plan


def _lock_plan(objective_or_subject: Objective) -> PerformancePlan:
    plan = plan_get_or_create(
        cycle=objective_or_subject.cycle,
        employee=objective_or_subject.employee,
        department=objective_or_subject.department,
    )
    return PerformancePlan.objects.select_for_update().get(pk=plan.pk)


def _check_weights(objective: Objective) -> None:
    """The weights rule (``objective_weight_check``), its message beside the weight field."""
    try:
        objective_weight_check(
            cycle=objective.cycle,
            employee=objective.employee,
            department=objective.department,
            weight=objective.weight,
            status=objective.status,
            exclude_pk=objective.pk,
        )
    except ValidationError as error:
        raise ValidationError({"weight": error}) from None


def _check_one_active_cycle(objective: Objective) -> None:
    """A subject has live objectives in one active cycle per month (issue 15 §4)."""
    if objective.status == Objective.Status.DROPPED:
        return
    other = subject_in_overlapping_cycle(
        cycle=objective.cycle, employee=objective.employee, department=objective.department
    )
    if other is not None:
        raise ValidationError(overlap_refusal(other))


def plain_value(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Objective):
        return value.title
    return value


OBJECTIVE_FIELDS = (
    "title",
    "description",
    "weight",
    "measure",
    "unit",
    "target",
    "parent",
    "status",
)


@dataclass(frozen=True)
class ObjectiveSaved:
    """A saved objective, and the plan reopening its change caused (None for most)."""

    objective: Objective
    reopened: PlanReopening | None = None


@transaction.atomic
def objective_create(
    *,
    actor: User,
    cycle: AppraisalCycle,
    employee: User | None = None,
    department: Department | None = None,
    reason: str = "",
    **fields: Any,
) -> ObjectiveSaved:
    """Add an objective to the subject's plan; its weight must fit the 100 (else
    ``ValidationError`` on ``weight``). Recorded as created; an objective of weight 0
    keeps an agreed plan agreed, one confirmed by one side only is reopened."""
    objective = Objective(cycle=cycle, employee=employee, department=department, created_by=actor)
    for name in OBJECTIVE_FIELDS:
        if name in fields:
            setattr(objective, name, fields[name])
    objective.owner = employee or (department.head if department else None)
    plan = _lock_plan(objective)
    _check_one_active_cycle(objective)
    _check_weights(objective)
    objective.save()
    reopened = plan_change_record(
        plan=plan,
        objective=objective,
        actor=actor,
        changes={"created": [None, objective.title]},
        reason=reason,
    )
    return ObjectiveSaved(objective, reopened)


@transaction.atomic
def objective_update(
    *, actor: User, objective: Objective, version: int | None, reason: str = "", **fields: Any
) -> ObjectiveSaved:
    """Change an objective; refused (``StaleEditError``) unless ``version`` is its stored
    version, so a form opened before someone else's save cannot undo it.

    Weights above 100 are refused (``ValidationError`` on ``weight``); every change is
    recorded, and one that leaves an agreed plan's weights away from 100 (a lower
    weight, a dropped objective) reopens its confirmation (``plan_change_record``)."""
    plan = _lock_plan(objective)
    version_claim(Objective, objective.pk, version)
    locked = Objective.objects.select_for_update().get(pk=objective.pk)
    changes: dict[str, Any] = {}
    for name in OBJECTIVE_FIELDS:
        if name in fields and getattr(locked, name) != fields[name]:
            changes[name] = [plain_value(getattr(locked, name)), plain_value(fields[name])]
            setattr(locked, name, fields[name])
    if not changes:
        return ObjectiveSaved(locked)
    if "status" in changes and changes["status"][0] == Objective.Status.DROPPED:
        _check_one_active_cycle(locked)  # a dropped objective taken up again
    _check_weights(locked)
    locked.save()
    reopened = plan_change_record(
        plan=plan, objective=locked, actor=actor, changes=changes, reason=reason
    )
    objective_progress_refresh(objective_ids=[locked.pk])
    return ObjectiveSaved(locked, reopened)


def targets_spread_evenly(objective: Objective) -> dict[dt.date, Decimal]:
    """Cumulative targets growing by the same step at each time node."""
    nodes = objective.cycle.nodes
    if not nodes:
        return {}
    if objective.measure == Measure.MILESTONE:
        return {
            node: Decimal(1 if index == len(nodes) - 1 else 0) for index, node in enumerate(nodes)
        }
    full = objective.full_value
    return {
        node: (full * (index + 1) / len(nodes)).quantize(CENT, rounding=ROUND_HALF_UP)
        for index, node in enumerate(nodes)
    }


def targets_copied_from(objective: Objective, source: Objective) -> dict[dt.date, Decimal]:
    """The other objective's pattern, scaled to this objective's full value."""
    source_targets = {t.month: t.planned for t in source.targets.all()}
    if not source_targets:
        return {}
    source_full = source.full_value or max(source_targets.values()) or Decimal(1)
    full = objective.full_value
    result = {}
    for node in objective.cycle.nodes:
        if node in source_targets:
            value = source_targets[node] / source_full * full
            if objective.measure == Measure.MILESTONE:
                value = Decimal(1) if value >= 1 else Decimal(0)
            result[node] = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return result


@transaction.atomic
def phase_targets_save(
    *,
    actor: User,
    objective: Objective,
    values: dict[dt.date, Decimal | None],
    version: int | None,
    reason: str = "",
) -> PlanReopening | None:
    """Replace the objective's targets with ``values`` (None removes a node's target).

    Refused (``StaleEditError``) unless ``version`` is the objective's stored version:
    the grid a person filled must be the one they saw. Each changed month is recorded
    (``plan_change_record``); the reopening of a half-confirmed plan is returned.
    """
    plan = _lock_plan(objective)
    objective.version = version_claim(Objective, objective.pk, version)
    existing = {
        t.month: t for t in PhaseTarget.objects.select_for_update().filter(objective=objective)
    }
    changes: dict[str, Any] = {}
    to_create, to_update, to_delete = [], [], []
    for month, planned in values.items():
        current = existing.get(month)
        if planned is None:
            if current is not None:
                to_delete.append(current.pk)
                changes[f"target {month:%Y-%m}"] = [plain_value(current.planned), None]
        elif current is None:
            to_create.append(PhaseTarget(objective=objective, month=month, planned=planned))
            changes[f"target {month:%Y-%m}"] = [None, plain_value(planned)]
        elif current.planned != planned:
            changes[f"target {month:%Y-%m}"] = [plain_value(current.planned), plain_value(planned)]
            current.planned = planned
            to_update.append(current)
    PhaseTarget.objects.filter(pk__in=to_delete).delete()
    PhaseTarget.objects.bulk_create(to_create)
    PhaseTarget.objects.bulk_update(to_update, ["planned"])
    reopened = plan_change_record(
        plan=plan, objective=objective, actor=actor, changes=changes, reason=reason
    )
    objective_progress_refresh(objective_ids=[objective.pk])
    return reopened


@transaction.atomic
def checkin_create(
    *,
    actor: User,
    objective: Objective,
    value: Decimal,
    confidence: int,
    note: str = "",
    recorded_on: dt.date | None = None,
) -> CheckIn:
    checkin = CheckIn.objects.create(
        objective=objective,
        value=value,
        confidence=confidence,
        note=note,
        recorded_on=recorded_on or timezone.localdate(),
        author=actor,
    )
    objective_progress_refresh(objective_ids=[objective.pk])
    checkin_warning_raise(checkin=checkin, actor=actor)
    return checkin


@transaction.atomic
def plan_confirm(
    *, actor: User, plan: PerformancePlan, side: str, seen: str | None = None
) -> PerformancePlan:
    """Confirm one side of a plan; its active objectives must weigh exactly 100.

    ``seen`` is the fingerprint of the plan the person looked at
    (``plan_fingerprint``): if an objective or a target changed since, nothing is
    confirmed (a confirmation is of what the person saw).
    """
    locked = PerformancePlan.objects.select_for_update().get(pk=plan.pk)
    if seen is not None and seen != plan_fingerprint_now(plan=locked):
        raise ValidationError(
            _(
                "The plan changed while you were looking at it: nothing was confirmed. "
                "Read it again below, then confirm."
            )
        )
    total = (
        Objective.objects.filter(cycle_id=locked.cycle_id)
        .filter(subject_q(employee_id=locked.employee_id, department_id=locked.department_id))
        .exclude(status=Objective.Status.DROPPED)
        .aggregate(total=Sum("weight"))["total"]
        or 0
    )
    if total != WEIGHT_TOTAL:
        raise ValidationError(
            _(
                "The weights add up to %(total)d; they must add up to 100 before the plan "
                "can be confirmed."
            )
            % {"total": total}
        )
    now = timezone.now()
    if side == "employee":
        locked.employee_confirmed_at, locked.employee_confirmed_by = now, actor
    else:
        locked.manager_confirmed_at, locked.manager_confirmed_by = now, actor
    locked.save()
    return locked


@transaction.atomic
def plan_subject_confirm(
    *,
    actor: User,
    cycle: AppraisalCycle,
    employee: User | None = None,
    department: Department | None = None,
    side: str,
    seen: str | None = None,
) -> PerformancePlan:
    """Confirm one side of this subject's plan, creating the plan with the confirmation.

    The caller has checked that ``actor`` may confirm ``side``. A refused
    confirmation (the weights do not add up to 100) leaves no plan behind.
    """
    plan = plan_get_or_create(cycle=cycle, employee=employee, department=department)
    return plan_confirm(actor=actor, plan=plan, side=side, seen=seen)


def objective_progress_refresh(
    *, objective_ids: list[int] | None = None, today: dt.date | None = None
) -> int:
    """Store each objective's state against today's plan; returns how many changed.

    Called after every check-in or plan change (for those objectives) and daily
    for every objective of the active cycles, since the plan moves with time.
    An objective that goes from on track to lagging raises an early warning.
    """
    today = today or timezone.localdate()
    objectives = Objective.objects.filter(cycle__state=AppraisalCycle.State.ACTIVE)
    if objective_ids is not None:
        objectives = Objective.objects.filter(pk__in=objective_ids)
    annotated = with_progress(objectives.select_related("cycle"), today=today).order_by("pk")
    changed: list[Objective] = []
    crossed: list[int] = []
    total = 0
    fields = ["progress_state", "progress_share", "progress_as_of"]
    for objective in annotated.iterator(chunk_size=2000):
        progress = objective_progress(objective, today=today)
        stored = (str(progress.state), progress.share, today)
        if (
            objective.progress_state == ProgressState.ON_TRACK
            and progress.state == ProgressState.LAGGING
        ):
            crossed.append(objective.pk)
        if (objective.progress_state, objective.progress_share, objective.progress_as_of) != stored:
            objective.progress_state, objective.progress_share, objective.progress_as_of = stored
            changed.append(objective)
        if len(changed) >= 2000:
            Objective.objects.bulk_update(changed, fields)
            total += len(changed)
            changed = []
    Objective.objects.bulk_update(changed, fields)
    lagging_warnings_raise(objective_ids=crossed, today=today)
    return total + len(changed)
