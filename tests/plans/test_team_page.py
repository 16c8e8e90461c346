"""The Team page pages through reports, sorted and filtered by the stored states."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from plans.models import Objective
from plans.selectors import ProgressState
from plans.services import objective_progress_refresh
from tests.factories import UserFactory, check_in, make_cycle, make_objective
from tests.webtest_helpers import choose, form_by_testid, press, tick

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(db):
    return make_cycle(2026)


def order(body: str, names: list[str]) -> list[str]:
    return sorted(names, key=lambda name: body.index(name) if name in body else 10**9)


@pytest.fixture
def three(manager, sales, cycle):
    """Ann (nothing lagging, 50 % of plan), Ben (two lagging, 120 %), Cal (one, no plan)."""
    people = {}
    for name, lagging, share in (
        ("Ann Able", 0, "0.5"),
        ("Ben Behind", 2, "1.2"),
        ("Cal Late", 1, None),
    ):
        person = UserFactory(full_name=name, manager=manager, department=sales)
        for index in range(2):
            objective = make_objective(cycle, employee=person, title=f"{name} {index}", weight=50)
            Objective.objects.filter(pk=objective.pk).update(
                progress_state=ProgressState.LAGGING if index < lagging else ProgressState.ON_TRACK,
                progress_share=None if share is None else Decimal(share),
            )
        people[name] = person
    return people


def apply(page, *, sort=None, lagging=None, query=None):
    """Change the Team page's filters as a person does, and press Apply."""
    filters = form_by_testid(page, "team-filters")
    if sort:
        choose(filters, "sort", sort)
    if lagging is not None:
        tick(filters, "Only lagging", lagging)
    if query is not None:
        filters["q"] = query
    return press(filters, "Apply")


def test_sorting_by_most_lagging_and_lowest_progress_uses_the_stored_states(
    django_app, manager, three, cycle
):
    names = list(three)
    page = django_app.get(reverse("plans:team"), user=manager)
    page = apply(page, sort="Most lagging first")
    assert order(page.text, names) == ["Ben Behind", "Cal Late", "Ann Able"]
    page = apply(page, sort="Lowest progress first")
    assert order(page.text, names) == ["Ann Able", "Ben Behind", "Cal Late"]  # no plan: last
    page = apply(page, lagging=True)  # the sort chosen before stays chosen
    assert order(page.text, names)[:2] == ["Ben Behind", "Cal Late"] and "Ann Able" not in page.text
    page = apply(page, lagging=False, query="ben")
    assert "Ben Behind" in page.text and "Cal Late" not in page.text
    assert form_by_testid(page, "team-filters")["q"].value == "ben"


def test_a_large_team_is_shown_fifty_people_a_page(django_app, manager, sales, cycle):
    for n in range(55):
        UserFactory(full_name=f"Person {n:02d}", manager=manager, department=sales)
    page = apply(django_app.get(reverse("plans:team"), user=manager), sort="Name")
    first = page.text
    assert first.count("data-person=") == 50
    assert "55 people" in first and "Page 1 of 2" in first
    assert "Person 49" in first and "Person 50" not in first
    assert "sort=person" in first.split('aria-label="Pages"', 1)[1]  # links keep the filters
    second = page.click(href="page=2", index=0).text
    assert second.count("data-person=") == 5 and "Person 54" in second


def test_the_stored_share_is_the_share_of_todays_plan_reached(report, cycle):
    objective = make_objective(cycle, employee=report, target=120)  # 10 a month
    check_in(objective, 15, on=dt.date(2026, 2, 28), author=report)
    objective_progress_refresh(today=dt.date(2026, 2, 28))  # plan: 20 by the end of February
    objective.refresh_from_db()
    assert objective.progress_share == Decimal("0.750")
    assert objective.progress_state == ProgressState.LAGGING
