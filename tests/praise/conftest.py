"""The praise tests' organisation, around the personas of tests/conftest.py.

Maria heads Sales (under Commercial, headed by Cleo) and manages Rob, who manages Ivy;
Sam works in Sales for Maria; Paul works for Olga in Finance; Hana is HR; Otto has no
links. Paul praises Ivy (Sales, line manager Rob): who sees it depends on its level.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import Department, User
from coaching.models import CoachingSession
from coaching.praise_models import CompanyValue, Praise
from plans.models import AppraisalCycle
from tests.factories import DepartmentFactory, UserFactory, make_cycle, make_objective

PRIVATE_NOTE = "PRIVATE-NOTE: thinking of moving Ivy to another team"
OTHER_CONTENT = "IMPROVE-PART: follow-ups are late"
STRENGTHS = "Calmed the angry Acme buyer"
STRENGTHS_EXAMPLE = "On Tuesday's call she listened, then offered the refund within the hour."


@pytest.fixture
def commercial(sales: Department) -> Department:
    head = UserFactory(email="cleo@example.com", full_name="Cleo Commercial")
    commercial = DepartmentFactory(name="Commercial", head=head)
    sales.parent = commercial
    sales.save(update_fields=["parent"])
    return commercial


@pytest.fixture
def colleague(manager: User, sales: Department) -> User:
    return UserFactory(
        email="sam@example.com", full_name="Sam Colleague", department=sales, manager=manager
    )


@pytest.fixture
def cleo(commercial: Department) -> User:
    head = commercial.head
    assert head is not None
    return head


@pytest.fixture
def people(
    manager, report, indirect_report, peer, other_manager, hr, outsider, colleague, cleo
) -> dict[str, User]:
    return {
        "maria": manager,
        "rob": report,
        "ivy": indirect_report,
        "paul": peer,
        "olga": other_manager,
        "hana": hr,
        "otto": outsider,
        "sam": colleague,
        "cleo": cleo,
    }


@pytest.fixture
def cycle(db) -> AppraisalCycle:
    return make_cycle(timezone.localdate().year)


@pytest.fixture
def value(db) -> CompanyValue:
    return CompanyValue.objects.create(name="Customers first", position=1)


@pytest.fixture
def ivy_objective(cycle, indirect_report):
    return make_objective(cycle, employee=indirect_report, title="Calls made", weight=100)


@pytest.fixture
def praise(people, value, ivy_objective) -> Praise:
    """Paul's praise of Ivy, private (as given)."""
    return Praise.objects.create(
        employee=people["ivy"],
        giver=people["paul"],
        behaviour="Shared her call script",
        example="Sent me her script before my first Acme call.",
        value=value,
        objective=ivy_objective,
    )


@pytest.fixture
def encouragement(report, indirect_report) -> CoachingSession:
    """Rob's encouragement session with Ivy: something went well, and a private note."""
    return CoachingSession.objects.create(
        coach=report,
        employee=indirect_report,
        type="encouragement",
        duration_minutes=15,
        held_on=timezone.localdate(),
        strengths=STRENGTHS,
        strengths_example=STRENGTHS_EXAMPLE,
        improvements=OTHER_CONTENT,
        agreements="AGREED-PART: call Acme weekly",
        private_note=PRIVATE_NOTE,
    )
