"""The benchmark's floor views answer with the data of the pages they stand for."""

from __future__ import annotations

import pytest
from django.utils import timezone

from coaching.models import CoachingSession, PerformanceFact
from reviews.services import review_table_for
from tests.factories import make_cycle, make_objective

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]


def test_every_floor_shows_its_pages_data(client, manager, report, hr):
    today = timezone.localdate()
    cycle = make_cycle(today.year)
    make_objective(cycle, employee=report, title="Orders won")
    table = review_table_for(cycle=cycle, month=today.replace(day=1), employee=report)
    CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", note="Pricing talk", held_on=today
    )
    PerformanceFact.objects.create(
        employee=report, author=manager, observed_on=today, kind="positive", observed="Acme won"
    )
    client.force_login(manager)
    expected = {
        "/bench-floor/team/": "Orders won",
        "/bench-floor/overview/": "Rob Report",
        f"/bench-floor/timeline/{report.pk}/": "Pricing talk",
        f"/bench-floor/review_table/{table.pk}/": "Orders won",
        "/bench-floor/to_review/": "Rob Report",
    }
    for url, text in expected.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url
    # The Team page's floor also reads its cycle picker (and its follow-up records).
    assert cycle.name in client.get("/bench-floor/team/").content.decode()
    # The timeline's floor also reads what the page shows beside sessions (facts).
    assert "Acme won" in client.get(f"/bench-floor/timeline/{report.pk}/").content.decode()
    client.force_login(report)
    assert "Orders won" in client.get("/bench-floor/my_objectives/").content.decode()
    assert str(today.year) in client.get("/bench-floor/my_tables/").content.decode()
    client.force_login(hr)
    response = client.get("/bench-floor/dashboard/", {"month": today.strftime("%Y-%m")})
    assert response.status_code == 200 and "Sales" in response.content.decode()


def test_floors_need_a_login(client):
    assert client.get("/bench-floor/team/").status_code == 302
