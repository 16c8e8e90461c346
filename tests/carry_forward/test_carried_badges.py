"""Everyone who reads a copy sees "carried from 2026" on it, linked to the original."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans.carry_forward import cycle_carry_forward
from plans.models import Objective

pytestmark = pytest.mark.django_db


@pytest.fixture
def carried(hr, year, next_year):
    cycle_carry_forward(actor=hr, cycle=next_year, source=year.cycle, which="unfinished", version=1)
    return {o.title: o for o in Objective.objects.filter(cycle=next_year)}


def badges(page):
    return [
        (a.get_text(" ", strip=True), a.get("href"))
        for a in page.html.select("[data-testid=carried-from]")
    ]


def test_the_person_sees_the_badge_on_their_plan_and_on_the_objective(
    django_app, report, year, next_year, carried
):
    plan = django_app.get(reverse("plans:my_objectives"), {"cycle": next_year.pk}, user=report)
    assert badges(plan) == [("carried from 2026", year.orders.get_absolute_url())]
    page = django_app.get(carried["Orders won"].get_absolute_url(), user=report)
    assert badges(page) == [("carried from 2026", year.orders.get_absolute_url())]
    original = django_app.get(year.orders.get_absolute_url(), user=report)
    assert original.status_code == 200


def test_the_manager_sees_it_on_the_team_page_and_the_department_plan(
    django_app, manager, year, next_year, carried
):
    team = django_app.get(
        reverse("plans:team"), {"cycle": next_year.pk, "indirect": "1"}, user=manager
    )
    assert sorted(badges(team)) == sorted(
        [
            ("carried from 2026", year.orders.get_absolute_url()),
            ("carried from 2026", year.training.get_absolute_url()),
        ]
    )
    department = django_app.get(
        reverse("plans:department_objectives", args=[year.grow.department_id]),
        {"cycle": next_year.pk},
        user=manager,
    )
    assert ("carried from 2026", year.grow.get_absolute_url()) in badges(department)


def test_an_objective_not_carried_has_no_badge(django_app, report, year):
    page = django_app.get(year.orders.get_absolute_url(), user=report)
    assert badges(page) == []


def test_an_original_whose_subject_changed_since_is_named_but_not_linked(
    django_app, report, indirect_report, year, next_year, carried
):
    Objective.objects.filter(pk=year.orders.pk).update(employee=indirect_report)
    page = django_app.get(carried["Orders won"].get_absolute_url(), user=report)
    assert badges(page) == [("carried from 2026", None)]


def test_the_cycle_page_says_from_which_cycle_when_and_how_many(
    django_app, hr, year, next_year, carried
):
    page = django_app.get(next_year.get_absolute_url(), user=hr)
    text = " ".join(page.html.select_one("[data-testid=carried-summary]").get_text().split())
    assert text.startswith("Carried forward from 2026 on ")
    assert text.endswith(": 3 objectives — Unfinished ones (in progress).")
    link = page.html.select_one("[data-testid=carried-summary] a")
    assert link["href"] == year.cycle.get_absolute_url()
