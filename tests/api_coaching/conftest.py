from __future__ import annotations

import pytest
from django.utils import timezone

from coaching.models import ActionItem, CoachingSession
from tests.factories import make_cycle, make_objective

SHARED = "Agreed to book five meetings a week"
PRIVATE = "Worried about burnout signals, keep quiet"


@pytest.fixture
def cycle(db):
    return make_cycle(timezone.localdate().year)


@pytest.fixture
def objective(cycle, report):
    return make_objective(cycle, employee=report, title="Orders won")


@pytest.fixture
def session(manager, report):
    """Maria's session with Rob: shared agreements, a private note, one step of Rob's."""
    session = CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="guidance",
        duration_minutes=30,
        agreements=SHARED,
        private_note=PRIVATE,
        held_on=timezone.localdate(),
    )
    ActionItem.objects.create(session=session, title="Book meetings", owner=report)
    return session


@pytest.fixture
def item(session):
    return session.action_items.get()
