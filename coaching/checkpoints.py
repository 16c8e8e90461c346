"""Time-node checkpoints (issue 16 §1; source text, answer 7): opened for every phase
target missed at a time node, answered by the coach after talking with the person.

The source text's three steps at each stage: verify whether the phase target was
met; talk fully with whoever missed it and understand their own (subjective)
reasons and the outside (objective) ones; then, from that talk, plan the
improvement and give the support needed. Here: ``plans.node_checks`` judges each
target once its node has passed; ``checkpoints_open`` turns each miss at the
latest node into a checkpoint and tells the coach; ``checkpoint_answer`` records
the talk and the decision — adjust the plan, give support, or open an improvement
plan (prefilled from the checkpoint, and linked back to it once saved).

Who is who:

- the coach is the person's manager, or, for a department's objective, the head of
  the department above (as for early warnings and improvement plans);
- everyone who may see the objective reads its checkpoints (the person too: it is
  their talk); only whoever may coach the subject answers, while the cycle is open.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.concurrency import version_claim
from accounts.models import Department, User
from accounts.services import notify_each
from accounts.texts import month_param
from coaching.checkpoint_models import Checkpoint
from coaching.models import ImprovementPlan
from coaching.permissions import can_coach, improvement_plans_visible_to
from plans.early_warnings import COACH_RELATED, coach_of
from plans.models import AppraisalCycle, Objective
from plans.node_checks import target_checks_record
from plans.permissions import objectives_visible_to

OPENED_MESSAGE = gettext_noop(
    "Phase target missed at the %(node)s time node: “%(objective)s” (%(subject)s) reached "
    "%(reached)s of %(planned)s. Talk with them, record why, and decide what to do."
)
OPENED_WITHOUT_CHECK_IN = gettext_noop(
    "Phase target missed at the %(node)s time node: “%(objective)s” (%(subject)s) had no "
    "check-in by then (target %(planned)s). Talk with them, record why, and decide what to do."
)


def open_checkpoints() -> QuerySet[Checkpoint]:
    """Checkpoints that still call for the coach: not answered yet, or decided on an
    improvement plan not opened yet; of an active cycle, an objective not dropped, a
    person who has not left, and the objective's latest node (a newer checkpoint of the
    same objective takes over from an older one left open)."""
    newer = Checkpoint.objects.filter(objective=OuterRef("objective"), month__gt=OuterRef("month"))
    return (
        Checkpoint.objects.filter(
            Q(answered_at__isnull=True)
            | Q(decision=Checkpoint.Decision.IMPROVEMENT_PLAN, improvement_plan__isnull=True),
            objective__cycle__state=AppraisalCycle.State.ACTIVE,
        )
        .exclude(objective__status=Objective.Status.DROPPED)
        .exclude(objective__employee__is_active=False)
        .exclude(Exists(newer))
    )


def coached_by(user: User | int) -> Q:
    """Checkpoints whose coach is ``user``: the person's manager, or the head of the
    department above a department."""
    pk = user if isinstance(user, int) else user.pk
    # The departments by their ids rather than a join to their parents: one table fewer
    # for PostgreSQL to order (its planning was most of a Team page's empty list).
    below = Department.objects.filter(parent__head_id=pk).values("pk")
    return Q(objective__employee__manager_id=pk) | Q(objective__department__in=below)


def checkpoints_visible_to(user: User) -> QuerySet[Checkpoint]:
    """Every checkpoint of an objective ``user`` may see (HR: all)."""
    return Checkpoint.objects.filter(objective__in=objectives_visible_to(user).values("pk"))


def checkpoints_to_talk(user: User) -> QuerySet[Checkpoint]:
    """The open checkpoints ``user`` coaches, oldest node first, ready to list as links
    (the home and Team pages: the subject, the objective's title and the month)."""
    return (
        open_checkpoints()
        .filter(coached_by(user))
        .select_related("objective__employee", "objective__department")
        .order_by("month", "objective__title", "pk")
    )


def readable_plans_set(user: User, checkpoints: list[Checkpoint]) -> list[Checkpoint]:
    """Set ``readable_plan`` on each checkpoint: its improvement plan where ``user`` may
    read that plan, else None (a department's plan is not every reader's). One query
    when any plan is linked; returns the checkpoints."""
    plan_ids = [c.improvement_plan_id for c in checkpoints if c.improvement_plan_id]
    readable: set[int] = set()
    if plan_ids:
        readable = set(
            improvement_plans_visible_to(user).filter(pk__in=plan_ids).values_list("pk", flat=True)
        )
    for checkpoint in checkpoints:
        visible = checkpoint.improvement_plan_id in readable
        checkpoint.readable_plan = checkpoint.improvement_plan if visible else None
    return checkpoints


def can_answer_checkpoint(user: User, checkpoint: Checkpoint) -> bool:
    """The subject's coach — the person's manager, or the head of the department above —
    while the cycle is open (load ``objective__`` + ``COACH_RELATED``). When that coach
    has left, or there is none, whoever else may coach the subject answers in their place.
    A manager further up reads the talk but does not rewrite it."""
    objective = checkpoint.objective
    if objective.cycle.is_closed:
        return False
    if not can_coach(user, employee=objective.employee, department=objective.department):
        return False
    coach = coach_of(objective)
    return coach is None or not coach.is_active or coach.pk == user.pk


# --- Opening ------------------------------------------------------------------------


@dataclass
class CheckpointsOpened:
    """One run's counts: targets judged, missed, and checkpoints opened."""

    checked: int = 0
    missed: int = 0
    opened: int = 0


def _number(value: Any, unit: str = "") -> str:
    """A value with the objective's unit (``%`` for a share), in no language: unlike the
    pages' ``measured`` (which says "done" for a milestone), a notice's parameters are
    stored before anyone reads them."""
    if value is None:
        return "—"
    number = f"{value.normalize():f}"
    return f"{number} {unit}" if unit else number


def _unit(objective: Objective) -> str:
    if objective.measure == "percent":
        return "%"
    return objective.unit if objective.measure == "number" else ""


@transaction.atomic
def checkpoints_open(*, today: dt.date | None = None) -> CheckpointsOpened:
    """Judge the targets of every passed time node (``plans.node_checks``) and open a
    checkpoint for each miss at the latest node of its cycle, telling its coach in-app.

    A miss at an older node (recorded by a first run, for nodes that passed before)
    is kept as history without a checkpoint: the coach talks about where things
    stand now. Safe to run again: checks and checkpoints are each unique.
    """
    today = today or timezone.localdate()
    recorded = target_checks_record(today=today)
    result = CheckpointsOpened(
        checked=len(recorded.checks), missed=sum(1 for c in recorded.checks if not c.met)
    )
    missed = recorded.missed_at_latest
    if not missed:
        return result
    objectives = Objective.objects.select_related(*COACH_RELATED).in_bulk(
        [check.objective_id for check in missed]
    )
    told: list[tuple[User, Any, str, dict[str, Any]]] = []
    for check in missed:
        objective = objectives[check.objective_id]
        try:
            with transaction.atomic():
                checkpoint = Checkpoint.objects.create(
                    target_check=check, objective=objective, month=check.month, opened_on=today
                )
        except IntegrityError:
            continue  # another run opened it first
        result.opened += 1
        coach = coach_of(objective)
        if coach is not None:
            params = {
                # Worded when read, in the reader's language: "March 2026", "2026年3月".
                "node": month_param(check.month),
                "objective": objective.title,
                "subject": str(objective.subject),
                "reached": _number(check.reached, _unit(objective)),
                "planned": _number(check.planned, _unit(objective)),
            }
            message = OPENED_MESSAGE if check.reached is not None else OPENED_WITHOUT_CHECK_IN
            told.append((coach, message, checkpoint.get_absolute_url(), params))
    if told:
        transaction.on_commit(lambda: notify_each(told))
    return result


# --- Answering ----------------------------------------------------------------------


@transaction.atomic
def checkpoint_answer(
    *,
    actor: User,
    checkpoint: Checkpoint,
    version: int | None,
    talked_on: dt.date,
    own_reasons: str,
    outside_reasons: str,
    decision: str,
    decision_note: str,
) -> Checkpoint:
    """Record the talk and the decision (again, if it was answered before).

    Raises ``accounts.concurrency.StaleEditError`` if the checkpoint was saved since
    ``version`` was read. The first answer stamps who answered and when.
    """
    checkpoint.version = version_claim(Checkpoint, checkpoint.pk, version)
    checkpoint.talked_on = talked_on
    checkpoint.own_reasons = own_reasons
    checkpoint.outside_reasons = outside_reasons
    checkpoint.decision = decision
    checkpoint.decision_note = decision_note
    if checkpoint.answered_at is None:
        checkpoint.answered_at, checkpoint.answered_by = timezone.now(), actor
    checkpoint.save()
    return checkpoint


class PlanAlreadyOpen(Exception):
    """The checkpoint already has an open improvement plan (``plan``)."""

    def __init__(self, plan: ImprovementPlan) -> None:
        super().__init__("the checkpoint's improvement plan is already open")
        self.plan = plan


def open_plan_of(checkpoint: Checkpoint) -> ImprovementPlan | None:
    """The checkpoint's improvement plan while it is open; a closed one may be followed
    by a new plan from the checkpoint."""
    plan = checkpoint.improvement_plan
    return plan if plan is not None and plan.is_open else None


@transaction.atomic
def checkpoint_plan_open(
    *, checkpoint: Checkpoint, actor: User, open_plan: Callable[[], ImprovementPlan]
) -> ImprovementPlan:
    """Open the improvement plan of ``checkpoint`` with ``open_plan`` and link it, under
    a lock on the checkpoint: of two saves at once (a double submit, a retry) the second
    raises ``PlanAlreadyOpen`` with the first one's plan and writes nothing."""
    locked = (
        Checkpoint.objects.select_for_update(of=("self",))
        .select_related("improvement_plan")
        .get(pk=checkpoint.pk)
    )
    already = open_plan_of(locked)
    if already is not None:
        raise PlanAlreadyOpen(already)
    plan = open_plan()
    checkpoint_plan_link(checkpoint=locked, plan=plan, actor=actor)
    return plan


def checkpoint_plan_link(*, checkpoint: Checkpoint, plan: ImprovementPlan, actor: User) -> None:
    """Link the improvement plan opened from ``checkpoint`` (locked by the caller): its
    decision is then the plan, and an unanswered checkpoint is answered with the plan's
    reasons."""
    checkpoint.improvement_plan = plan
    checkpoint.decision = Checkpoint.Decision.IMPROVEMENT_PLAN
    if checkpoint.answered_at is None:
        checkpoint.answered_at, checkpoint.answered_by = timezone.now(), actor
        checkpoint.talked_on = checkpoint.talked_on or plan.opened_on
        checkpoint.own_reasons = checkpoint.own_reasons or plan.own_reasons
        checkpoint.outside_reasons = checkpoint.outside_reasons or plan.outside_reasons
    checkpoint.version += 1
    checkpoint.save()


def improvement_plan_initial(checkpoint: Checkpoint) -> dict[str, Any]:
    """The improvement plan form's start from a checkpoint: its objective and reasons."""
    return {
        "objective": checkpoint.objective_id,
        "own_reasons": checkpoint.own_reasons,
        "outside_reasons": checkpoint.outside_reasons,
        "support": checkpoint.decision_note
        if checkpoint.decision == Checkpoint.Decision.SUPPORT
        else "",
    }


# --- Counts for the digest ----------------------------------------------------------


def open_checkpoint_counts(coach_ids: list[int]) -> Counter[int]:
    """How many open checkpoints each of these coaches has (two grouped queries)."""
    counts: Counter[int] = Counter()
    base = open_checkpoints().order_by()
    for path in ("objective__employee__manager_id", "objective__department__parent__head_id"):
        grouped = (
            base.filter(**{f"{path}__in": coach_ids})
            .values(path)
            .annotate(n=Count("pk"))
            .values_list(path, "n")
        )
        for coach_id, number in grouped:
            counts[coach_id] += number
    return counts


def coaches_with_open_checkpoints() -> QuerySet[Any]:
    """Ids of everyone with an open checkpoint to talk through (for the digest's list)."""
    employee_coaches = open_checkpoints().values_list("objective__employee__manager_id", flat=True)
    department_coaches = open_checkpoints().values_list(
        "objective__department__parent__head_id", flat=True
    )
    return User.objects.filter(Q(pk__in=employee_coaches) | Q(pk__in=department_coaches))
