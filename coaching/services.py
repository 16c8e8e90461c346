"""Writes to coaching sessions, action items, improvement plans and calendar feeds."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from icalendar import Calendar, Event

from accounts.concurrency import version_claim
from accounts.inputs import LATEST_DATE
from accounts.models import Department, User
from accounts.services import notify
from accounts.texts import day_param
from coaching.models import (
    SUPPORT_FIELDS,
    ActionItem,
    CalendarFeed,
    CoachingSession,
    ImprovementPlan,
    SessionObjective,
    SupportKind,
)
from coaching.selectors import coaching_type_suggest
from coaching.webhook_events import plan_opened_webhook, session_shared_webhook


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
    support_promised: dict[str, dt.date | None] | None = None,
    version: int | None = None,
    **fields: Any,
) -> CoachingSession:
    """Create or update a session with its linked objectives and action items.

    ``support_promised`` names the kinds of support (``SupportKind``) the coach promised,
    each with its follow-up date: each becomes one action item of the coach's, kept in
    step on every save (a kind no longer promised loses its item unless it is done).

    An update is refused (``StaleEditError``) unless ``version`` is the session's
    stored version: a form opened in another tab must not undo a later save.
    """
    updated_fields: list[str] | None = None
    created = session is None
    if session is not None:
        session.version = version_claim(CoachingSession, session.pk, version)
        # Only what the form edits: the acknowledgement may have come in meanwhile.
        updated_fields = [name for name in SESSION_FIELDS if name in fields]
        updated_fields += ["version", "updated_at"]
    if session is None:
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
        # The steps only: the items following up promised support are kept below.
        existing = {item.pk: item for item in session.action_items.filter(support_kind="")}
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
    if support_promised is not None:
        _support_promises_keep(session=session, promised=support_promised)
    if created:
        # The coachee sees it from now on; the endpoints hear of it (metadata only).
        session_shared_webhook(session).emit()
    return session


# After the steps (at most 30) in the session's list of action items.
SUPPORT_POSITION = 100


def _support_promises_keep(
    *, session: CoachingSession, promised: dict[str, dt.date | None]
) -> None:
    """One action item of the coach's per kind of support promised, none for the others
    (a done one stays: it is the record that the promise was kept)."""
    session.action_items.filter(support_kind__in=SupportKind.values, done_at__isnull=True).exclude(
        support_kind__in=list(promised)
    ).delete()
    for position, kind in enumerate(SupportKind.values, start=SUPPORT_POSITION):
        if kind not in promised:
            continue
        text = " ".join(str(getattr(session, SUPPORT_FIELDS[kind])).split())
        title = _("Support promised — %(kind)s: %(what)s") % {
            "kind": SupportKind(kind).label,
            "what": text,
        }
        ActionItem.objects.update_or_create(
            session=session,
            support_kind=kind,
            defaults={
                "title": title[:300],
                "owner": session.coach,
                "due_date": promised[kind],
                "position": position,
            },
        )


@transaction.atomic
def action_item_mark(*, actor: User, item: ActionItem, done: bool) -> tuple[ActionItem, bool]:
    """Mark the step done (or not done) and return it with whether anything changed.

    The button says which state it wants, so a button on a stale page does what it
    says: "Done" on a step ticked meanwhile leaves it done, by whoever ticked it.
    """
    locked = (
        ActionItem.objects.select_for_update(of=("self",)).select_related("done_by").get(pk=item.pk)
    )
    if locked.is_done == done or locked.is_withdrawn:
        # A withdrawn step (its owner left) stays closed.
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
            date=day_param(session.held_on),
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
    department: Department | None = None,
    version: int | None = None,
    **fields: Any,
) -> ImprovementPlan:
    """Open a plan for ``employee`` or ``department``, or change ``plan``; a change is
    refused (``StaleEditError``) unless ``version`` is the plan's stored version."""
    opening = plan is None
    if plan is None:
        assert (employee is None) != (department is None)  # noqa: S101
        plan = ImprovementPlan(employee=employee, department=department, opened_by=actor)
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
    if opening:
        plan_opened_webhook(plan, actor=actor).emit()
    return plan


def calendar_feed_rotate(*, user: User) -> CalendarFeed:
    """A new private feed address; the old one stops working at once."""
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


def calendar_feed_ics(*, user: User) -> bytes:
    """The coach's planned sessions, follow-up dates and improvement plan reviews (the
    coach's, and the person's own) as iCalendar (all-day events)."""
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
    for plan in _plans_in_calendar_of(user):
        with translation.override(user.preferred_language):
            summary = _("Improvement plan review: %(name)s") % {"name": plan.subject_name}
            for day in plan.review_days:
                if day >= today:
                    calendar.add_component(
                        _all_day_event(
                            uid=f"plan-review-{plan.pk}-{day:%Y%m%d}@coaching-cycles",
                            summary=summary,
                            day=day,
                            url=f"{settings.SITE_URL}{plan.get_absolute_url()}",
                        )
                    )
    return bytes(calendar.to_ical())


def _plans_in_calendar_of(user: User) -> list[ImprovementPlan]:
    """Open plans whose reviews ``user`` holds (as the coach) or attends (as the employee)."""
    plans = (
        ImprovementPlan.objects.filter(outcome=ImprovementPlan.Outcome.OPEN)
        .filter(
            models.Q(employee=user)
            | models.Q(employee__manager=user)
            | models.Q(department__parent__head=user)
            | models.Q(opened_by=user)
        )
        .select_related("employee__manager", "department__parent__head", "opened_by")
        .order_by("pk")[:500]
    )
    return [
        plan
        for plan in plans
        if plan.employee_id == user.pk or (plan.coach is not None and plan.coach.pk == user.pk)
    ]


def _all_day_event(*, uid: str, summary: str, day: dt.date, url: str) -> Any:
    """One all-day event; any stored date works, the last day of the calendar too."""
    event = Event()
    event.add("uid", uid)
    # Required in every event (RFC 5545, 3.6.1); some calendars refuse events without it.
    event.add("dtstamp", timezone.now())
    event.add("summary", summary)
    event.add("dtstart", day)
    # Without DTEND an all-day event lasts one day (RFC 5545, 3.6.1); the day after
    # 9999-12-31 cannot be written.
    if day < dt.date.max:
        event.add("dtend", day + dt.timedelta(days=1))
    event.add("url", url)
    return event
