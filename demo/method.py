"""Demo of the method (issue 16) for ``manage.py seed_demo``: the last time node
checked, with checkpoints open and answered; performance facts; a department's
improvement plan; the month's review conversation held on a table."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import Department, User
from coaching.checkpoint_models import Checkpoint
from coaching.checkpoints import checkpoints_open
from coaching.facts import PerformanceFact
from coaching.models import CoachingSession, CoachingType, ImprovementPlan
from demo.texts import open_of, won_of
from plans.models import AppraisalCycle, Objective
from plans.months import first_of_previous_month
from reviews.conversation_models import ReviewConversation
from reviews.models import ReviewTable


def _node_checked(cycle: AppraisalCycle, today: dt.date) -> None:
    """The demo's plans were agreed at the start of last month, when the product started
    checking nodes: the node that passed since is checked, and its misses opened."""
    since = timezone.make_aware(dt.datetime.combine(first_of_previous_month(today), dt.time(9)))
    Objective.objects.filter(cycle=cycle, created_at__gt=since).update(created_at=since)
    checkpoints_open(today=today)


def _answered(
    checkpoint: Checkpoint | None,
    *,
    coach: User,
    talked_on: dt.date,
    own: str,
    outside: str,
    plan: ImprovementPlan,
) -> None:
    if checkpoint is None or not checkpoint.is_open:
        return
    checkpoint.talked_on = talked_on
    checkpoint.own_reasons, checkpoint.outside_reasons = own, outside
    checkpoint.decision = Checkpoint.Decision.IMPROVEMENT_PLAN
    checkpoint.improvement_plan = plan
    checkpoint.answered_at, checkpoint.answered_by = timezone.now(), coach
    checkpoint.save()


@transaction.atomic
def demo_method_seed(*, cycle: AppraisalCycle, today: dt.date | None = None) -> None:
    """Checkpoints, facts, a department plan and a review conversation. Idempotent."""
    today = today or timezone.localdate()
    priya = User.objects.get(email="priya.nair@example.com")
    marcus = User.objects.get(email="marcus.lee@example.com")
    emma = User.objects.get(email="emma.wilson@example.com")
    wang = User.objects.get(email="wang.fang@example.com")
    jack = User.objects.get(email="jack.turner@example.com")
    if PerformanceFact.objects.filter(author=priya).exists():
        return
    _node_checked(cycle, today)

    # Wang's revenue: the checkpoint was talked through and led to the improvement plan.
    revenue = Objective.objects.filter(cycle=cycle, employee=wang).order_by("-weight").first()
    wang_plan = ImprovementPlan.objects.filter(employee=wang, objective=revenue).first()
    if wang_plan is not None:
        _answered(
            Checkpoint.objects.filter(objective=revenue).order_by("-month").first(),
            coach=priya,
            talked_on=today,
            own=wang_plan.own_reasons,
            outside=wang_plan.outside_reasons,
            plan=wang_plan,
        )

    # Sales East missed its revenue node: Marcus, head above, opened a department plan.
    east = Department.objects.get(name="Sales East")
    east_goal = Objective.objects.filter(cycle=cycle, department=east).order_by("-weight").first()
    east_plan = ImprovementPlan.objects.create(
        department=east,
        objective=east_goal,
        opened_by=marcus,
        opened_on=today,
        own_reasons="Pipeline reviews were skipped in the busy weeks.",
        outside_reasons="Two key accounts froze budgets; one territory had no rep for a month.",
        measures="Weekly team pipeline review; fill the open territory by mid-month.",
        support="Marcus joins the two largest renewals; marketing budget moved to the East.",
        review_dates=[
            (today + dt.timedelta(days=14)).isoformat(),
            (today + dt.timedelta(days=45)).isoformat(),
        ],
    )
    _answered(
        Checkpoint.objects.filter(objective=east_goal).order_by("-month").first(),
        coach=marcus,
        talked_on=today,
        own=east_plan.own_reasons,
        outside=east_plan.outside_reasons,
        plan=east_plan,
    )

    # Facts Priya recorded as they happened (one kept private).
    PerformanceFact.objects.bulk_create(
        [
            PerformanceFact(
                employee=emma,
                author=priya,
                observed_on=today - dt.timedelta(days=9),
                kind=PerformanceFact.Kind.POSITIVE,
                observed=f"Sent the {won_of(str(emma), today - dt.timedelta(days=9))} renewal "
                "draft three weeks early; signed on day one.",
                objective=Objective.objects.filter(cycle=cycle, employee=emma)
                .order_by("-weight")
                .first(),
            ),
            PerformanceFact(
                employee=wang,
                author=priya,
                observed_on=today - dt.timedelta(days=16),
                kind=PerformanceFact.Kind.NEEDS_IMPROVEMENT,
                observed=f"The {open_of(str(wang), today - dt.timedelta(days=16))} proposal went "
                "out four days after the meeting.",
                objective=revenue,
            ),
            PerformanceFact(
                employee=jack,
                author=priya,
                observed_on=today - dt.timedelta(days=4),
                kind=PerformanceFact.Kind.POSITIVE,
                observed="Booked three first meetings from one calling afternoon.",
                private=True,
            ),
        ]
    )

    # Emma's table of last month is in review: Priya held the month's review conversation.
    table = ReviewTable.objects.filter(
        employee=emma, month=first_of_previous_month(today), status=ReviewTable.Status.IN_REVIEW
    ).first()
    if table is not None and not ReviewConversation.objects.filter(table=table).exists():
        session = CoachingSession.objects.create(
            coach=priya,
            employee=emma,
            held_on=today,
            duration_minutes=30,
            type=CoachingType.ENCOURAGEMENT,
            form=CoachingSession.Form.FORMAL,
            occasion=CoachingSession.Occasion.MIDTERM,
            note="Monthly review of the table: every objective on plan.",
            strengths="Renewals prepared early, with the customer's finance team.",
            strengths_example=f"{won_of(str(emma), table.month)} renewal signed on day one.",
            agreements="Write the renewal approach down for the team by mid-month.",
            question_answers={
                "progress": "All three objectives on plan; revenue ahead.",
                "going_well": "Early renewals.",
                "to_improve": "Forecast notes in the CRM are thin.",
                "on_course": "Yes.",
                "agreed": "Share the renewal approach with the team.",
            },
            acknowledged_at=timezone.now(),
            acknowledged_by=emma,
        )
        ReviewConversation.objects.create(table=table, session=session, held_by=priya)
