import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Department, User
from coaching.models import ImprovementPlan
from tests.factories import DepartmentFactory, UserFactory, make_cycle


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def cycle(db):
    return make_cycle(timezone.localdate().year)


@pytest.fixture
def north(sales: Department) -> Department:
    """A department under Sales, headed by Nina: Maria (head of Sales) coaches it."""
    head = UserFactory(email="nina@example.com", full_name="Nina North", department=sales)
    department = DepartmentFactory(name="Sales North", parent=sales, head=head)
    head.department = department
    head.save(update_fields=["department"])
    return department


def plan_for(
    *,
    employee: User | None = None,
    department: Department | None = None,
    opened_by: User | None = None,
    reviews: list[dt.date] = (),  # type: ignore[assignment]
    outcome: str = ImprovementPlan.Outcome.OPEN,
    measures: str = "Proposals within two days.",
) -> ImprovementPlan:
    # Opened on or before its first review, as the plan form asks.
    opened_on = min([timezone.localdate(), *reviews])
    return ImprovementPlan.objects.create(
        opened_on=opened_on,
        employee=employee,
        department=department,
        opened_by=opened_by,
        own_reasons="Late proposals.",
        measures=measures,
        review_dates=[day.isoformat() for day in reviews],
        outcome=outcome,
    )
