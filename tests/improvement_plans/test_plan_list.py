"""The list of improvement plans: mine, my team's, all for HR, filtered and sorted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.improvement_plans.conftest import plan_for
from tests.webtest_helpers import choose, errors_beside, form_by_testid, options

pytestmark = pytest.mark.django_db

LIST = "coaching:improvement_plan_list"


def rows(page) -> list[str]:
    return [
        " ".join(row.get_text(" ", strip=True).split())
        for row in page.html.select("[data-testid=plans] tbody tr[data-plan]")
    ]


def test_a_manager_sees_the_team_plans_by_next_review_outcome_due_first(
    django_app, manager, report, indirect_report, today
):
    plan_for(employee=report, opened_by=manager, reviews=[today + dt.timedelta(days=20)])
    plan_for(employee=indirect_report, opened_by=report, reviews=[today + dt.timedelta(days=3)])
    plan_for(employee=report, opened_by=manager, reviews=[today - dt.timedelta(days=2)])
    plan_for(employee=report, opened_by=manager, outcome="improved")
    home = django_app.get("/", user=manager)
    page = home.click(description="Improvement plans", href=reverse(LIST))
    shown = rows(page)
    assert options(form_by_testid(page, "plan-filters"), "scope") == [
        "Mine",
        "My team's",
        "All I may see",
    ]
    assert len(shown) == 4
    assert "Outcome due" in shown[0] and "Rob Report" in shown[0]
    assert "Ivy Indirect" in shown[1]
    assert "Rob Report" in shown[2] and "Open" in shown[2]
    assert "Improved" in shown[3]
    assert page.html.select_one("[data-testid=plan-count]").get_text(strip=True) == "4 plans"


def test_status_filters_open_closed_and_outcome_due(django_app, manager, report, today):
    plan_for(employee=report, reviews=[today + dt.timedelta(days=5)], measures="Upcoming")
    plan_for(employee=report, reviews=[today - dt.timedelta(days=1)], measures="Passed")
    plan_for(employee=report, outcome="not_improved", measures="Done")
    page = django_app.get(reverse(LIST), user=manager)
    form = form_by_testid(page, "plan-filters")
    choose(form, "status", "Outcome due (last review passed)")
    due = form.submit()
    assert len(rows(due)) == 1 and "Outcome due" in rows(due)[0]
    form = form_by_testid(due, "plan-filters")
    choose(form, "status", "Closed")
    closed = form.submit()
    assert len(rows(closed)) == 1 and "Not improved" in rows(closed)[0]
    form = form_by_testid(closed, "plan-filters")
    choose(form, "status", "Open")
    assert len(rows(form.submit())) == 2


def test_the_subject_sees_only_their_own_plans(django_app, manager, report, peer, today):
    plan_for(employee=report, opened_by=manager, reviews=[today])
    plan_for(employee=peer)
    page = django_app.get("/", user=report).click(description="Improvement plans")
    assert options(form_by_testid(page, "plan-filters"), "scope") == ["Mine", "All I may see"]
    assert len(rows(page)) == 1 and "Rob Report" in rows(page)[0]


def test_a_person_without_plans_has_no_link_and_an_empty_list(django_app, outsider, report):
    plan_for(employee=report)
    home = django_app.get("/", user=outsider)
    assert reverse(LIST) not in home.text
    page = django_app.get(reverse(LIST), user=outsider)
    assert rows(page) == [] and "No improvement plan matches." in page.text


def test_a_peer_cannot_list_another_team_even_by_asking(django_app, report, peer):
    plan_for(employee=report)
    page = django_app.get(reverse(LIST), {"scope": "team"}, user=peer)
    assert rows(page) == []
    assert errors_beside(page, "scope") == [
        "Select a valid choice. team is not one of the available choices."
    ]


def test_hr_sees_all_and_filters_by_department_and_name(
    django_app, hr, report, peer, finance, today
):
    plan_for(employee=report, reviews=[today])
    plan_for(employee=peer, reviews=[today])
    page = django_app.get("/", user=hr).click(description="Improvement plans")
    assert len(rows(page)) == 2
    form = form_by_testid(page, "plan-filters")
    choose(form, "department", "Finance")
    by_department = form.submit()
    assert len(rows(by_department)) == 1 and "Paul Peer" in rows(by_department)[0]
    form = form_by_testid(page, "plan-filters")
    form["q"] = "rob"
    choose(form, "department", "All departments")
    by_name = form.submit()
    assert len(rows(by_name)) == 1 and "Rob Report" in rows(by_name)[0]


def test_the_list_is_paged(django_app, manager, today):
    for n in range(53):
        person = UserFactory(full_name=f"Person {n:02d}", manager=manager)
        plan_for(employee=person, reviews=[today + dt.timedelta(days=n)])
    page = django_app.get(reverse(LIST), user=manager)
    assert len(rows(page)) == 50 and "Person 00" in rows(page)[0]
    second = page.click(description="Next")
    assert len(rows(second)) == 3 and "Person 52" in rows(second)[-1]


def test_anonymous_visitors_are_sent_to_sign_in(django_app):
    response = django_app.get(reverse(LIST))
    assert response.status_code == 302 and "login" in response.location


@pytest.mark.parametrize("size", [5, 50])
def test_list_queries_do_not_grow(client, manager, today, size, django_assert_max_num_queries):
    for n in range(size):
        person = UserFactory(manager=manager)
        plan_for(employee=person, opened_by=manager, reviews=[today + dt.timedelta(days=n)])
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse(LIST))
    assert response.content.decode().count("data-plan=") == size


def test_a_manager_separates_own_plans_from_the_team(django_app, manager, report, today):
    boss = manager.__class__.objects.create_user(
        email="bea@example.com", password="x", full_name="Bea Boss"
    )
    manager.manager = boss
    manager.save(update_fields=["manager"])
    plan_for(employee=manager, opened_by=boss, reviews=[today])
    plan_for(employee=report, opened_by=manager, reviews=[today])
    page = django_app.get(reverse(LIST), user=manager)
    assert len(rows(page)) == 2
    form = form_by_testid(page, "plan-filters")
    choose(form, "scope", "Mine")
    mine = form.submit()
    assert len(rows(mine)) == 1 and "Maria Manager" in rows(mine)[0]
    form = form_by_testid(mine, "plan-filters")
    choose(form, "scope", "My team's")
    team = form.submit()
    assert len(rows(team)) == 1 and "Rob Report" in rows(team)[0]
