"""Only HR carries a cycle forward: everyone else is refused the page and the carry."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from plans.models import AppraisalCycle
from tests.factories import make_cycle, make_objective

pytestmark = pytest.mark.django_db

NOT_HR = ["manager", "report", "indirect_report", "peer", "other_manager", "outsider"]


@pytest.fixture
def year(report):
    """A cycle before 2027 with an objective to carry (everyone still works here)."""
    cycle = make_cycle(2026)
    make_objective(cycle, employee=report, weight=100)
    return SimpleNamespace(cycle=cycle)


@pytest.mark.parametrize("persona", NOT_HR)
def test_nobody_but_hr_opens_the_carry_page(client, request, persona, year, next_year):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("plans:cycle_carry", args=[next_year.pk])
    assert client.get(url).status_code == 403
    assert client.get(url, {"source": year.cycle.pk, "which": "all"}).status_code == 403


@pytest.mark.parametrize("persona", NOT_HR)
def test_nobody_but_hr_carries(client, request, persona, year, next_year):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("plans:cycle_carry", args=[next_year.pk]),
        {"source": year.cycle.pk, "which": "all", "version": next_year.version},
    )
    assert response.status_code == 403
    assert not next_year.objectives.exists()
    next_year.refresh_from_db()
    assert next_year.carried_at is None


def test_a_visitor_who_is_not_signed_in_is_sent_to_log_in(client, year, next_year):
    response = client.post(
        reverse("plans:cycle_carry", args=[next_year.pk]),
        {"source": year.cycle.pk, "which": "all", "version": next_year.version},
    )
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not next_year.objectives.exists()


def test_hr_asking_for_a_cycle_that_does_not_exist_gets_404(client, hr):
    client.force_login(hr)
    assert client.get(reverse("plans:cycle_carry", args=[999999])).status_code == 404


@pytest.mark.parametrize("persona", NOT_HR)
def test_nobody_but_hr_creates_a_cycle_carried_forward(client, request, persona, year):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("plans:cycle_new"),
        {
            "name": "2027",
            "start_date": "2027-01-01",
            "end_date": "2027-12-31",
            "frequency": "monthly",
            "carry_from": year.cycle.pk,
            "carry_which": "all",
        },
    )
    assert response.status_code == 403
    assert not AppraisalCycle.objects.filter(name="2027").exists()


def test_the_same_request_from_hr_carries(client, hr, year, next_year):
    client.force_login(hr)
    response = client.post(
        reverse("plans:cycle_carry", args=[next_year.pk]),
        {"source": year.cycle.pk, "which": "all", "version": next_year.version},
    )
    assert response.status_code == 302
    assert next_year.objectives.count() == 1
