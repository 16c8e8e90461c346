"""What coaching reminds people of: action items due, follow-ups, people nobody coaches.

Each function yields ``Reminder``s; ``accounts.notifications.reminders_send``
records and sends them, each once ever. The reminders job of ``reviews`` runs
them with its own (the highest app it touches orchestrates).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.notifications import Reminder
from coaching.models import ActionItem, CoachingSession
from coaching.permissions import sessions_of_closed_cycles
from coaching.selectors import held_by

# From a person to the sessions they received: only held ones say when they were coached.
SESSIONS = "sessions_received__"


def action_item_reminders(today: dt.date) -> Iterator[Reminder]:
    """Open action items due by tomorrow: due soon, or overdue, to their owner."""
    items = (
        ActionItem.objects.filter(
            done_at__isnull=True,
            due_date__isnull=False,
            due_date__lte=today + dt.timedelta(days=1),
        )
        .exclude(session__in=sessions_of_closed_cycles())  # issue 15 §4
        .select_related("owner", "session")
    )
    for item in items:
        params = {"item": item.title, "due": item.due_date.isoformat() if item.due_date else ""}
        url = item.session.get_absolute_url()
        if item.due_date and item.due_date < today:
            yield Reminder(
                "action_overdue",
                item.owner,
                str(item.pk),
                gettext_noop("Action item overdue: %(item)s (due %(due)s)."),
                [gettext_noop("Tick it off when it is done, or agree a new date.")],
                url,
                params,
            )
        else:
            yield Reminder(
                "action_due",
                item.owner,
                str(item.pk),
                gettext_noop("Action item due %(due)s: %(item)s."),
                [gettext_noop("Tick it off when it is done.")],
                url,
                params,
            )


def follow_up_reminders(today: dt.date) -> Iterator[Reminder]:
    """Sessions whose follow-up date is today, to their coach; none about a closed cycle
    (its objectives' sessions and improvement plans, issue 15 §4)."""
    sessions = (
        CoachingSession.objects.filter(follow_up_on=today)
        .exclude(pk__in=sessions_of_closed_cycles())
        .select_related("coach", "employee", "department")
    )
    for session in sessions:
        yield Reminder(
            "follow_up",
            session.coach,
            str(session.pk),
            gettext_noop("Follow up today with %(name)s."),
            [gettext_noop("You planned this follow-up in a coaching session.")],
            session.get_absolute_url(),
            {"name": session.coachee_name},
        )


def not_coached(people: QuerySet[User], *, today: dt.date, days: int) -> QuerySet[User]:
    """Those of ``people`` with no session held in the ``days`` days up to ``today``."""
    cutoff = today - dt.timedelta(days=days)
    return people.annotate(
        last=Max("sessions_received__held_on", filter=held_by(today, via=SESSIONS))
    ).filter(Q(last__lt=cutoff) | Q(last__isnull=True))


def not_coached_reminders(today: dt.date, *, days: int) -> Iterator[Reminder]:
    """To each manager, once per ``days``-day window: reports nobody coached for ``days`` days."""
    window = str(today.toordinal() // days)
    people = not_coached(
        User.objects.filter(is_active=True, manager__isnull=False, manager__is_active=True),
        today=today,
        days=days,
    ).select_related("manager")
    for person in people:
        assert person.manager is not None  # noqa: S101 - filtered above
        yield Reminder(
            "not_coached",
            person.manager,
            f"{person.pk}:{window}",
            gettext_noop("Nobody has coached %(name)s for %(days)s days."),
            [gettext_noop("A one-minute note counts: log one from the coaching overview.")],
            f"/coaching/people/{person.pk}/timeline/",
            {"name": person.full_name, "days": days},
        )
