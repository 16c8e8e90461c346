"""Improvement plans are shown where people look: the timeline, the objective page and
the person's page; each only to those who may see the plan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from tests.factories import make_objective
from tests.improvement_plans.conftest import plan_for

pytestmark = pytest.mark.django_db


def follow_up(page) -> list[str]:
    found = page.html.select_one("[data-testid=records]")
    if found is None:
        return []
    return [" ".join(a.get_text(" ", strip=True).split()) for a in found.select("a")]


def test_the_timeline_shows_the_plan_and_its_reviews(django_app, manager, report, today):
    plan = plan_for(
        employee=report,
        opened_by=manager,
        reviews=[today - dt.timedelta(days=1), today + dt.timedelta(days=6)],
    )
    timeline = django_app.get(reverse("coaching:timeline", args=[report.pk]), user=report)
    opened = timeline.html.select_one("[data-testid=timeline-plan]")
    assert opened["href"] == plan.get_absolute_url()
    item = opened.find_parent("li").get_text(" ", strip=True)
    assert "next review" in item
    assert timeline.text.count("Improvement plan review") == 2
    assert timeline.click(description="Improvement plan opened").status_code == 200


def test_the_objective_page_lists_the_plans_opened_for_it(
    django_app, manager, report, cycle, today
):
    objective = make_objective(cycle, employee=report, title="Orders won")
    plan = plan_for(employee=report, opened_by=manager, reviews=[today - dt.timedelta(days=3)])
    plan.objective = objective
    plan.save(update_fields=["objective"])
    page = django_app.get(objective.get_absolute_url(), user=manager)
    assert follow_up(page) == [
        f"Improvement plan for Rob Report, opened {date_format(plan.opened_on)}: outcome due"
    ]
    assert page.click(description="Improvement plan for Rob Report").request.path == (
        plan.get_absolute_url()
    )


def test_the_person_page_lists_their_plans_for_those_who_may_see_them(
    django_app, manager, report, peer, hr, today
):
    plan_for(employee=report, opened_by=manager, outcome="improved")
    url = reverse("accounts:person_detail", args=[report.pk])
    for viewer in (manager, report, hr):
        assert follow_up(django_app.get(url, user=viewer)) == [
            f"Improvement plan for Rob Report, opened {date_format(today)}: "
            "Improved: objective back on plan"
        ]
    # A peer may open the organisation's card of a colleague, not the plan.
    response = django_app.get(url, user=peer, expect_errors=True)
    assert response.status_code != 200 or follow_up(response) == []


def test_an_objective_page_hides_a_plan_from_someone_outside_the_line(
    django_app, report, other_manager, hr, cycle
):
    objective = make_objective(cycle, employee=report, title="Orders won")
    plan = plan_for(employee=report)
    plan.objective = objective
    plan.save(update_fields=["objective"])
    response = django_app.get(objective.get_absolute_url(), user=other_manager, expect_errors=True)
    assert response.status_code in (403, 404)
    assert len(follow_up(django_app.get(objective.get_absolute_url(), user=hr))) == 1


@pytest.mark.parametrize("size", [5, 50])
def test_pages_with_plans_do_not_grow_in_queries(
    client, manager, report, cycle, today, size, django_assert_max_num_queries
):
    objective = make_objective(cycle, employee=report)
    for n in range(size):
        plan = plan_for(employee=report, opened_by=manager, reviews=[today + dt.timedelta(n)])
        plan.objective = objective
        plan.save(update_fields=["objective"])
    client.force_login(manager)
    pages = {
        # 4 of them the trajectory's; issue 18 one, cold, for the menu's feedback to answer
        reverse("coaching:timeline", args=[report.pk]): 18,
        objective.get_absolute_url(): 25,
        # and 2 the praise panel, 7 the objectives, coaching and tables (issue 20)
        reverse("accounts:person_detail", args=[report.pk]): 27,
    }
    for url, limit in pages.items():
        with django_assert_max_num_queries(limit):
            response = client.get(url)
        assert response.content.decode().count("/coaching/improvement-plans/") >= size
