"""Query counts of the result pages stay flat as the organisation grows (issue 17 §3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from coaching.facts import PerformanceFact
from coaching.models import CoachingSession
from reviews.models import CycleResult
from reviews.results import result_propose, results_prepare
from tests.factories import UserFactory, check_in, make_objective

pytestmark = pytest.mark.django_db


def grow(cycle, manager, count: int, start: int) -> None:
    for index in range(start, start + count):
        person = UserFactory(manager=manager, full_name=f"Person {index}")
        objective = make_objective(cycle, employee=person, title=f"Objective {index}")
        check_in(objective, 10, on=dt.date(cycle.end_date.year, 6, 1), author=person)
    results_prepare(cycle=cycle)


def test_the_results_list_is_flat(manager, hr, last_year, results, django_assert_max_num_queries):
    for user in (manager, hr):
        client = Client()
        client.force_login(user)
        url = reverse("reviews:result_list") + f"?cycle={last_year.pk}"
        client.get(url)  # warm-up
        with django_assert_max_num_queries(20) as small:
            client.get(url)
        grow(last_year, manager, 15, len(small.captured_queries) * 100 + user.pk)
        rob = CycleResult.objects.filter(
            cycle=last_year, proposed_at__isnull=True, employee__manager=manager
        ).first()
        result_propose(
            actor=manager,
            result_id=rob.pk,
            rating="Meets expectations",
            comment="",
            version=rob.version,
        )
        limit = len(small.captured_queries)
        client.get(url)  # the org changed: the menu's figures are recomputed once
        with django_assert_max_num_queries(limit):
            page = client.get(url)
        assert page.content.count(b'data-testid="result-row"') > 15


def test_the_result_page_is_flat(
    manager, report, rob_result, last_year, django_assert_max_num_queries
):
    client = Client()
    client.force_login(manager)
    url = rob_result.get_absolute_url()
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    year = last_year.start_date.year
    for day in range(1, 15):
        PerformanceFact.objects.create(
            employee=report,
            author=manager,
            observed_on=dt.date(year, 3, day),
            kind="positive",
            observed=f"Fact {day}",
        )
        CoachingSession.objects.create(
            coach=manager,
            employee=report,
            type="instruction",
            duration_minutes=5,
            held_on=dt.date(year, 3, day),
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url)
    assert b"Fact 14" in page.content


def test_the_home_and_team_pages_count_results_to_propose_flat(
    manager, last_year, results, django_assert_max_num_queries
):
    client = Client()
    client.force_login(manager)
    client.get(reverse("home"))
    with django_assert_max_num_queries(60) as small:
        home = client.get(reverse("home"))
    assert b"1 result to propose" in home.content  # Rob (Ivy's is Rob's, Sales's is HR's)
    grow(last_year, manager, 12, 500)
    limit = len(small.captured_queries)
    client.get(reverse("home"))  # the org changed: the menu's figures are recomputed once
    with django_assert_max_num_queries(limit):
        home = client.get(reverse("home"))
    assert b"13 results to propose" in home.content
    team = client.get(reverse("plans:team"))
    assert b"results to propose" in team.content
