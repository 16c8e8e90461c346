"""Demo coaching trajectories (issue 17 §5) for ``manage.py seed_demo``: Emma Wilson
grows from specific instruction to encouragement over the past months, with her
confidence rising; Jack Turner has needed instruction for three months and more.

Dated relative to today, inside this year's cycle (a month before its start is left out).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from coaching.models import CoachingSession, CoachingType
from demo import texts
from plans.models import AppraisalCycle, CheckIn, Objective
from plans.months import first_of_previous_month, month_start

INS, GUI, ENC = CoachingType.INSTRUCTION, CoachingType.GUIDANCE, CoachingType.ENCOURAGEMENT

# Months back from this one (0 = this month): the kinds of coaching received.
EMMA = {6: [INS, INS], 5: [INS, GUI], 4: [GUI], 3: [GUI, ENC], 2: [ENC], 1: [ENC]}
EMMA_CONFIDENCE = {6: 2, 5: 2, 4: 3, 3: 3, 2: 4}
JACK = {5: [GUI], 4: [GUI, INS], 3: [INS, INS, GUI], 2: [INS, INS], 1: [INS], 0: [INS]}


def _month_back(today: dt.date, back: int) -> dt.date:
    month = month_start(today)
    for _step in range(back):
        month = first_of_previous_month(month)
    return month


def _sessions(
    coach: User,
    person: User,
    plan: dict[int, list[CoachingType]],
    *,
    start: dt.date,
    today: dt.date,
) -> None:
    for back, kinds in plan.items():
        month = _month_back(today, back)
        for index, kind in enumerate(kinds):
            held_on = today if back == 0 else month.replace(day=8 + 7 * index)
            if held_on < start:
                continue
            CoachingSession.objects.create(
                coach=coach,
                employee=person,
                held_on=held_on,
                duration_minutes=15 if kind == ENC else 30,
                type=kind,
                note=texts.session_note(
                    who=person.full_name, kind=str(kind), month=month, index=index
                ),
            )


def _confidence_rising(person: User, cycle: AppraisalCycle, today: dt.date) -> None:
    """Earlier check-ins on the person's main objective, below the first one recorded,
    with the confidence of ``EMMA_CONFIDENCE`` (never the latest: all are older)."""
    objective = (
        Objective.objects.filter(cycle=cycle, employee=person).order_by("-weight", "pk").first()
    )
    first = (
        CheckIn.objects.filter(objective=objective).order_by("recorded_on", "created_at").first()
        if objective is not None
        else None
    )
    if objective is None or first is None:
        return
    steps = len(EMMA_CONFIDENCE) + 1
    for step, (back, confidence) in enumerate(sorted(EMMA_CONFIDENCE.items(), reverse=True)):
        recorded_on = _month_back(today, back).replace(day=15)
        if recorded_on < cycle.start_date or recorded_on >= first.recorded_on:
            continue
        CheckIn.objects.create(
            objective=objective,
            value=(first.value * Decimal(step + 1) / Decimal(steps)).quantize(Decimal(1)),
            confidence=confidence,
            note="",
            recorded_on=recorded_on,
            author=person,
        )


@transaction.atomic
def demo_trajectory_seed(*, cycle: AppraisalCycle, today: dt.date | None = None) -> None:
    """Emma's growth and Jack's months of instruction. Idempotent: Emma's first
    instruction session marks it done."""
    today = today or timezone.localdate()
    priya = User.objects.get(email="priya.nair@example.com")
    emma = User.objects.get(email="emma.wilson@example.com")
    jack = User.objects.get(email="jack.turner@example.com")
    if CoachingSession.objects.filter(employee=emma, type=INS).exists():
        return
    _sessions(priya, emma, EMMA, start=cycle.start_date, today=today)
    _sessions(priya, jack, JACK, start=cycle.start_date, today=today)
    _confidence_rising(emma, cycle, today)
