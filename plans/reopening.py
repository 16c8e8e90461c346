"""A plan keeps its word: every change to an objective is recorded, and a change that
leaves an agreed plan away from 100 reopens its confirmation (issue 15, section 7).

The services of ``plans.services`` (and the admin) call :func:`plan_change_record`
inside their transaction, after the change is stored, with the plan row locked.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.selectors import nearest_active_manager
from accounts.services import notify
from plans.models import Objective, ObjectiveChange, PerformancePlan, PlanReopening
from plans.selectors import WEIGHT_TOTAL, subject_q, subject_weight_total

WEIGHTS_MESSAGE = gettext_noop(
    "%(actor)s changed the plan of %(subject)s in %(cycle)s: its weights now add up to "
    "%(total)s, not 100, so both confirmations were cleared. Once the weights add up to 100, "
    "confirm it again."
)
CHANGED_MESSAGE = gettext_noop(
    "%(actor)s changed the plan of %(subject)s in %(cycle)s after it was confirmed: "
    "the confirmation was cleared. Read it again and confirm it."
)


def plan_url(plan: PerformancePlan) -> str:
    """The plan's page in its cycle (a person's own plan opens as theirs)."""
    if plan.employee_id is not None:
        base = reverse("plans:person_objectives", args=[plan.employee_id])
    else:
        base = reverse("plans:department_objectives", args=[plan.department_id])
    return f"{base}?cycle={plan.cycle_id}"


def plan_people(plan: PerformancePlan) -> list[User]:
    """Who confirms the plan, and who confirmed it: the person (a department's head),
    their nearest active manager (the head above), and the last confirmers."""
    people: list[User] = []
    if plan.employee is not None:
        people.append(plan.employee)
        manager = nearest_active_manager(plan.employee)
        if manager is not None:
            people.append(manager)
    elif plan.department is not None:
        department = plan.department
        if department.head is not None:
            people.append(department.head)
        if department.parent is not None and department.parent.head is not None:
            people.append(department.parent.head)
    people += [p for p in (plan.employee_confirmed_by, plan.manager_confirmed_by) if p]
    return people


def _plan_reopen(
    *,
    plan: PerformancePlan,
    actor: User | None,
    cause: str,
    total: int,
    title: str,
    reason: str,
    change: ObjectiveChange | None,
) -> PlanReopening:
    """Clear both confirmations, record it, and tell everyone who confirms the plan
    (not the person who made the change)."""
    reopening = PlanReopening.objects.create(
        plan=plan,
        reopened_by=actor,
        cause=cause,
        reason=reason,
        weight_total=total,
        objective_title=title[:200],
        change=change,
        employee_confirmed_at=plan.employee_confirmed_at,
        manager_confirmed_at=plan.manager_confirmed_at,
    )
    recipients = [p for p in plan_people(plan) if actor is None or p.pk != actor.pk]
    plan.employee_confirmed_at = plan.manager_confirmed_at = None
    plan.employee_confirmed_by = plan.manager_confirmed_by = None
    plan.save(
        update_fields=[
            "employee_confirmed_at",
            "manager_confirmed_at",
            "employee_confirmed_by",
            "manager_confirmed_by",
        ]
    )
    subject = plan.employee or plan.department
    notify(
        recipients=recipients,
        message=WEIGHTS_MESSAGE if cause == PlanReopening.Cause.WEIGHTS else CHANGED_MESSAGE,
        url=plan_url(plan),
        actor=actor.full_name if actor else "—",
        subject=getattr(subject, "full_name", None) or getattr(subject, "name", ""),
        cycle=plan.cycle.name,
        total=total,
    )
    return reopening


def plan_change_record(
    *,
    plan: PerformancePlan,
    objective: Objective | None,
    actor: User | None,
    changes: dict[str, Any],
    reason: str = "",
    title: str = "",
) -> PlanReopening | None:
    """Record a stored change to an objective of ``plan`` (locked); reopen the plan if
    the change breaks what was confirmed. Returns the reopening, if any.

    - Every change is kept (who, when, old → new), agreed plan or not.
    - An agreed plan whose counted weights (objectives not dropped) no longer add up
      to 100 has both confirmations cleared: an agreed plan always weighs 100.
      (Weights above 100 are refused before any save: ``objective_weight_check``.)
    - A plan confirmed by one side only has that confirmation cleared by any change:
      a confirmation is of the plan as the person saw it.

    ``objective`` is None for a deleted objective (then ``title`` names it).
    """
    if not changes:
        return None
    change = None
    if objective is not None:
        change = ObjectiveChange.objects.create(
            objective=objective, changed_by=actor, reason=reason, changes=changes
        )
        title = objective.title
    if not (plan.employee_confirmed_at or plan.manager_confirmed_at):
        return None
    total = subject_weight_total(
        cycle=plan.cycle, employee=plan.employee, department=plan.department
    )
    if plan.is_agreed and total == WEIGHT_TOTAL:
        return None
    cause = PlanReopening.Cause.WEIGHTS if plan.is_agreed else PlanReopening.Cause.CHANGED
    return _plan_reopen(
        plan=plan,
        actor=actor,
        cause=cause,
        total=total,
        title=title,
        reason=reason,
        change=change,
    )


@transaction.atomic
def objective_delete(*, actor: User | None, objective: Objective, reason: str = "") -> None:
    """Delete an objective (the admin's delete); its plan is reopened as by any change
    that takes the weights away from 100. Its history goes with it; the reopening
    keeps its title."""
    plan = (
        PerformancePlan.objects.select_for_update()
        .filter(cycle_id=objective.cycle_id)
        .filter(subject_q(employee_id=objective.employee_id, department_id=objective.department_id))
        .first()
    )
    title = objective.title
    objective.delete()
    if plan is not None:
        plan_change_record(
            plan=plan,
            objective=None,
            actor=actor,
            changes={"deleted": [title, None]},
            reason=reason,
            title=title,
        )
