"""The preview and the carry cost the same number of queries for 5 people as for 40."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans.models import Objective
from tests.factories import UserFactory, check_in, make_cycle, make_objective

pytestmark = pytest.mark.django_db


def build_year(manager, sales, size):
    cycle = make_cycle(2026)
    goal = make_objective(cycle, department=sales, title="Sales goal", weight=100)
    for _ in range(size):
        person = UserFactory(manager=manager, department=sales)
        for index in range(3):
            objective = make_objective(
                cycle, employee=person, title=f"Objective {index}", weight=30, parent=goal
            )
            check_in(objective, 5, on=cycle.start_date, author=person)
    left = UserFactory(manager=manager, department=sales, is_active=False)
    make_objective(cycle, employee=left, title="Gone", weight=100)
    return cycle


@pytest.mark.parametrize("size", [5, 40])
def test_the_preview_and_the_carry_do_not_grow_with_the_organisation(
    client, hr, manager, sales, size, django_assert_max_num_queries
):
    source = build_year(manager, sales, size)
    cycle = make_cycle(2027, state="planning")
    client.force_login(hr)
    url = reverse("plans:cycle_carry", args=[cycle.pk])
    client.get(url)  # warm up: the first request after login costs more
    with django_assert_max_num_queries(15):
        page = client.get(url, {"source": source.pk, "which": "unfinished"})
    assert f'<dd class="col-sm-7" data-testid="carry-objectives">{size * 3 + 1}</dd>' in (
        page.content.decode()
    )
    with django_assert_max_num_queries(23):
        response = client.post(
            url, {"source": source.pk, "which": "unfinished", "version": cycle.version}
        )
    assert response.status_code == 302
    assert Objective.objects.filter(cycle=cycle).count() == size * 3 + 1
    assert Objective.objects.filter(cycle=cycle, parent__isnull=False).count() == size * 3


@pytest.mark.parametrize("size", [5, 40])
def test_the_plan_and_team_pages_of_copies_do_not_grow(
    client, hr, manager, sales, size, django_assert_max_num_queries
):
    from plans.carry_forward import cycle_carry_forward

    source = build_year(manager, sales, size)
    cycle = make_cycle(2027, state="planning")
    cycle_carry_forward(actor=hr, cycle=cycle, source=source, which="all", version=1)
    client.force_login(manager)
    client.get(reverse("plans:team"))
    # 12: the Team page's bound (tests/plans/test_plan_queries.py), with the results to propose.
    with django_assert_max_num_queries(12):
        team = client.get(reverse("plans:team"), {"cycle": cycle.pk})
    assert team.content.decode().count('data-testid="carried-from"') == size * 3
    with django_assert_max_num_queries(18):
        page = client.get(
            reverse("plans:department_objectives", args=[sales.pk]), {"cycle": cycle.pk}
        )
    assert page.content.decode().count('data-testid="carried-from"') == 1
