"""Lists of plans cost the same number of queries for 5 reports as for 50."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans.models import ObjectiveTemplate, PerformancePlan, TemplateSet
from tests.factories import UserFactory, check_in, make_cycle, make_objective

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(db):
    return make_cycle(timezone.localdate().year)


def build_team(manager, sales, cycle, size):
    lead = UserFactory(manager=manager, department=sales)
    goal = make_objective(cycle, department=sales, title="Sales goal", weight=100)
    people = [lead] + [UserFactory(manager=lead, department=sales) for _ in range(size - 1)]
    for person in people:
        for index in range(3):
            objective = make_objective(
                cycle, employee=person, title=f"Objective {index}", weight=30, parent=goal
            )
            check_in(objective, 5, on=cycle.start_date, author=person)
    return people


@pytest.mark.parametrize("size", [5, 50])
def test_team_page_queries_do_not_grow(
    client, manager, sales, cycle, size, django_assert_max_num_queries
):
    people = build_team(manager, sales, cycle, size)
    client.force_login(manager)
    # One for the checkpoints the manager has to talk through (issue 16 §1); one for the
    # results waiting for the manager's proposal (issue 17 §3).
    # Issue 18: one more, cold, for the menu's upward feedback round to answer.
    # Issue 21: one to count the active people of the chain; cold, the navigation
    # computes its four figures at once (roles, bell, plans, feedback), then caches them.
    with django_assert_max_num_queries(16):
        response = client.get(reverse("plans:team"), {"indirect": "1"})
    body = response.content.decode()
    assert body.count("data-person=") >= size * 3
    assert people[-1].full_name in body


@pytest.mark.parametrize("size", [5, 50])
def test_department_objectives_queries_do_not_grow(
    client, manager, sales, cycle, size, django_assert_max_num_queries
):
    build_team(manager, sales, cycle, size)
    client.force_login(manager)
    # Issue 18: one more, cold, for the menu's upward feedback round to answer.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("plans:department_objectives", args=[sales.pk]))
    assert response.content.decode().count("aligned-row") == size * 3


@pytest.mark.parametrize("size", [5, 50])
def test_plan_and_objective_pages_queries_do_not_grow(
    client, report, cycle, size, django_assert_max_num_queries
):
    objectives = [
        make_objective(cycle, employee=report, title=f"Objective {i}", weight=1)
        for i in range(size)
    ]
    for objective in objectives[:3]:
        for day in range(1, size // 5 + 2):
            check_in(objective, day, on=cycle.start_date.replace(day=day), author=report)
    client.force_login(report)
    # One each for whether the navigation links improvement plans (for someone who
    # manages nobody) and for the objective's improvement plans, and two for its
    # phase target checks and its checkpoints (issue 16 §1): flat in the data.
    # Issue 18: one more, cold, for the menu's upward feedback round to answer.
    with django_assert_max_num_queries(10):
        assert client.get(reverse("plans:my_objectives")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(objectives[0].get_absolute_url()).status_code == 200


def test_my_objectives_reads_its_plan_without_asking_again_for_the_cycle_or_the_person(
    client, report, cycle
):
    """The plan is found for the cycle and the person the page already has: neither is
    read again (nor are the objectives' cycle, person or department, set alike)."""
    for index in range(3):
        make_objective(cycle, employee=report, title=f"Objective {index}", weight=30)
    PerformancePlan.objects.create(cycle=cycle, employee=report)
    client.force_login(report)
    client.get(reverse("plans:my_objectives"))  # warm: the navigation's figures cached
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("plans:my_objectives")).status_code == 200
    statements = " ".join(query["sql"] for query in captured.captured_queries)
    # The picker's cycles, the current one found among them.
    assert statements.count('FROM "coaching_appraisalcycle"') == 1
    assert statements.count('FROM "accounts_user"') == 1  # the session's user


def test_my_objectives_shows_alignment_template_and_origin_without_more_queries(
    client, report, manager, cycle
):
    """The plan page reads only ``PLAN_OBJECTIVE_FIELDS`` of its objectives: an objective
    aligned to another, made from a template and carried forward from an earlier cycle
    costs no query more than a plain one (no deferred column is loaded)."""
    make_objective(cycle, employee=report, title="Plain", weight=50)
    client.force_login(report)
    client.get(reverse("plans:my_objectives"))  # warm: the navigation's figures cached
    with CaptureQueriesContext(connection) as plain:
        client.get(reverse("plans:my_objectives"))
    earlier = make_cycle(cycle.start_date.year - 1, state="closed")
    origin = make_objective(earlier, employee=report, title="Last year's orders")
    parent = make_objective(cycle, employee=manager, title="Team orders")
    template_set = TemplateSet.objects.create(name="Sales representative", department=None)
    template = ObjectiveTemplate.objects.create(
        template_set=template_set,
        title="Orders won",
        measure="number",
        unit="orders",
        target=Decimal(120),
        default_weight=50,
        pattern="even",
    )
    make_objective(
        cycle,
        employee=report,
        title="Orders won",
        weight=50,
        parent=parent,
        template=template,
        carried_from=origin,
    )
    client.get(reverse("plans:my_objectives"))
    with CaptureQueriesContext(connection) as full:
        body = client.get(reverse("plans:my_objectives")).content.decode()
    assert len(full.captured_queries) == len(plain.captured_queries)
    assert "Team orders" in body and "Sales representative" in body
    assert 'data-testid="carried-from"' in body and earlier.name in body
