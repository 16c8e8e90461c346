"""Demo plans for ``manage.py seed_demo``: an active cycle showing every state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Department, User
from coaching.models import (
    ActionItem,
    CoachingSession,
    CoachingType,
    ImprovementPlan,
    SessionObjective,
)
from plans.models import AppraisalCycle, CheckIn, Measure, Objective, PhaseTarget
from plans.services import cycle_nodes, plan_confirm, plan_get_or_create, targets_spread_evenly


@dataclass(frozen=True)
class DemoObjective:
    title: str
    weight: int
    measure: str
    target: Decimal | None
    unit: str
    # Share of today's plan reached by the latest check-in (None: no check-in).
    pace: float | None
    confidence: int = 3


PLANS: dict[str, list[DemoObjective]] = {
    # On track, with one objective done early.
    "emma.wilson@example.com": [
        DemoObjective("New-customer revenue", 50, Measure.NUMBER, Decimal(300), "k€", 1.08, 4),
        DemoObjective("Customer satisfaction score", 30, Measure.PERCENT, Decimal(90), "", 1.0, 4),
        DemoObjective("Finish the negotiation course", 20, Measure.MILESTONE, None, "", 1.0, 5),
    ],
    # Lagging: revenue and meetings well behind plan, confidence falling.
    "wang.fang@example.com": [
        DemoObjective("New-customer revenue", 60, Measure.NUMBER, Decimal(280), "k€", 0.62, 2),
        DemoObjective("Qualified meetings", 40, Measure.NUMBER, Decimal(120), "meetings", 0.7, 2),
    ],
    # Plan not confirmed: weights add up to 80 so far.
    "jack.turner@example.com": [
        DemoObjective("Outbound calls", 50, Measure.NUMBER, Decimal(2400), "calls", 0.95, 3),
        DemoObjective("Pipeline created", 30, Measure.NUMBER, Decimal(900), "k€", None),
    ],
    "lucas.silva@example.com": [
        DemoObjective("Renewal rate", 60, Measure.PERCENT, Decimal(95), "", 1.02, 4),
        DemoObjective("Upsell revenue", 40, Measure.NUMBER, Decimal(150), "k€", 0.8, 3),
    ],
    "ravi.patel@example.com": [
        DemoObjective("Stock accuracy", 70, Measure.PERCENT, Decimal(99), "", 1.0, 4),
        DemoObjective("Move the warehouse system", 30, Measure.MILESTONE, None, "", None),
    ],
}
AGREED = {"emma.wilson@example.com", "wang.fang@example.com", "lucas.silva@example.com"}
DEPARTMENT_PLANS: dict[str, list[DemoObjective]] = {
    "Sales East": [
        DemoObjective("Grow East region revenue", 70, Measure.NUMBER, Decimal(1200), "k€", 0.9, 3),
        DemoObjective("Keep customers satisfied", 30, Measure.PERCENT, Decimal(90), "", 1.0, 4),
    ],
}


def _objective(
    *,
    cycle: AppraisalCycle,
    spec: DemoObjective,
    employee: User | None = None,
    department: Department | None = None,
    parent: Objective | None = None,
    author: User,
    today: dt.date,
) -> Objective:
    objective, created = Objective.objects.get_or_create(
        cycle=cycle,
        employee=employee,
        department=department,
        title=spec.title,
        defaults={
            "weight": spec.weight,
            "measure": spec.measure,
            "target": spec.target,
            "unit": spec.unit,
            "parent": parent,
            "owner": employee or (department.head if department else None),
            "created_by": author,
        },
    )
    if not created:
        return objective
    plan = targets_spread_evenly(objective)
    PhaseTarget.objects.bulk_create(
        PhaseTarget(objective=objective, month=month, planned=value)
        for month, value in plan.items()
    )
    if spec.pace is not None:
        from plans.selectors import objective_progress, with_progress

        annotated = with_progress(
            Objective.objects.filter(pk=objective.pk).select_related("cycle"), today=today
        ).get()
        planned = objective_progress(annotated, today=today).planned or Decimal(0)
        if spec.measure == Measure.MILESTONE:
            value = Decimal(1) if spec.pace >= 1 else Decimal(0)
            earlier = Decimal(0)
        else:
            value = (planned * Decimal(str(spec.pace))).quantize(Decimal(1))
            earlier = (value * Decimal("0.6")).quantize(Decimal(1))
        CheckIn.objects.bulk_create(
            [
                CheckIn(
                    objective=objective,
                    value=earlier,
                    confidence=min(5, spec.confidence + 1),
                    note="",
                    recorded_on=max(cycle.start_date, today - dt.timedelta(days=35)),
                    author=employee or author,
                ),
                CheckIn(
                    objective=objective,
                    value=value,
                    confidence=spec.confidence,
                    note="Latest update.",
                    recorded_on=max(cycle.start_date, today - dt.timedelta(days=3)),
                    author=employee or author,
                ),
            ]
        )
    return objective


@transaction.atomic
def demo_plans_seed(*, today: dt.date | None = None) -> AppraisalCycle:
    """An active cycle for this calendar year with plans in every state. Idempotent."""
    today = today or timezone.localdate()
    start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    cycle, _created = AppraisalCycle.objects.get_or_create(
        name=str(today.year),
        defaults={
            "start_date": start,
            "end_date": end,
            "state": AppraisalCycle.State.ACTIVE,
            "time_nodes": cycle_nodes(start_date=start, end_date=end, frequency="monthly"),
        },
    )
    AppraisalCycle.objects.get_or_create(
        name=str(today.year + 1),
        defaults={
            "start_date": dt.date(today.year + 1, 1, 1),
            "end_date": dt.date(today.year + 1, 12, 31),
            "time_nodes": cycle_nodes(
                start_date=dt.date(today.year + 1, 1, 1),
                end_date=dt.date(today.year + 1, 12, 31),
                frequency="quarterly",
            ),
        },
    )
    department_goals: dict[str, Objective] = {}
    for name, specs in DEPARTMENT_PLANS.items():
        department = Department.objects.select_related("head", "parent__head").get(name=name)
        head = department.head
        assert head is not None  # noqa: S101 - the demo file names every head
        for spec in specs:
            goal = _objective(
                cycle=cycle, spec=spec, department=department, author=head, today=today
            )
            department_goals.setdefault(name, goal)
        plan = plan_get_or_create(cycle=cycle, department=department)
        if not plan.is_agreed and department.parent and department.parent.head:
            plan_confirm(actor=head, plan=plan, side="employee")
            plan_confirm(actor=department.parent.head, plan=plan, side="manager")
    for email, specs in PLANS.items():
        person = User.objects.select_related("manager", "department").get(email=email)
        manager = person.manager or person
        parent = department_goals.get(person.department.name) if person.department else None
        for index, spec in enumerate(specs):
            _objective(
                cycle=cycle,
                spec=spec,
                employee=person,
                parent=parent if index == 0 else None,
                author=manager,
                today=today,
            )
        if email in AGREED:
            plan = plan_get_or_create(cycle=cycle, employee=person)
            if not plan.is_agreed:
                plan_confirm(actor=person, plan=plan, side="employee")
                plan_confirm(actor=manager, plan=plan, side="manager")
    return cycle


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
        note="Great close on the Lakeside renewal.",
        strengths="Prepared the renewal early and involved the customer's finance team.",
        strengths_example="Sent the draft contract three weeks before expiry; signed on day one.",
        next_objectives="Use the same approach for the two renewals due in December.",
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
                session=guidance,
                title="Route marketing leads in the East region to Wang",
                owner=priya,
                due_date=today + dt.timedelta(days=1),
                position=0,
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
