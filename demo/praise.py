"""Demo praise (issue 18 §1) for ``manage.py seed_demo``: the company values, Priya's
praise of Emma made from her encouragement session and shown to the whole
organisation, a colleague's praise on the Sales East wall, private praise, and a
praise its giver withdrew. Seeding again changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from coaching.models import CoachingSession, CoachingType
from coaching.praise_models import CompanyValue, Praise, PraiseVisibility
from plans.models import Objective

VALUES = [
    ("Customers first", "We start from what the customer needs."),
    ("Own the outcome", "We finish what we start, and say so when we cannot."),
    ("Help each other", "Nobody wins alone."),
    ("Keep it simple", "The simplest thing that works, done well."),
]
RETIRED_VALUE = ("Move fast", "Replaced by “Own the outcome” in the last values review.")


def _values() -> dict[str, CompanyValue]:
    values = {}
    for position, (name, description) in enumerate(VALUES):
        values[name], _created = CompanyValue.objects.get_or_create(
            name=name, defaults={"description": description, "position": position}
        )
    CompanyValue.objects.get_or_create(
        name=RETIRED_VALUE[0],
        defaults={"description": RETIRED_VALUE[1], "position": len(VALUES), "active": False},
    )
    return values


def _at(today: dt.date, days_back: int) -> dt.datetime:
    day = today - dt.timedelta(days=days_back)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 30)))


@transaction.atomic
def demo_praise_seed(*, today: dt.date | None = None) -> None:
    values = _values()
    if Praise.objects.exists():
        return
    today = today or timezone.localdate()
    people = {
        user.email.split("@")[0]: user
        for user in User.objects.filter(
            email__in=[
                f"{name}@example.com"
                for name in (
                    "priya.nair",
                    "emma.wilson",
                    "wang.fang",
                    "jack.turner",
                    "chloe.martin",
                    "ana.souza",
                    "ravi.patel",
                    "omar.haddad",
                    "mia.kowalski",
                    "li.wei",
                    "marcus.lee",
                )
            ]
        )
    }
    if len(people) < 11:
        return  # not the demo organisation
    priya, emma = people["priya.nair"], people["emma.wilson"]
    session = (
        CoachingSession.objects.filter(coach=priya, employee=emma, type=CoachingType.ENCOURAGEMENT)
        .exclude(strengths="")
        .order_by("-held_on")
        .first()
    )
    objective = (
        Objective.objects.filter(employee=emma, cycle__state="active")
        .order_by("-weight", "pk")
        .first()
    )
    # Given the day of the session (today's: now), never before it.
    from_session_at = _at(today, 5)
    if session is not None:
        from_session_at = (
            timezone.now()
            if session.held_on >= today
            else timezone.make_aware(dt.datetime.combine(session.held_on, dt.time(16)))
        )
    # From Priya's encouragement session: its shared "what went well", as she wrote it
    # into the praise; Emma showed it to the whole organisation.
    Praise.objects.create(
        employee=emma,
        giver=priya,
        behaviour=session.strengths[:200] if session else "Prepared the renewal early.",
        example=session.strengths_example
        if session
        else "Sent the draft contract three weeks before expiry.",
        objective=objective,
        value=values["Customers first"],
        session=session,
        visibility=PraiseVisibility.ORGANISATION,
        given_at=from_session_at,
    )
    # A colleague's praise, shown to Sales East.
    Praise.objects.create(
        employee=people["wang.fang"],
        giver=emma,
        behaviour="Covered my demo at a day's notice",
        example="Ran the Northwind product demo on Tuesday when I was ill, from my notes, "
        "and sent me a summary the same evening.",
        value=values["Help each other"],
        visibility=PraiseVisibility.DEPARTMENT,
        given_at=_at(today, 9),
    )
    # Private: only Jack, Chloé and their managers see it.
    Praise.objects.create(
        employee=people["jack.turner"],
        giver=people["chloe.martin"],
        behaviour="Kept calling through a hard week",
        example="Made 40 calls a day all last week after two big rejections, and booked "
        "three first meetings on Friday.",
        value=values["Own the outcome"],
        given_at=_at(today, 3),
    )
    # Across departments, on the organisation's wall.
    Praise.objects.create(
        employee=people["omar.haddad"],
        giver=people["ana.souza"],
        behaviour="Sorted out the delayed deliveries with us",
        example="Came to the warehouse on Monday with the list of the 30 late orders and "
        "called each customer himself once we had new dates.",
        value=values["Customers first"],
        visibility=PraiseVisibility.ORGANISATION,
        given_at=_at(today, 12),
    )
    Praise.objects.create(
        employee=people["ravi.patel"],
        giver=people["ana.souza"],
        behaviour="Simplified the stock count",
        example="Rewrote the monthly count sheet so that it takes one afternoon instead "
        "of two days.",
        value=values["Keep it simple"],
        visibility=PraiseVisibility.DEPARTMENT,
        given_at=_at(today, 20),
    )
    # Last year, private: on Emma's result of last year's cycle, for those who read it.
    Praise.objects.create(
        employee=emma,
        giver=people["marcus.lee"],
        behaviour="Rescued the Harbour account",
        example="Visited Harbour Foods twice in October after their complaint and kept the "
        "contract, with a written plan for the delivery issues.",
        value=values["Customers first"],
        given_at=timezone.make_aware(
            dt.datetime.combine(dt.date(today.year - 1, 10, 15), dt.time(11))
        ),
    )
    # Withdrawn by its giver: only Mia sees it, marked withdrawn.
    Praise.objects.create(
        employee=people["omar.haddad"],
        giver=people["mia.kowalski"],
        behaviour="Covered the phones at lunch",
        example="Took the lunchtime calls on Wednesday.",
        given_at=_at(today, 15),
        withdrawn_at=_at(today, 14),
    )
