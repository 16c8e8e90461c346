"""Plans not agreed yet show as such (issue 15, section 7): on the Team page, on the
cycle page (which counts people with objectives and no plan record at all), and on
their monthly review tables; the lists' query counts stay flat."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.services import plan_confirm, plan_get_or_create
from reviews.services import review_table_for
from tests.factories import UserFactory, make_cycle, make_objective
from tests.webtest_helpers import form_with_button, press

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(db):
    return make_cycle(timezone.localdate().year)


def agree(cycle, person, manager):
    plan = plan_get_or_create(cycle=cycle, employee=person)
    plan_confirm(actor=person, plan=plan, side="employee")
    plan_confirm(actor=manager, plan=plan, side="manager")
    return plan


def text_of(page, testid):
    return [n.get_text(" ", strip=True) for n in page.html.select(f'[data-testid="{testid}"]')]


def test_the_team_page_marks_each_plan_not_agreed(django_app, manager, report, sales, cycle):
    other = UserFactory(full_name="Olga Other", manager=manager, department=sales)
    make_objective(cycle, employee=report)
    make_objective(cycle, employee=other)
    agree(cycle, report, manager)
    page = django_app.get(reverse("plans:team"), user=manager)
    rows = {
        cell.select_one("a").get_text(strip=True): cell.get_text(" ", strip=True)
        for cell in page.html.select("td.team-person")
    }
    assert "plan agreed" in rows["Rob Report"] and "plan not agreed" not in rows["Rob Report"]
    assert "plan not agreed" in rows["Olga Other"]  # objectives, and no plan record at all


def test_a_change_that_reopens_a_plan_shows_on_the_team_page(django_app, manager, report, cycle):
    orders = make_objective(cycle, employee=report, weight=60)
    make_objective(cycle, employee=report, title="Calls", weight=40)
    agree(cycle, report, manager)
    page = django_app.get(reverse("plans:objective_edit", args=[orders.pk]), user=manager)
    form = form_with_button(page, "Save")
    form["weight"] = "50"
    form["reason"] = "Rebalance."
    press(form, "Save")
    page = django_app.get(reverse("plans:team"), user=manager)
    assert text_of(page, "plan-not-agreed") == ["plan not agreed"]


def test_the_cycle_page_counts_people_without_a_plan_record_as_not_agreed(
    django_app, hr, manager, report, sales, cycle
):
    nina = UserFactory(full_name="Nina New", manager=manager, department=sales)
    make_objective(cycle, employee=report)
    make_objective(cycle, employee=nina)  # objectives, never a plan record
    make_objective(cycle, employee=manager, title="Team orders")
    make_objective(cycle, department=sales, title="Sales revenue")
    agree(cycle, report, manager)
    plan_get_or_create(cycle=cycle, employee=manager)  # a record, nobody confirmed
    page = django_app.get(reverse("plans:cycle_detail", args=[cycle.pk]), user=hr)
    assert text_of(page, "plans-agreed") == ["1 of 4 · 3 plans not agreed yet"]
    listed = [a.get_text(strip=True) for a in page.html.select('[data-testid="not-agreed"] a')]
    assert listed == ["Sales", "Maria Manager", "Nina New"]
    shown = page.click(description="Nina New")
    assert "Plan not confirmed yet" in shown.text


def test_the_cycle_page_of_a_fully_agreed_cycle_lists_nobody(
    django_app, hr, manager, report, cycle
):
    make_objective(cycle, employee=report)
    agree(cycle, report, manager)
    page = django_app.get(reverse("plans:cycle_detail", args=[cycle.pk]), user=hr)
    assert text_of(page, "plans-agreed") == ["1 of 1"]
    assert not text_of(page, "not-agreed")


@pytest.mark.parametrize("size", [5, 40])
def test_cycle_page_queries_do_not_grow(
    client, hr, manager, sales, cycle, size, django_assert_max_num_queries
):
    for index in range(size):
        person = UserFactory(manager=manager, department=sales)
        make_objective(cycle, employee=person, monthly=False)
        if index % 2:
            agree(cycle, person, manager)
    client.force_login(hr)
    # Issue 18: one more, cold, for the menu's upward feedback round to answer.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("plans:cycle_detail", args=[cycle.pk]))
    assert response.content.decode().count("/objectives/?cycle=") == size - size // 2


@pytest.mark.parametrize("size", [5, 40])
def test_team_page_queries_do_not_grow_with_plan_badges(
    client, manager, sales, cycle, size, django_assert_max_num_queries
):
    for index in range(size):
        person = UserFactory(manager=manager, department=sales)
        make_objective(cycle, employee=person, monthly=False)
        if index % 2:
            agree(cycle, person, manager)
    client.force_login(manager)
    # One for the checkpoints to talk through; one for the results to propose (issue 17 §3).
    # Issue 18: one more, cold, for the menu's upward feedback round to answer.
    # Issue 21: cold, the navigation computes its four figures at once (roles, bell, plans,
    # feedback), then serves them from the cache.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("plans:team"))
    assert response.content.decode().count('data-testid="plan-not-agreed"') == size - size // 2


def test_a_review_table_says_its_plan_is_not_agreed_until_both_confirm(
    django_app, manager, report, cycle
):
    make_objective(cycle, employee=report)
    table = review_table_for(cycle=cycle, month=cycle.start_date.replace(month=3), employee=report)
    page = django_app.get(reverse("reviews:table_detail", args=[table.pk]), user=report)
    assert text_of(page, "plan-not-agreed") == ["plan not agreed"]
    agree(cycle, report, manager)
    page = django_app.get(reverse("reviews:table_detail", args=[table.pk]), user=manager)
    assert text_of(page, "plan-not-agreed") == []


def test_a_department_table_says_its_plan_is_not_agreed(django_app, manager, sales, cycle):
    make_objective(cycle, department=sales, title="Sales revenue")
    table = review_table_for(cycle=cycle, month=cycle.start_date.replace(month=3), department=sales)
    page = django_app.get(reverse("reviews:table_detail", args=[table.pk]), user=manager)
    assert text_of(page, "plan-not-agreed") == ["plan not agreed"]


def test_an_administrator_outside_hr_sees_the_names_without_links_to_plans(
    django_app, manager, report, cycle
):
    admin = UserFactory(full_name="Ada Admin", is_staff=True, is_superuser=True)
    make_objective(cycle, employee=report)
    page = django_app.get(reverse("plans:cycle_detail", args=[cycle.pk]), user=admin)
    assert text_of(page, "not-agreed") == ["Rob Report"]
    assert not page.html.select('[data-testid="not-agreed"] a')
    plan_url = reverse("plans:person_objectives", args=[report.pk])
    django_app.get(plan_url, user=admin, status=403)  # why there is no link
