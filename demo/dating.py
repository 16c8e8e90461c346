"""The last step of the seed: records written straight into the database (not through a
step of the app) carry the day they describe, not the moment the demo was seeded.

A session is written up on the day it was held, a check-in on the day it records, a
fact on the day it was observed; never later than now.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from coaching.facts import PerformanceFact
from coaching.models import CoachingSession
from demo.clock import at
from plans.models import CheckIn


def _on(day: dt.date, hour: int, pk: int) -> dt.datetime:
    """``day`` at ``hour``, a few minutes apart by ``pk``; never later than now."""
    return min(at(day, hour) + dt.timedelta(minutes=pk % 50), timezone.now())


@transaction.atomic
def demo_dates_settle() -> None:
    """Date the demo's sessions, check-ins and facts on their own days (see the module)."""
    sessions = []
    for session in CoachingSession.objects.all():
        written = _on(session.held_on, 16, session.pk)
        if timezone.localdate(session.created_at) != session.held_on:
            session.created_at = session.updated_at = written
            sessions.append(session)
    CoachingSession.objects.bulk_update(sessions, ["created_at", "updated_at"])
    checkins = []
    for checkin in CheckIn.objects.all():
        if timezone.localdate(checkin.created_at) != checkin.recorded_on:
            checkin.created_at = _on(checkin.recorded_on, 17, checkin.pk)
            checkins.append(checkin)
    CheckIn.objects.bulk_update(checkins, ["created_at"])
    facts = []
    for fact in PerformanceFact.objects.all():
        if timezone.localdate(fact.created_at) != fact.observed_on:
            fact.created_at = _on(fact.observed_on, 18, fact.pk)
            facts.append(fact)
    PerformanceFact.objects.bulk_update(facts, ["created_at"])
