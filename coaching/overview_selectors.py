"""The reads of the coaching overview (``coaching.views.overview.coaching_overview``).

The overview pages a manager's reports, longest waiting first, in the database
(``overview_people``), then reads the rest of each row for the page shown
(``overview_details``). The rows' figures are one statement written out rather than
built through the ORM: its five correlated subqueries cost the ORM more to build and
compile on every request (several milliseconds) than the database takes to answer them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import F, Max, Q, QuerySet

from accounts.models import User
from accounts.selectors import reports_of
from coaching.models import ActionItem, CoachingSession
from coaching.selectors import held_by
from coaching.trajectory import stuck_people

# What a row of the overview shows of the person (``coaching_rows.overview_row``).
PERSON_FIELDS = ("pk", "full_name", "job_title", "is_active")


def _overview_sessions(*, coaching_type: str, since: dt.date | None, today: dt.date, via: str) -> Q:
    """The sessions the overview counts: held by ``today``, of ``coaching_type`` (any if
    empty), held ``since``; ``via`` is the path to the session."""
    held = held_by(today, via=via)
    if coaching_type:
        held &= Q(**{f"{via}type": coaching_type})
    if since:
        held &= Q(**{f"{via}held_on__gte": since})
    return held


def overview_people(
    *,
    user: User,
    indirect: bool,
    coaching_type: str,
    since: dt.date | None,
    today: dt.date,
    stuck: bool = False,
) -> QuerySet[User]:
    """``user``'s active reports (only those stuck needing instruction with ``stuck``:
    ``coaching.trajectory.stuck_people``), each with the last session held
    (``last_held_on``) among sessions of ``coaching_type`` (any if empty) held ``since``.
    Only the fields a row shows are read (``PERSON_FIELDS``).

    Whoever has waited longest (or was never coached) comes first: ordered in the
    database, so a director's whole chain is paged there. The last session is one
    grouped join of the sessions (hashed once), not a subquery per person; the rest of
    a row comes from ``overview_details`` for the page shown.
    """
    # Lean rows (no joined department or manager): grouped by the person's key alone,
    # in key order, merged with the sessions' index without a sort.
    people = (
        reports_of(user, indirect=indirect)
        .select_related(None)
        .only(*PERSON_FIELDS)
        .filter(is_active=True)
    )
    if stuck:
        people = stuck_people(people, today=today)
    held = _overview_sessions(
        coaching_type=coaching_type, since=since, today=today, via="sessions_received__"
    )
    return people.annotate(
        last_held_on=Max("sessions_received__held_on", filter=held),
    ).order_by(F("last_held_on").asc(nulls_first=True), "full_name", "pk")


def _details_sql(people: int, *, of_type: bool, since: bool) -> str:
    """The statement of ``overview_details`` for ``people`` ids; its parameters, in order:
    the sessions counted (today, the type with ``of_type``, the first day with ``since``)
    twice, today twice, then the ids."""
    quote = connection.ops.quote_name
    users = quote(User._meta.db_table)
    sessions = quote(CoachingSession._meta.db_table)
    items = quote(ActionItem._meta.db_table)
    held = "s.employee_id = p.id AND s.held_on <= %s"
    if of_type:
        held += " AND s.type = %s"
    if since:
        held += " AND s.held_on >= %s"
    open_items = (
        f"SELECT COUNT(*) FROM {items} a INNER JOIN {sessions} s ON a.session_id = s.id"  # noqa: S608
        " WHERE s.employee_id = p.id AND a.done_at IS NULL"
    )
    ids = ", ".join(["%s"] * people)
    return (
        f"SELECT p.id,"  # noqa: S608 - names from the models; every value a parameter
        f" (SELECT s.type FROM {sessions} s WHERE {held}"
        " ORDER BY s.held_on DESC, s.created_at DESC LIMIT 1),"
        f" (SELECT COUNT(*) FROM {sessions} s WHERE {held}),"
        f" (SELECT s.held_on FROM {sessions} s WHERE s.employee_id = p.id AND s.held_on > %s"
        " ORDER BY s.held_on LIMIT 1),"
        f" ({open_items}),"
        f" ({open_items} AND a.due_date < %s)"
        f" FROM {users} p WHERE p.id IN ({ids})"
    )


def _date(value: Any) -> dt.date | None:
    """A date column read by a raw statement: SQLite (the demo) gives its text."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def overview_details(
    *,
    employee_ids: list[int],
    coaching_type: str,
    since: dt.date | None,
    today: dt.date,
) -> dict[int, dict[str, Any]]:
    """The overview's page of people, by id: the last session's type (``last_type``,
    None without one), the count of sessions held (``sessions``), among those
    ``overview_people`` counts, the next one planned (``next_planned``, a date or None),
    and the action items of their sessions still open (``open_items``), how many of
    them overdue (``overdue_items``). One query of plain values, whatever the page: the
    people themselves are ``overview_people``'s rows."""
    if not employee_ids:
        return {}
    held: list[Any] = [today]
    if coaching_type:
        held.append(coaching_type)
    if since:
        held.append(since)
    sql = _details_sql(len(employee_ids), of_type=bool(coaching_type), since=bool(since))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*held, *held, today, today, *employee_ids])
        rows = cursor.fetchall()
    return {
        pk: {
            "pk": pk,
            "last_type": last_type,
            "sessions": sessions,
            "next_planned": _date(next_planned),
            "open_items": open_items,
            "overdue_items": overdue_items,
        }
        for pk, last_type, sessions, next_planned, open_items, overdue_items in rows
    }
