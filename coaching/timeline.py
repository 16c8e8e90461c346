"""The reads of a person's timeline (``coaching.views.overview.person_timeline``).

The timeline shows everything of one person; each list is read narrowly, for what the
page shows. Whoever sees the whole record of the person (themselves, a manager above
them now, HR) sees every session, improvement plan and check-in of theirs, so those
lists are the person's own, filtered by them alone, rather than through the general
visibility rules (``sessions_visible_to`` and the like give the same rows for them,
through a filter on the whole reporting chain). A former line manager's lists go
through the rules as before. The page's sessions and check-ins also give its coaching
trajectory its counts (``coaching.trajectory.Counted``) when they reach back far
enough: not read twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from accounts.models import User
from accounts.selectors import is_manager_of, user_roles
from coaching.facts import FACT_FIELDS, PerformanceFact, facts_visible_to
from coaching.models import ActionItem, CoachingSession, ImprovementPlan
from coaching.permissions import improvement_plans_visible_to, sessions_visible_to
from coaching.trajectory import LEVEL, Counted
from plans.models import CheckIn
from plans.months import month_start
from plans.selectors import checkins_of_person

LIMIT = 100
Key = tuple[int, dt.date]  # (person, month)
PLANS_LIMIT = 50
# What the timeline shows of a session and decides its reading with
# (``coaching.permissions.can_read_session_content``).
SESSION_FIELDS = (
    "held_on",
    "type",
    "duration_minutes",
    "note",
    "question_answers",
    "coach_id",
    "coach__full_name",
    "employee_id",
    "department_id",
    "line_manager_id",
    "shared_with_hr",
)

# What the timeline shows of a check-in, and counts for the trajectory.
CHECKIN_FIELDS = (
    "value",
    "confidence",
    "recorded_on",
    "objective__title",
    "objective__measure",
    "objective__unit",
    "objective__employee_id",
)

# What the timeline shows of an action item (its state, owner and day), of an improvement
# plan (its link, objective, outcome and review days) and of a performance fact
# (``coaching/_fact.html``, and its author for the edit link): the owners, objectives
# and authors are read for their names and titles only.
ACTION_ITEM_FIELDS = (
    "session_id",
    "title",
    "due_date",
    "done_at",
    "withdrawn_at",
    "owner",
    "owner__full_name",
)
PLAN_FIELDS = ("opened_on", "outcome", "review_dates", "objective", "objective__title")


def reads_whole_record(user: User, person: User) -> bool:
    """Does ``user`` see every session, improvement plan and check-in of ``person``:
    themselves, a manager above them now, or HR (no query past the request's first)."""
    return person.pk == user.pk or is_manager_of(user, person) or user_roles(user).is_hr


def timeline_sessions(*, user: User, person: User, whole: bool) -> list[CoachingSession]:
    """The sessions with ``person`` that ``user`` sees, newest first (``LIMIT``), with
    their coaches; ``whole``: ``reads_whole_record``."""
    sessions = (
        CoachingSession.objects.all() if whole else sessions_visible_to(user).select_related(None)
    )
    return list(
        sessions.filter(employee=person)
        .select_related("coach")
        .only(*SESSION_FIELDS)
        .order_by("-held_on", "-created_at")[:LIMIT]
    )


def timeline_checkins(*, user: User, person: User, whole: bool) -> list[CheckIn]:
    """The check-ins on ``person``'s objectives that ``user`` sees, newest first
    (``LIMIT``), with their objectives (``plans.selectors.checkins_of_person``)."""
    if not whole:
        return checkins_of_person(user=user, employee=person, limit=LIMIT)
    return list(
        CheckIn.objects.filter(objective__employee=person)
        .select_related("objective")
        .only(*CHECKIN_FIELDS)
        .order_by("-recorded_on", "-created_at")[:LIMIT]
    )


def timeline_action_items(
    *, sessions: list[CoachingSession], readable: set[int]
) -> list[ActionItem]:
    """The steps agreed in the ``readable`` sessions (of ``sessions``), latest due date
    first (``LIMIT``), with their owners; each with its session from ``sessions``."""
    by_pk = {session.pk: session for session in sessions}
    items = list(
        ActionItem.objects.filter(session_id__in=readable)
        .select_related("owner")
        .only(*ACTION_ITEM_FIELDS)
        .order_by("-due_date")[:LIMIT]
    )
    for item in items:
        item.session = by_pk[item.session_id]
    return items


def timeline_plans(*, user: User, person: User, whole: bool) -> list[ImprovementPlan]:
    """The improvement plans about ``person`` that ``user`` sees, newest first, with
    their objectives."""
    plans = (
        ImprovementPlan.objects.all()
        if whole
        else improvement_plans_visible_to(user).select_related(None)
    )
    return list(
        plans.filter(employee=person)
        .select_related("objective")
        .only(*PLAN_FIELDS)
        .order_by("-opened_on", "-pk")[:PLANS_LIMIT]
    )


def timeline_facts(*, user: User, person: User) -> list[PerformanceFact]:
    """The performance facts about ``person`` that ``user`` reads
    (``coaching.facts.facts_visible_to``), newest first, with what the timeline shows of
    them (``FACT_FIELDS``)."""
    return list(facts_visible_to(user, person).only(*FACT_FIELDS))


def _reaches(rows: list[Any], first: dt.date, day: str) -> bool:
    """Do ``rows`` (newest first, at most ``LIMIT``) hold every row from ``first`` on?"""
    return len(rows) < LIMIT or getattr(rows[-1], day) < first


def counted_from(*, sessions: list[CoachingSession], checkins: list[CheckIn]) -> Counted:
    """The trajectory's counts from the timeline's own rows (``trajectories_of``), each
    only for a period they reach back to the start of."""

    def session_counts(first: dt.date, last: dt.date) -> dict[Key, dict[str, int]] | None:
        if not _reaches(sessions, first, "held_on"):
            return None
        counts: dict[Key, dict[str, int]] = defaultdict(dict)
        for session in sessions:
            if first <= session.held_on <= last and session.type in LEVEL:
                kinds = counts[(session.employee_id or 0, month_start(session.held_on))]
                kinds[session.type] = kinds.get(session.type, 0) + 1
        return counts

    def confidence(first: dt.date, last: dt.date) -> dict[Key, dict[str, Any]] | None:
        if not _reaches(checkins, first, "recorded_on"):
            return None
        sums: dict[Key, list[int]] = {}
        for checkin in checkins:
            if first <= checkin.recorded_on <= last:
                key = (checkin.objective.employee_id or 0, month_start(checkin.recorded_on))
                total = sums.setdefault(key, [0, 0])
                total[0] += checkin.confidence
                total[1] += 1
        # As the database's AVG: a decimal, here exact, rounded to one place by the caller.
        return {
            key: {"mean": Decimal(total) / Decimal(n), "n": n} for key, (total, n) in sums.items()
        }

    return Counted(sessions=session_counts, confidence=confidence)
