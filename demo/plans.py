"""Demo plans for ``manage.py seed_demo``: an active cycle showing every state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Department, User
from demo import texts
from demo.clock import at, demo_clock
from plans.models import AppraisalCycle, CheckIn, Measure, Objective, PhaseTarget
from plans.selectors import objective_progress, with_progress
from plans.services import (
    checkin_create,
    cycle_nodes,
    plan_confirm,
    plan_get_or_create,
    targets_spread_evenly,
)


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
        who = str(employee or department)
        first_on = max(cycle.start_date, today - dt.timedelta(days=35))
        latest_on = max(cycle.start_date, today - dt.timedelta(days=3))
        # Each check-in recorded on its day, in the afternoon.
        with demo_clock(at(first_on, 17)):
            CheckIn.objects.create(
                objective=objective,
                value=earlier,
                confidence=min(5, spec.confidence + 1),
                note=texts.checkin_note(who=who, title=spec.title, day=first_on, stage="first"),
                recorded_on=first_on,
                author=employee or author,
            )
        # The latest through the service, as the check-in form records it: a confidence
        # falling to 2 (Wang Fang's) raises an early warning for the coach (issue 16 §7).
        with demo_clock(at(latest_on, 17, 30)):
            checkin_create(
                actor=employee or author,
                objective=objective,
                value=value,
                confidence=spec.confidence,
                note=texts.checkin_note(
                    who=who,
                    title=spec.title,
                    day=latest_on,
                    stage="behind" if spec.pace < 0.9 else "on_track",
                ),
                recorded_on=latest_on,
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
    # Plans are written in the cycle's first week and agreed in its second (the page says
    # "confirmed on ..."), not on the day the demo is seeded.
    planned_on = min(cycle.start_date + dt.timedelta(days=4), today)
    agreed_on = min(cycle.start_date + dt.timedelta(days=11), today)
    department_goals: dict[str, Objective] = {}
    for name, specs in DEPARTMENT_PLANS.items():
        department = Department.objects.select_related("head", "parent__head").get(name=name)
        head = department.head
        assert head is not None  # noqa: S101 - the demo file names every head
        for spec in specs:
            with demo_clock(at(planned_on, 9)):
                goal = _objective(
                    cycle=cycle, spec=spec, department=department, author=head, today=today
                )
            department_goals.setdefault(name, goal)
        plan = plan_get_or_create(cycle=cycle, department=department)
        if not plan.is_agreed and department.parent and department.parent.head:
            with demo_clock(at(agreed_on, 10)):
                plan_confirm(actor=head, plan=plan, side="employee")
            with demo_clock(at(agreed_on, 15)):
                plan_confirm(actor=department.parent.head, plan=plan, side="manager")
    for email, specs in PLANS.items():
        person = User.objects.select_related("manager", "department").get(email=email)
        manager = person.manager or person
        parent = department_goals.get(person.department.name) if person.department else None
        for index, spec in enumerate(specs):
            with demo_clock(at(planned_on, 11)):
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
                with demo_clock(at(agreed_on + dt.timedelta(days=1), 10)):
                    plan_confirm(actor=person, plan=plan, side="employee")
                with demo_clock(at(agreed_on + dt.timedelta(days=1), 16)):
                    plan_confirm(actor=manager, plan=plan, side="manager")
    return cycle
