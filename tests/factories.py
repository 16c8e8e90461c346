from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from accounts.models import HR_GROUP_NAME, Department, User
from plans.models import AppraisalCycle, CheckIn, Objective, PhaseTarget
from plans.services import cycle_nodes

PASSWORD = "correct-horse-battery"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"Department {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    job_title = "Specialist"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save(update_fields=["password"])


def make_hr(user: User) -> User:
    group, _ = Group.objects.get_or_create(name=HR_GROUP_NAME)
    user.groups.add(group)
    return user


def make_chain(depth: int, *, top: User | None = None) -> list[User]:
    """A reporting line ``depth`` people long, top first."""
    people = [top or UserFactory()]
    for _ in range(depth - 1):
        people.append(UserFactory(manager=people[-1]))
    return people


# --- Plans ------------------------------------------------------------------


def make_cycle(
    year: int = 2026, *, state: str = "active", name: str | None = None
) -> AppraisalCycle:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return AppraisalCycle.objects.create(
        name=name or str(year),
        start_date=start,
        end_date=end,
        state=state,
        time_nodes=cycle_nodes(start_date=start, end_date=end, frequency="monthly"),
    )


def make_objective(
    cycle: AppraisalCycle,
    *,
    employee: User | None = None,
    department: Department | None = None,
    title: str = "Orders won",
    weight: int = 100,
    target: Decimal | int | None = 120,
    measure: str = "number",
    unit: str = "orders",
    monthly: bool = True,
    **extra: object,
) -> Objective:
    """An objective with cumulative monthly targets growing evenly to ``target``."""
    objective = Objective.objects.create(
        cycle=cycle,
        employee=employee,
        department=department,
        title=title,
        weight=weight,
        target=None if target is None else Decimal(target),
        measure=measure,
        unit=unit,
        **extra,
    )
    if monthly:
        nodes = cycle.nodes
        full = objective.full_value
        PhaseTarget.objects.bulk_create(
            PhaseTarget(
                objective=objective,
                month=node,
                planned=(full * (i + 1) / len(nodes)).quantize(Decimal("0.01")),
            )
            for i, node in enumerate(nodes)
        )
    return objective


def check_in(
    objective: Objective, value: Decimal | int, *, on: dt.date, author: User, confidence: int = 3
) -> CheckIn:
    return CheckIn.objects.create(
        objective=objective,
        value=Decimal(value),
        confidence=confidence,
        recorded_on=on,
        author=author,
    )
