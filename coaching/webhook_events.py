"""The webhook events of coaching (issue 19 §2): a session shared, an action item overdue,
an improvement plan opened.

HR reads a session's metadata only (unless the coach shares its content), so a
delivery says who coached whom, when, what type and how long — never a word of
the session, its private note or its action items' text; an action item is its
owner, due date and link; an improvement plan its subject, who opened it and when.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from accounts.integration_models import WebhookEvent
from accounts.models import Department, User
from accounts.texts import day_param
from accounts.webhook_events import WebhookCall
from coaching.models import ActionItem, CoachingSession, ImprovementPlan

SESSION_SHARED = gettext_noop("%(coach)s recorded a coaching session with %(coachee)s on %(date)s.")
ACTION_ITEM_OVERDUE = gettext_noop("An action item of %(owner)s is overdue: it was due on %(due)s.")
PLAN_OPENED = gettext_noop("%(actor)s opened an improvement plan for %(subject)s.")


def _person(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "name": user.full_name}


def _subject(employee: User | None, department: Department | None) -> dict[str, Any]:
    if employee is not None:
        return {"type": "person", "id": employee.pk, "name": employee.full_name}
    assert department is not None  # noqa: S101 - a check constraint
    return {"type": "department", "id": department.pk, "name": str(department)}


def session_shared_webhook(session: CoachingSession) -> WebhookCall:
    """A new session, as its coachee now sees it: metadata only."""
    coachee = session.employee.full_name if session.employee else str(session.department)
    return WebhookCall(
        event=WebhookEvent.SESSION_SHARED,
        data=lambda: {
            "coaching_session": {
                "id": session.pk,
                "coach": _person(session.coach),
                "coachee": _subject(session.employee, session.department),
                "held_on": session.held_on.isoformat(),
                "type": session.type,
                "duration_minutes": session.duration_minutes,
            }
        },
        text=SESSION_SHARED,
        params={
            "coach": session.coach.full_name,
            "coachee": coachee,
            "date": day_param(session.held_on),
        },
        url=session.get_absolute_url(),
    )


def action_item_overdue_webhook(item: ActionItem) -> WebhookCall:
    """An action item past its due date: its owner, due date and session, not its text."""
    return WebhookCall(
        event=WebhookEvent.ACTION_ITEM_OVERDUE,
        data=lambda: {
            "action_item": {
                "id": item.pk,
                "owner": _person(item.owner),
                "due_date": item.due_date.isoformat() if item.due_date else None,
                "coaching_session_id": item.session_id,
            }
        },
        text=ACTION_ITEM_OVERDUE,
        params={
            "owner": item.owner.full_name,
            "due": day_param(item.due_date) if item.due_date else "",
        },
        url=item.session.get_absolute_url(),
    )


def plan_opened_webhook(plan: ImprovementPlan, *, actor: User) -> WebhookCall:
    """A new improvement plan: whose, who opened it, when; none of its text."""
    return WebhookCall(
        event=WebhookEvent.IMPROVEMENT_PLAN_OPENED,
        data=lambda: {
            "improvement_plan": {
                "id": plan.pk,
                "subject": _subject(plan.employee, plan.department),
                "opened_by": _person(actor),
                "opened_on": plan.opened_on.isoformat(),
                "objective_id": plan.objective_id,
            }
        },
        text=PLAN_OPENED,
        params={"actor": actor.full_name, "subject": plan.subject_name},
        url=plan.get_absolute_url(),
    )
