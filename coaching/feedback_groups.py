"""Who is invited into which group when an upward feedback round opens (issue 18 §2).

A group is a manager's *settled* team, never one reshaped for the occasion: a person
is invited into a manager's group only if the assignment history
(``accounts.models.Assignment``) shows them reporting to that manager without a break
for at least ``SETTLED_DAYS`` days when the round opens, and they joined at least as
long ago. Someone moved under a manager last week — by an import, the admin site or
the app — is in nobody's group this round; so is a newcomer. Changes of department
under the same manager do not break the run.

Both the person and the manager must be active when the round opens.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from accounts.models import Assignment, User

# A person is asked about a manager only after reporting to them this many days.
SETTLED_DAYS = 30


def settled_reports(*, on: dt.datetime) -> list[tuple[int, int]]:
    """(person, manager) of every active person who has reported to the same active
    manager continuously since ``SETTLED_DAYS`` days before ``on``, and joined before
    then. Two queries whatever the number of people."""
    since = on - dt.timedelta(days=SETTLED_DAYS)
    joined = dict(User.objects.filter(is_active=True).values_list("pk", "date_joined"))
    rows = (
        Assignment.objects.filter(person__is_active=True, started_at__lte=on)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=since))
        .order_by("person_id", "started_at", "pk")
        .values_list("person_id", "manager_id", "started_at", "ended_at")
    )
    runs: dict[int, list[tuple[int | None, dt.datetime, dt.datetime | None]]] = {}
    for person_id, manager_id, started_at, ended_at in rows:
        runs.setdefault(person_id, []).append((manager_id, started_at, ended_at))
    pairs = []
    for person_id, periods in sorted(runs.items()):
        if joined[person_id] > since:
            continue  # a newcomer
        settled_with = _one_manager_throughout(periods, since=since, on=on)
        if settled_with is not None and settled_with in joined:  # an active manager
            pairs.append((person_id, settled_with))
    return sorted(pairs, key=lambda pair: (pair[1], pair[0]))


def _one_manager_throughout(
    periods: list[tuple[int | None, dt.datetime, dt.datetime | None]],
    *,
    since: dt.datetime,
    on: dt.datetime,
) -> int | None:
    """The manager of every period from ``since`` to ``on`` (in order of start), if it
    is one and the same and the periods follow each other without a gap; else None."""
    managers = {manager_id for manager_id, _start, _end in periods}
    if len(managers) != 1:
        return None
    first_start = periods[0][1]
    if first_start > since:
        return None
    reached = periods[0][2]
    for _manager, start, end in periods[1:]:
        if reached is None or start > reached:
            return None  # a gap: they left, or the history has a hole
        reached = None if end is None else max(reached, end)
    if reached is not None and reached < on:
        return None  # the run ended before the round opened
    return managers.pop()
