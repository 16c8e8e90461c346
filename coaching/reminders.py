"""What coaching reminds people of: action items due, follow-ups, people nobody coaches,
improvement plans' review dates and outcomes.

Each function yields ``Reminder``s; ``accounts.notifications.reminders_send``
records and sends them, each once ever. The reminders job of ``reviews`` runs
them with its own (the highest app it touches orchestrates).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import (
    Case,
    CharField,
    F,
    Func,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_noop, ngettext_lazy

from accounts.models import User
from accounts.notifications import Reminder, unsent
from accounts.texts import day_param, month_param
from coaching.checkpoints import open_checkpoints
from coaching.models import ActionItem, CoachingSession, ImprovementPlan
from coaching.permissions import sessions_of_closed_cycles
from coaching.selectors import held_by
from coaching.webhook_events import action_item_overdue_webhook
from plans.early_warnings import COACH_RELATED, coach_of
from plans.models import AppraisalCycle

# From a person to the sessions they received: only held ones say when they were coached.
SESSIONS = "sessions_received__"
# Each source's rows carry their reminder's key as ``reminder_key`` (``unsent``).
KEY = "reminder_key"
_PK_TEXT = Cast("pk", CharField())


def action_item_reminders(today: dt.date) -> Iterator[Reminder]:
    """Open action items due by tomorrow: due soon, or overdue, to their owner."""
    # Nothing about a person who has left (issue 15, section 3): neither the items they
    # owned nor those of their sessions; off-boarding closes or hands them over.
    items = (
        ActionItem.objects.filter(
            done_at__isnull=True,
            due_date__isnull=False,
            due_date__lte=today + dt.timedelta(days=1),
            owner__is_active=True,
        )
        .exclude(session__employee__is_active=False)
        .exclude(session__in=sessions_of_closed_cycles())  # issue 15 §4
        # Only those not yet sent: a re-run builds nothing (issue 21 §5).
        .alias(reminder_key=_PK_TEXT)
        .filter(
            Q(unsent("action_overdue", recipient="owner_id", key=KEY), due_date__lt=today)
            | Q(unsent("action_due", recipient="owner_id", key=KEY), due_date__gte=today)
        )
        .select_related("owner", "session")
    )
    for item in items:
        params = {"item": item.title, "due": day_param(item.due_date) if item.due_date else ""}
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
                webhook=action_item_overdue_webhook(item),
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
    """Sessions whose follow-up date is today, to their coach.

    None about a coachee who has left, nor about a closed cycle (its objectives'
    sessions and improvement plans, issue 15 §4); a coach who has left is stood
    in for by the next active person up their line (``reminders_send``).
    """
    sessions = (
        CoachingSession.objects.filter(follow_up_on=today)
        .exclude(employee__is_active=False)
        .exclude(pk__in=sessions_of_closed_cycles())
        .alias(reminder_key=_PK_TEXT)
        .filter(unsent("follow_up", recipient="coach_id", key=KEY))
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
            stand_in_subject=gettext_noop("%(absent)s planned a follow-up today with %(name)s."),
        )


def not_coached(people: QuerySet[User], *, today: dt.date, days: int) -> QuerySet[User]:
    """Those of ``people`` with no session held in the ``days`` days up to ``today``."""
    cutoff = today - dt.timedelta(days=days)
    return people.annotate(
        last=Max("sessions_received__held_on", filter=held_by(today, via=SESSIONS))
    ).filter(Q(last__lt=cutoff) | Q(last__isnull=True))


def not_coached_reminders(today: dt.date, *, days: int) -> Iterator[Reminder]:
    """To each manager, once per ``days``-day window: reports nobody coached for ``days`` days.

    Never about someone who has left; a manager who has left is stood in for by
    the next active person up their line (``reminders_send``), who now has to see
    that the person is coached.
    """
    window = str(today.toordinal() // days)
    people = (
        not_coached(
            User.objects.filter(is_active=True, manager__isnull=False),
            today=today,
            days=days,
        )
        .alias(reminder_key=Concat(_PK_TEXT, Value(f":{window}"), output_field=CharField()))
        .filter(unsent("not_coached", recipient="manager_id", key=KEY))
        .select_related("manager")
    )
    for person in people:
        assert person.manager is not None  # noqa: S101 - filtered above
        yield Reminder(
            "not_coached",
            person.manager,
            f"{person.pk}:{window}",
            ngettext_lazy(
                "Nobody has coached %(name)s for %(days)s day.",
                "Nobody has coached %(name)s for %(days)s days.",
                "days",
            ),
            [gettext_noop("A one-minute note counts: log one from the coaching overview.")],
            f"/coaching/people/{person.pk}/timeline/",
            {"name": person.full_name, "days": days},
        )


def _plans_followed_up() -> QuerySet[ImprovementPlan]:
    """Open plans still followed up: none about someone who has left, nor of a closed
    cycle (issue 15 §4)."""
    return (
        ImprovementPlan.objects.filter(outcome=ImprovementPlan.Outcome.OPEN)
        .exclude(employee__is_active=False)
        .exclude(objective__cycle__state=AppraisalCycle.State.CLOSED)
        .select_related("employee__manager", "department__parent__head", "opened_by")
    )


def improvement_plan_reminders(today: dt.date) -> Iterator[Reminder]:
    """To each open plan's coach: a review date the day before and on the day, and,
    once its last review date has passed without an outcome, a request for one.

    Keyed by plan and date, so each is sent once, and a plan given a new review date
    asks again when that one passes. A coach who has left is stood in for by the next
    active person up their line (``reminders_send``).
    """
    tomorrow = today + dt.timedelta(days=1)
    for plan in _plans_followed_up():
        coach = plan.coach
        days = plan.review_days
        if coach is None or not days:
            continue
        url = plan.get_absolute_url()
        params = {"name": plan.subject_name}
        if tomorrow in days:
            yield Reminder(
                "plan_review_soon",
                coach,
                f"{plan.pk}:{tomorrow.isoformat()}",
                gettext_noop("Improvement plan review tomorrow (%(day)s): %(name)s."),
                [gettext_noop("Look at the measures and the support agreed before you meet.")],
                url,
                {**params, "day": day_param(tomorrow)},
            )
        if today in days:
            yield Reminder(
                "plan_review_today",
                coach,
                f"{plan.pk}:{today.isoformat()}",
                gettext_noop("Improvement plan review today: %(name)s."),
                [gettext_noop("Log the review as a coaching session for the plan.")],
                url,
                params,
            )
        if days[-1] < today:
            yield Reminder(
                "plan_outcome_due",
                coach,
                f"{plan.pk}:{days[-1].isoformat()}",
                gettext_noop("The improvement plan for %(name)s needs its outcome."),
                [
                    gettext_noop(
                        "Its last review date (%(day)s) has passed: record whether it "
                        "improved, or add a review date."
                    )
                ],
                url,
                {**params, "day": day_param(days[-1])},
            )


CHECKPOINT_REMINDER_DAYS = 7


def checkpoint_reminders(today: dt.date) -> Iterator[Reminder]:
    """To each open checkpoint's coach, once a week after it opened, until it is answered.

    Keyed by checkpoint and week (the first a week after opening), so each weekly
    reminder is recorded and sent once; the coach was told in-app when it opened.
    A coach who has left is stood in for by the next active person up their line.
    """
    cutoff = today - dt.timedelta(days=CHECKPOINT_REMINDER_DAYS)
    # The key's week and the coach (``coach_of``) in SQL, so only those not yet sent load.
    weeks_open = Func(
        Value(today),
        F("opened_on"),
        arg_joiner=" - ",
        template="((%(expressions)s) / 7)",
        output_field=IntegerField(),
    )
    checkpoints = (
        open_checkpoints()
        .filter(opened_on__lte=cutoff)
        .alias(
            reminder_key=Concat(
                _PK_TEXT, Value(":w"), Cast(weeks_open, CharField()), output_field=CharField()
            ),
            coach_id=Case(
                When(objective__employee__isnull=False, then=F("objective__employee__manager")),
                default=F("objective__department__parent__head"),
            ),
        )
        .filter(unsent("checkpoint_open", recipient="coach_id", key=KEY))
        .select_related(*(f"objective__{path}" for path in COACH_RELATED))
    )
    for checkpoint in checkpoints:
        objective = checkpoint.objective
        coach = coach_of(objective)
        if coach is None:
            continue
        week = (today - checkpoint.opened_on).days // CHECKPOINT_REMINDER_DAYS
        yield Reminder(
            "checkpoint_open",
            coach,
            f"{checkpoint.pk}:w{week}",
            gettext_noop("Checkpoint still to talk through: “%(objective)s” (%(subject)s)."),
            [
                gettext_noop(
                    "The phase target of %(node)s was missed. Talk with them, record their "
                    "own and the outside reasons, and decide: adjust the plan, give support, "
                    "or open an improvement plan."
                )
            ],
            checkpoint.get_absolute_url(),
            {
                "objective": objective.title,
                "subject": str(objective.subject),
                "node": month_param(checkpoint.month),
            },
        )
