"""Demo people who moved and left, for ``manage.py seed_demo`` (issue 15).

- Noor Ahmed, who joined (like Ben) before last year's cycle, sold in Sales East
  under Priya Nair, had
  her tables reviewed by Priya, and this month moved to Sales West under Tom
  Becker: her past months stay under Sales East, her submitted table with
  Priya, this month's draft goes to Tom.
- Ben Carter worked in Customer Service under Omar Haddad and was off-boarded
  this month: his open tables are withdrawn, his open step too, and his
  records stay readable by HR and Omar.

Last year's cycle is closed, as HR closes a year: its finalised tables stay,
the ones still open are closed unfinished, and everything in it is read-only.

Noor and Ben are created here, not by the organisation file, so that re-running the
import of that file never undoes the story; a re-run of the seed changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Assignment, Department, User
from coaching.models import ActionItem, CoachingSession, CoachingType
from demo.clock import at, demo_clock
from demo.plans import DemoObjective, _objective, demo_plans_seed
from demo.reviews import _reach, demo_reviews_seed, demo_table
from plans.models import AppraisalCycle, Measure
from plans.months import first_of_previous_month as previous_month
from reviews.cycles import cycle_close
from reviews.lifecycle import person_move, person_offboard
from reviews.services import review_table_for

NOOR = "noor.ahmed@example.com"
BEN = "ben.carter@example.com"


def _newcomer(email: str, name: str, title: str, department: str, manager: str) -> User:
    """``email`` as they joined before last year's cycle, like everyone of the file."""
    from demo.organisation import DEMO_PASSWORD, demo_hire_date  # noqa: PLC0415 - imports us

    since = timezone.make_aware(
        dt.datetime.combine(demo_hire_date(email, today=timezone.localdate()), dt.time(9))
    )

    person = User.objects.create_user(
        email,
        DEMO_PASSWORD,
        full_name=name,
        job_title=title,
        department=Department.objects.get(name=department),
        manager=User.objects.get(email=manager),
        date_joined=since,
    )
    # The history starts when they joined, as the organisation file's people's does.
    Assignment.objects.filter(person=person).update(
        started_at=since, source=Assignment.Source.START
    )
    return person


@transaction.atomic
def demo_lifecycle_seed(*, cycle: AppraisalCycle, today: dt.date | None = None) -> None:
    """Noor's move and Ben's departure (see the module). Idempotent."""
    if User.objects.filter(email=NOOR).exists():
        return
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    last_month = previous_month(this_month)
    hr = User.objects.get(email="sofia.rossi@example.com")
    # The month's changes happened on its first working morning (or now, on the 1st).
    this_month_at = at(this_month, 9)

    noor = _newcomer(
        NOOR, "Noor Ahmed", "Account Executive", "Sales East", "priya.nair@example.com"
    )
    priya = User.objects.get(email="priya.nair@example.com")
    for spec in (
        DemoObjective("Renewal revenue", 70, Measure.NUMBER, Decimal(240), "k€", 0.95, 4),
        DemoObjective("Key-account visits", 30, Measure.NUMBER, Decimal(48), "visits", 1.0, 4),
    ):
        _objective(cycle=cycle, spec=spec, employee=noor, author=priya, today=today)
    two_back = previous_month(last_month)
    if two_back >= cycle.start_date.replace(day=1):
        table = demo_table(cycle=cycle, month=two_back, employee=noor)
        _reach(table, "finalised", noor, priya)
    if last_month >= cycle.start_date.replace(day=1):
        table = demo_table(cycle=cycle, month=last_month, employee=noor)
        _reach(table, "submitted", noor, priya)
    with demo_clock(this_month_at):
        review_table_for(cycle=cycle, month=this_month, employee=noor)
    with demo_clock(this_month_at + dt.timedelta(hours=1)):
        person_move(
            person=noor,
            manager=User.objects.get(email="tom.becker@example.com"),
            department=Department.objects.get(name="Sales West"),
            by=hr,
        )

    ben = _newcomer(
        BEN,
        "Ben Carter",
        "Customer Service Agent",
        "Customer Service",
        "omar.haddad@example.com",
    )
    omar = User.objects.get(email="omar.haddad@example.com")
    _objective(
        cycle=cycle,
        spec=DemoObjective("Tickets solved", 100, Measure.NUMBER, Decimal(1800), "tickets", 0.8),
        employee=ben,
        author=omar,
        today=today,
    )
    if last_month >= cycle.start_date.replace(day=1):
        demo_table(cycle=cycle, month=last_month, employee=ben)
    with demo_clock(this_month_at):
        review_table_for(cycle=cycle, month=this_month, employee=ben)
    held_on = today - dt.timedelta(days=20)
    with demo_clock(at(held_on, 14)):
        session = CoachingSession.objects.create(
            coach=omar,
            employee=ben,
            held_on=held_on,
            duration_minutes=15,
            type=CoachingType.GUIDANCE,
            note="Went through the escalation rules for refunds.",
        )
        ActionItem.objects.create(
            session=session,
            owner=ben,
            title="Shadow a senior agent on two refund calls",
            due_date=today + dt.timedelta(days=7),
        )
    with demo_clock(this_month_at + dt.timedelta(hours=2)):
        person_offboard(person=ben, by=hr)


@transaction.atomic
def demo_last_year_seed(*, today: dt.date | None = None) -> None:
    """Last year's cycle, as the demo's current one was in mid-December, then closed by
    HR: its open tables are closed unfinished. Idempotent."""
    today = today or timezone.localdate()
    if AppraisalCycle.objects.filter(name=str(today.year - 1)).exists():
        return
    last_year = today.replace(year=today.year - 1, month=12, day=15)
    with demo_clock(at(last_year, 10)):
        cycle = demo_plans_seed(today=last_year)
        demo_reviews_seed(cycle=cycle, today=last_year)
    # HR closed the year in the second week of January.
    with demo_clock(at(dt.date(today.year, 1, 12), 10)):
        cycle_close(
            actor=User.objects.get(email="sofia.rossi@example.com"),
            cycle=cycle,
            reason="The year is over; the tables still open were not finished.",
        )
