"""Writes to cycles, plans, objectives, targets and check-ins."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.concurrency import version_claim
from accounts.inputs import LATEST_DATE
from accounts.models import Department, User
from accounts.services import notify
from coaching.models import (
    ActionItem,
    CalendarFeed,
    CoachingSession,
    ImprovementPlan,
    SessionObjective,
)
from coaching.selectors import plan_fingerprint_now, subject_q
from plans.models import (
    AppraisalCycle,
    CheckIn,
    Measure,
    Objective,
    ObjectiveChange,
    PerformancePlan,
    PhaseTarget,
)
from plans.months import months_between

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
    *, actor: User, cycle: AppraisalCycle, state: str, seen_state: str | None = None
) -> AppraisalCycle:
    """Move the cycle to ``state``; refused if it is no longer in the ``seen_state`` the
    person's page showed (a "Start" button on a stale page must not reopen a closed cycle)."""
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
    others = (
        Objective.objects.filter(
            cycle=objective.cycle,
            employee=objective.employee,
            department=objective.department,
        )
        .exclude(pk=objective.pk)
        .exclude(status=Objective.Status.DROPPED)
        .aggregate(total=Sum("weight"))["total"]
        or 0
    )
    if objective.status != Objective.Status.DROPPED and others + objective.weight > 100:
        raise ValidationError(
            {
                "weight": _(
                    "The other objectives already weigh %(others)d; this one can weigh at "
                    "most %(left)d so that the plan adds up to 100."
                )
                % {"others": others, "left": max(0, 100 - others)}
            }
        )


def _plan_changed(
    *,
    plan: PerformancePlan,
    objective: Objective,
    actor: User,
    changes: dict[str, Any],
    reason: str,
) -> None:
    """Keep a record of changes to an agreed plan; a half-confirmed plan is reopened."""
    if not changes:
        return
    if plan.is_agreed:
        ObjectiveChange.objects.create(
            objective=objective, changed_by=actor, reason=reason, changes=changes
        )
    elif plan.employee_confirmed_at or plan.manager_confirmed_at:
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


def _plain(value: object) -> object:
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


@transaction.atomic
def objective_create(
    *,
    actor: User,
    cycle: AppraisalCycle,
    employee: User | None = None,
    department: Department | None = None,
    reason: str = "",
    **fields: Any,
) -> Objective:
    objective = Objective(cycle=cycle, employee=employee, department=department, created_by=actor)
    for name in OBJECTIVE_FIELDS:
        if name in fields:
            setattr(objective, name, fields[name])
    objective.owner = employee or (department.head if department else None)
    plan = _lock_plan(objective)
    _check_weights(objective)
    objective.save()
    _plan_changed(
        plan=plan,
        objective=objective,
        actor=actor,
        changes={"created": [None, objective.title]},
        reason=reason,
    )
    return objective


@transaction.atomic
def objective_update(
    *, actor: User, objective: Objective, version: int | None, reason: str = "", **fields: Any
) -> Objective:
    """Change an objective; refused (``StaleEditError``) unless ``version`` is its stored
    version, so a form opened before someone else's save cannot undo it."""
    plan = _lock_plan(objective)
    version_claim(Objective, objective.pk, version)
    locked = Objective.objects.select_for_update().get(pk=objective.pk)
    changes: dict[str, Any] = {}
    for name in OBJECTIVE_FIELDS:
        if name in fields and getattr(locked, name) != fields[name]:
            changes[name] = [_plain(getattr(locked, name)), _plain(fields[name])]
            setattr(locked, name, fields[name])
    if not changes:
        return locked
    _check_weights(locked)
    locked.save()
    _plan_changed(plan=plan, objective=locked, actor=actor, changes=changes, reason=reason)
    objective_progress_refresh(objective_ids=[locked.pk])
    return locked


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
) -> None:
    """Replace the objective's targets with ``values`` (None removes a node's target).

    Refused (``StaleEditError``) unless ``version`` is the objective's stored version:
    the grid a person filled must be the one they saw.
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
                changes[f"target {month:%Y-%m}"] = [_plain(current.planned), None]
        elif current is None:
            to_create.append(PhaseTarget(objective=objective, month=month, planned=planned))
            changes[f"target {month:%Y-%m}"] = [None, _plain(planned)]
        elif current.planned != planned:
            changes[f"target {month:%Y-%m}"] = [_plain(current.planned), _plain(planned)]
            current.planned = planned
            to_update.append(current)
    PhaseTarget.objects.filter(pk__in=to_delete).delete()
    PhaseTarget.objects.bulk_create(to_create)
    PhaseTarget.objects.bulk_update(to_update, ["planned"])
    _plan_changed(plan=plan, objective=objective, actor=actor, changes=changes, reason=reason)
    objective_progress_refresh(objective_ids=[objective.pk])


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
    if total != 100:
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


# --- Coaching sessions -------------------------------------------------------


@dataclass
class ActionItemInput:
    item_id: int | None
    title: str
    owner: User
    due_date: dt.date | None
    delete: bool = False


SESSION_FIELDS = CoachingSession.EDITABLE_FIELDS


@transaction.atomic
def session_save(
    *,
    actor: User,
    session: CoachingSession | None = None,
    employee: User | None = None,
    department: Department | None = None,
    assessments: dict[int, str] | None = None,
    action_items: list[ActionItemInput] | None = None,
    version: int | None = None,
    **fields: Any,
) -> CoachingSession:
    """Create or update a session with its linked objectives and action items.

    An update is refused (``StaleEditError``) unless ``version`` is the session's
    stored version: a form opened in another tab must not undo a later save.
    """
    updated_fields: list[str] | None = None
    if session is not None:
        session.version = version_claim(CoachingSession, session.pk, version)
        # Only what the form edits: the acknowledgement may have come in meanwhile.
        updated_fields = [name for name in SESSION_FIELDS if name in fields]
        updated_fields += ["version", "updated_at"]
    if session is None:
        from coaching.selectors import coaching_type_suggest

        session = CoachingSession(coach=actor, employee=employee, department=department)
        if employee is not None:
            suggestion = coaching_type_suggest(employee=employee)
            session.suggested_type = suggestion.type
            session.suggestion_reason = suggestion.reason[:300]
    for name in SESSION_FIELDS:
        if name in fields:
            setattr(session, name, fields[name])
    session.save(update_fields=updated_fields)
    if assessments is not None:
        SessionObjective.objects.filter(session=session).exclude(
            objective_id__in=list(assessments)
        ).delete()
        for objective_id, assessment in assessments.items():
            SessionObjective.objects.update_or_create(
                session=session, objective_id=objective_id, defaults={"assessment": assessment}
            )
    if action_items is not None:
        existing = {item.pk: item for item in session.action_items.all()}
        for position, entry in enumerate(action_items):
            item = existing.get(entry.item_id or 0)
            if item is not None and entry.delete:
                item.delete()
            elif item is not None:
                item.title, item.owner, item.due_date = entry.title, entry.owner, entry.due_date
                item.position = position
                item.save(update_fields=["title", "owner", "due_date", "position"])
            elif not entry.delete and entry.title:
                ActionItem.objects.create(
                    session=session,
                    title=entry.title,
                    owner=entry.owner,
                    due_date=entry.due_date,
                    position=position,
                )
    return session


@transaction.atomic
def action_item_mark(*, actor: User, item: ActionItem, done: bool) -> tuple[ActionItem, bool]:
    """Mark the step done (or not done) and return it with whether anything changed.

    The button says which state it wants, so a button on a stale page does what it
    says: "Done" on a step ticked meanwhile leaves it done, by whoever ticked it.
    """
    locked = (
        ActionItem.objects.select_for_update(of=("self",)).select_related("done_by").get(pk=item.pk)
    )
    if locked.is_done == done:
        return locked, False
    if done:
        locked.done_at, locked.done_by = timezone.now(), actor
    else:
        locked.done_at, locked.done_by = None, None
    locked.save(update_fields=["done_at", "done_by"])
    return locked, True


@transaction.atomic
def session_acknowledge(*, actor: User, session: CoachingSession, comment: str) -> CoachingSession:
    updated = CoachingSession.objects.filter(pk=session.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=actor, coachee_comment=comment
    )
    session.refresh_from_db()
    if updated:
        notify(
            recipients=[session.coach],
            message=gettext_noop("%(actor)s acknowledged your coaching session of %(date)s."),
            url=session.get_absolute_url(),
            actor=actor.full_name,
            date=session.held_on.isoformat(),
        )
    return session


IMPROVEMENT_FIELDS = (
    "objective",
    "own_reasons",
    "outside_reasons",
    "measures",
    "support",
    "review_dates",
    "outcome",
    "outcome_note",
)


@transaction.atomic
def improvement_plan_save(
    *,
    actor: User,
    plan: ImprovementPlan | None = None,
    employee: User | None = None,
    version: int | None = None,
    **fields: Any,
) -> ImprovementPlan:
    """Open a plan for ``employee``, or change ``plan``; a change is refused
    (``StaleEditError``) unless ``version`` is the plan's stored version."""
    if plan is None:
        assert employee is not None  # noqa: S101
        plan = ImprovementPlan(employee=employee, opened_by=actor)
    else:
        plan.version = version_claim(ImprovementPlan, plan.pk, version)
    for name in IMPROVEMENT_FIELDS:
        if name in fields:
            setattr(plan, name, fields[name])
    if plan.outcome != ImprovementPlan.Outcome.OPEN and plan.closed_on is None:
        plan.closed_on = timezone.localdate()
    elif plan.outcome == ImprovementPlan.Outcome.OPEN:
        plan.closed_on = None
    plan.save()
    return plan


def calendar_feed_rotate(*, user: User) -> CalendarFeed:
    """A new private feed address; the old one stops working at once."""
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


def calendar_feed_ics(*, user: User) -> bytes:
    """The coach's planned sessions and follow-up dates as iCalendar (all-day events)."""
    from icalendar import Calendar

    today = timezone.localdate()
    calendar = Calendar()
    calendar.add("prodid", "-//Coaching Cycles//coaching//")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", str(_("Coaching")))
    # Days beyond the years people may enter (typed by hand before dates were checked)
    # are no plans: they stay out of the calendar.
    sessions = (
        CoachingSession.objects.filter(coach=user)
        .filter(
            models.Q(held_on__range=(today, LATEST_DATE))
            | models.Q(follow_up_on__range=(today, LATEST_DATE))
        )
        .select_related("employee", "department")
        .order_by("held_on")[:500]
    )
    for session in sessions:
        with translation.override(user.preferred_language):
            url = f"{settings.SITE_URL}{session.get_absolute_url()}"
            if today <= session.held_on <= LATEST_DATE:
                calendar.add_component(
                    _all_day_event(
                        uid=f"session-{session.pk}@coaching-cycles",
                        summary=_("Coaching: %(name)s") % {"name": session.coachee_name},
                        day=session.held_on,
                        url=url,
                    )
                )
            if session.follow_up_on and today <= session.follow_up_on <= LATEST_DATE:
                calendar.add_component(
                    _all_day_event(
                        uid=f"follow-up-{session.pk}@coaching-cycles",
                        summary=_("Follow up: %(name)s") % {"name": session.coachee_name},
                        day=session.follow_up_on,
                        url=url,
                    )
                )
    return bytes(calendar.to_ical())


def _all_day_event(*, uid: str, summary: str, day: dt.date, url: str) -> Any:
    """One all-day event; any stored date works, the last day of the calendar too."""
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", day)
    # Without DTEND an all-day event lasts one day (RFC 5545, 3.6.1); the day after
    # 9999-12-31 cannot be written.
    if day < dt.date.max:
        event.add("dtend", day + dt.timedelta(days=1))
    event.add("url", url)
    return event


def objective_progress_refresh(
    *, objective_ids: list[int] | None = None, today: dt.date | None = None
) -> int:
    """Store each objective's state against today's plan; returns how many changed.

    Called after every check-in or plan change (for those objectives) and daily
    for every objective of the active cycles, since the plan moves with time.
    """
    from coaching.selectors import objective_progress, with_progress

    today = today or timezone.localdate()
    objectives = Objective.objects.filter(cycle__state=AppraisalCycle.State.ACTIVE)
    if objective_ids is not None:
        objectives = Objective.objects.filter(pk__in=objective_ids)
    annotated = with_progress(objectives.select_related("cycle"), today=today).order_by("pk")
    changed: list[Objective] = []
    total = 0
    fields = ["progress_state", "progress_share", "progress_as_of"]
    for objective in annotated.iterator(chunk_size=2000):
        progress = objective_progress(objective, today=today)
        stored = (str(progress.state), progress.share, today)
        if (objective.progress_state, objective.progress_share, objective.progress_as_of) != stored:
            objective.progress_state, objective.progress_share, objective.progress_as_of = stored
            changed.append(objective)
        if len(changed) >= 2000:
            Objective.objects.bulk_update(changed, fields)
            total += len(changed)
            changed = []
    Objective.objects.bulk_update(changed, fields)
    return total + len(changed)
