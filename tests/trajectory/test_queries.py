"""The trajectory's pages keep a flat number of queries as the data grows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import CoachingSession
from plans.models import TargetCheck
from tests.factories import UserFactory, check_in, make_cycle, make_objective
from tests.trajectory.test_pages import coach, months_back

pytestmark = pytest.mark.django_db


def _grow(manager, people: int, per_person: str) -> None:
    for person in UserFactory.create_batch(people, manager=manager):
        coach(manager, person, *per_person)


@pytest.mark.parametrize("size", [3, 20])
def test_the_overview_with_the_stuck_filter_stays_flat(
    client, manager, size, django_assert_max_num_queries
):
    _grow(manager, size, ("I", "II", "I"))
    _grow(manager, size, ("E", "G", "E"))
    client.force_login(manager)
    client.get(reverse("coaching:overview"))  # warm up
    for params in ({"stuck": "1"}, {}):
        with django_assert_max_num_queries(9):
            response = client.get(reverse("coaching:overview"), params)
        rows = response.content.decode().count("data-person=")
        assert rows == (size if params else 2 * size)


@pytest.mark.parametrize("size", [1, 12])
def test_the_timeline_stays_flat_as_months_fill(
    client, manager, report, size, django_assert_max_num_queries
):
    today = timezone.localdate()
    cycle = make_cycle(today.year)
    objective = make_objective(cycle, employee=report)
    for back in range(size):
        month = months_back(back)
        coach(manager, report, *(["IGE"] + [""] * back))
        check_in(objective, back, on=month, author=report, confidence=3)
        if month.year == today.year and month < months_back(0):
            TargetCheck.objects.create(objective=objective, month=month, planned=10, met=False)
    client.force_login(manager)
    client.get(reverse("coaching:timeline", args=[report.pk]))  # warm up
    with django_assert_max_num_queries(18):
        response = client.get(reverse("coaching:timeline", args=[report.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 20])
def test_the_person_page_stays_flat(client, manager, size, django_assert_max_num_queries):
    person = UserFactory(manager=manager)
    for day in range(size):
        CoachingSession.objects.create(
            coach=manager,
            employee=person,
            type="guidance",
            held_on=timezone.localdate() - dt.timedelta(days=day * 9),
        )
    client.force_login(manager)
    client.get(reverse("accounts:person_detail", args=[person.pk]))  # warm up
    # 4 of them the trajectory, 2 the praise panel, 7 the objectives, coaching and tables
    with django_assert_max_num_queries(25):
        response = client.get(reverse("accounts:person_detail", args=[person.pk]))
    assert "Coaching trajectory" in response.content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_the_dashboards_mix_stays_flat(client, hr, manager, size, django_assert_max_num_queries):
    _grow(manager, size, ("IG", "GE", "E"))
    for viewer in (hr, manager):
        client.force_login(viewer)
        client.get(reverse("reviews:dashboard"))  # warm up
        with django_assert_max_num_queries(21):
            response = client.get(reverse("reviews:dashboard"))
        assert 'data-testid="coaching-mix"' in response.content.decode()
