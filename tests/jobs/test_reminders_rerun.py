"""A reminder run that has nothing left to send decides so in SQL: a few queries, the
same for any number of people (issue 21 §5), and whatever fell due since is still sent."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Notification, SentReminder
from coaching.models import ActionItem, CoachingSession
from reviews.jobs import reminders_run
from reviews.services import review_table_for
from tests.factories import UserFactory, make_cycle, make_hr, make_objective

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)
# March tables were due on 5 April: 15 days late, told to the person, the manager and HR.
DAY = dt.datetime(2026, 4, 20, 9, tzinfo=dt.UTC)
# The settings, the run's record and its outcome, HR, and one query for each of six sources.
NOOP_QUERIES = 10


def _person(cycle, manager, **fields):
    person = UserFactory(manager=manager, **fields)
    make_objective(cycle, employee=person)
    review_table_for(cycle=cycle, month=MARCH, employee=person)
    session = CoachingSession.objects.create(
        coach=manager,
        employee=person,
        type="instruction",
        held_on=dt.date(2026, 1, 5),
        follow_up_on=DAY.date(),
    )
    ActionItem.objects.create(session=session, title="Late", owner=person, due_date=MARCH)
    ActionItem.objects.create(
        session=session, title="Tomorrow", owner=person, due_date=DAY.date() + dt.timedelta(1)
    )
    return person


def _run(capture) -> tuple[list[str], int]:
    """The SQL of one run, and the reminders it recorded."""
    before = SentReminder.objects.count()
    with (
        time_machine.travel(DAY, tick=False),
        capture(execute=True),
        CaptureQueriesContext(connection) as queries,
    ):
        reminders_run()
    return [q["sql"] for q in queries.captured_queries], SentReminder.objects.count() - before


@pytest.fixture
def cycle(db):
    return make_cycle(2026)


@pytest.mark.parametrize("people", [2, 12])
def test_a_rerun_with_nothing_to_send_makes_the_same_few_queries_at_any_size(
    cycle, manager, hr, people, django_capture_on_commit_callbacks
):
    for _ in range(people):
        _person(cycle, manager)
    _queries, recorded = _run(django_capture_on_commit_callbacks)
    # Each: overdue table to them, to the manager, to HR; two action items; a follow-up
    # and "nobody coached them" to the manager.
    assert recorded == 7 * people
    mail.outbox.clear()
    queries, recorded = _run(django_capture_on_commit_callbacks)
    assert recorded == 0 and mail.outbox == []
    assert len(queries) <= NOOP_QUERIES
    # Nothing was built to be recorded: every reminder was found sent in SQL.
    assert not any(sql.startswith('INSERT INTO "reviews_sentreminder"') for sql in queries)


def test_someone_who_fell_behind_after_the_first_run_is_reminded_on_the_rerun(
    cycle, manager, hr, django_capture_on_commit_callbacks
):
    _person(cycle, manager)
    _run(django_capture_on_commit_callbacks)
    late = _person(cycle, manager, full_name="Lena Late")
    mail.outbox.clear()
    _queries, recorded = _run(django_capture_on_commit_callbacks)
    assert recorded == 7
    mine = SentReminder.objects.filter(recipient=late).values_list("kind", flat=True)
    assert sorted(mine) == ["action_due", "action_overdue", "review_overdue"]
    assert Notification.objects.filter(recipient=late).count() == 3
    assert {m.to[0] for m in mail.outbox} == {late.email, manager.email, hr.email}
    assert _run(django_capture_on_commit_callbacks)[1] == 0  # and then nothing twice


def test_a_second_hr_person_is_told_of_a_table_the_first_already_heard_of(
    cycle, manager, hr, django_capture_on_commit_callbacks
):
    _person(cycle, manager)
    _run(django_capture_on_commit_callbacks)
    newcomer = make_hr(UserFactory(full_name="Hugo HR"))
    _queries, recorded = _run(django_capture_on_commit_callbacks)
    assert recorded == 1
    assert SentReminder.objects.get(recipient=newcomer).kind == "review_overdue_hr"
