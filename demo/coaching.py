"""Demo coaching for ``manage.py seed_demo``: sessions, action items, an improvement plan."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import User
from coaching.models import (
    ActionItem,
    CoachingSession,
    CoachingType,
    ImprovementPlan,
    SessionObjective,
)
from demo.texts import won_of
from plans.models import AppraisalCycle, Objective


def demo_sessions_seed(*, cycle: AppraisalCycle, today: dt.date | None = None) -> None:
    """Sessions of all three kinds, open and overdue action items, an improvement plan."""
    today = today or timezone.localdate()
    priya = User.objects.get(email="priya.nair@example.com")
    emma = User.objects.get(email="emma.wilson@example.com")
    wang = User.objects.get(email="wang.fang@example.com")
    jack = User.objects.get(email="jack.turner@example.com")
    if CoachingSession.objects.filter(coach=priya).exists():
        return
    revenue = Objective.objects.filter(cycle=cycle, employee=wang).order_by("-weight").first()
    plan = ImprovementPlan.objects.create(
        employee=wang,
        objective=revenue,
        opened_by=priya,
        opened_on=today - dt.timedelta(days=20),
        own_reasons="Too few first meetings booked; proposals go out late.",
        outside_reasons="Two key accounts froze budgets in the autumn.",
        measures="Book five first meetings a week; send proposals within two days.",
        support="Weekly pipeline review with Priya; marketing leads routed to Wang first.",
        review_dates=[
            (today + dt.timedelta(days=10)).isoformat(),
            (today + dt.timedelta(days=40)).isoformat(),
        ],
    )
    encourage = CoachingSession.objects.create(
        coach=priya,
        employee=emma,
        held_on=today - dt.timedelta(days=6),
        duration_minutes=15,
        type=CoachingType.ENCOURAGEMENT,
        form=CoachingSession.Form.INFORMAL,
        moment=CoachingSession.Moment.AFTER,
        note=f"Great close on the {won_of(str(emma), today - dt.timedelta(days=6))} renewal.",
        strengths="Prepared the renewal early and involved the customer's finance team.",
        strengths_example="Sent the draft contract three weeks before expiry; signed on day one.",
        next_objectives="Use the same approach for the next two renewals that come due.",
        acknowledged_at=timezone.now() - dt.timedelta(days=5),
        acknowledged_by=emma,
        coachee_comment="Thanks! I'll write the approach down for the team.",
    )
    guidance = CoachingSession.objects.create(
        coach=priya,
        employee=wang,
        held_on=today - dt.timedelta(days=20),
        duration_minutes=45,
        type=CoachingType.GUIDANCE,
        form=CoachingSession.Form.FORMAL,
        occasion=CoachingSession.Occasion.MIDTERM,
        note="Revenue is behind plan; we looked at the pipeline together.",
        difficulties="Two key accounts froze budgets.",
        difficulty_cause=CoachingSession.DifficultyCause.OUTSIDE,
        support=CoachingSession.Support.RESOURCES,
        countermeasure="Marketing leads go to Wang first for the next two months.",
        agreements="Weekly pipeline review on Mondays.",
        # Six of the nine questions (coaching.questions), and the support given.
        question_answers={
            "progress": "Revenue is at 70% of the month's plan.",
            "going_well": "Client calls are well prepared.",
            "to_improve": "Follow-ups after a frozen budget are late.",
            "on_course": "Slightly off: the pipeline is thin in the East region.",
            "manager_help": "Pair Wang with Emma on the two renewals.",
            "agreed": "Weekly pipeline review on Mondays.",
        },
        support_resources="Marketing leads in the East region go to Wang first.",
        support_information="The budget calendar of the two frozen accounts.",
        private_note="Check whether the workload on Wang is too high.",
        follow_up_on=today + dt.timedelta(days=3),
        improvement_plan=plan,
    )
    instruction = CoachingSession.objects.create(
        coach=priya,
        employee=jack,
        held_on=today - dt.timedelta(days=12),
        duration_minutes=60,
        type=CoachingType.INSTRUCTION,
        form=CoachingSession.Form.FORMAL,
        moment=CoachingSession.Moment.BEFORE,
        note="Jack is new to outbound: we broke the calling work into steps.",
        next_objectives="40 calls a day from next week.",
    )
    SessionObjective.objects.bulk_create(
        [
            SessionObjective(session=guidance, objective=revenue, assessment="lagging"),
        ]
        if revenue
        else []
    )
    ActionItem.objects.bulk_create(
        [
            ActionItem(
                session=instruction,
                title="Read the call script and the objection guide",
                owner=jack,
                due_date=today - dt.timedelta(days=9),
                done_at=timezone.now() - dt.timedelta(days=10),
                done_by=jack,
                position=0,
            ),
            ActionItem(
                session=instruction,
                title="Shadow Emma on ten calls",
                owner=jack,
                due_date=today - dt.timedelta(days=2),
                position=1,
            ),
            ActionItem(
                session=instruction,
                title="Make 40 calls a day and log them in the CRM",
                owner=jack,
                due_date=today + dt.timedelta(days=7),
                position=2,
            ),
            ActionItem(
                # The support promised in the session, followed up by the coach.
                session=guidance,
                title="Support promised — Resources: Marketing leads in the East region go "
                "to Wang first.",
                owner=priya,
                due_date=today + dt.timedelta(days=1),
                position=100,
                support_kind="resources",
            ),
            ActionItem(
                session=encourage,
                title="Write down the renewal approach for the team",
                owner=emma,
                due_date=today + dt.timedelta(days=14),
                position=0,
            ),
        ]
    )
