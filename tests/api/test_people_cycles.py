"""People, departments and cycles × every role, and flat query counts on every list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Department
from plans.models import AppraisalCycle, CycleEvent, Objective
from tests.factories import UserFactory, check_in, make_cycle, make_objective

pytestmark = pytest.mark.django_db

ROLES = ["manager", "report", "indirect_report", "peer", "other_manager", "hr", "outsider"]


@pytest.fixture
def leaver(manager, sales):
    return UserFactory(full_name="Lena Left", department=sales, manager=manager, is_active=False)


@pytest.mark.parametrize("role", ROLES)
def test_people_are_read_as_the_organisation_pages_show_them(
    request, client, api_client_for, report, leaver, role
):
    user = request.getfixturevalue(role)
    api = api_client_for(user, "read")
    client.force_login(user)
    for person in (report, leaver):
        page = client.get(reverse("accounts:person_detail", args=[person.pk])).status_code
        assert api.get(f"/api/v1/people/{person.pk}/").status_code == page
    listed = {p["id"] for p in api.get("/api/v1/people/?page_size=200").json()["results"]}
    assert report.pk in listed
    reads_leaver = role in {"manager", "hr"}
    assert (leaver.pk in listed) is reads_leaver
    assert api.get(f"/api/v1/people/{leaver.pk}/").status_code == (200 if reads_leaver else 404)


def test_people_filter_by_department(api_client_for, report, peer, finance):
    results = api_client_for(report).get(f"/api/v1/people/?department={finance.pk}").json()
    assert {p["full_name"] for p in results["results"]} == {"Paul Peer", "Olga Other"}


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_departments_and_cycles(request, api_client_for, sales, role):
    cycle = make_cycle(2026)
    api = api_client_for(request.getfixturevalue(role), "read")
    assert sales.pk in {d["id"] for d in api.get("/api/v1/departments/").json()["results"]}
    # The plan pages' cycle picker lists every cycle to everyone.
    assert api.get(f"/api/v1/cycles/{cycle.pk}/").json()["name"] == "2026"
    assert api.get("/api/v1/cycles/?state=active").json()["results"][0]["id"] == cycle.pk


CYCLE = {
    "name": "2027",
    "start_date": "2027-01-01",
    "end_date": "2027-12-31",
    "frequency": "quarterly",
}


@pytest.mark.parametrize("role", ROLES)
def test_only_hr_creates_a_cycle_as_on_the_cycle_pages(request, client, api_client_for, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    page = client.get(reverse("plans:cycle_new")).status_code
    response = api_client_for(user).post("/api/v1/cycles/", CYCLE, format="json")
    if role == "hr":
        assert page == 200 and response.status_code == 201, response.content
        created = AppraisalCycle.objects.get(name="2027")
        assert response.json()["nodes"] == [d.isoformat() for d in created.nodes]
        assert len(created.nodes) == 4
    else:
        assert page == response.status_code == 403
        assert not AppraisalCycle.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_hr_edits_and_starts_a_cycle(request, api_client_for, role):
    cycle = make_cycle(2027, state="planning")
    api = api_client_for(request.getfixturevalue(role))
    edit = api.patch(f"/api/v1/cycles/{cycle.pk}/", {"name": "FY27", "version": cycle.version})
    start = api.post(
        f"/api/v1/cycles/{cycle.pk}/state/", {"state": "active", "seen_state": "planning"}
    )
    cycle.refresh_from_db()
    if role == "hr":
        assert edit.status_code == 200 and start.status_code == 200, (edit.content, start.content)
        assert (cycle.name, cycle.state) == ("FY27", "active")
        assert CycleEvent.objects.filter(cycle=cycle).exists()  # the history the page keeps
    else:
        assert edit.status_code == start.status_code == 403
        assert (cycle.name, cycle.state) == ("2027", "planning")


def test_cycle_form_messages_are_the_pages(api_client_for, hr):
    body = {**CYCLE, "end_date": "2026-06-01"}
    response = api_client_for(hr).post("/api/v1/cycles/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["end_date"] == ["The end date must be after the start date."]


def test_reopening_a_closed_cycle_needs_a_reason(api_client_for, hr):
    cycle = make_cycle(2025, state="closed")
    api = api_client_for(hr)
    url = f"/api/v1/cycles/{cycle.pk}/state/"
    refused = api.post(url, {"state": "active", "seen_state": "closed"})
    assert refused.status_code == 400 and "reason" in refused.json()["errors"]
    assert api.post(url, {"state": "closed", "seen_state": "active"}).status_code == 400
    ok = api.post(url, {"state": "active", "seen_state": "closed", "reason": "Late fix"})
    assert ok.status_code == 200 and ok.json()["state"] == "active"


# --- Flat query counts ------------------------------------------------------------------


def _fill(rows: int, hr, sales) -> None:
    cycle = AppraisalCycle.objects.first() or make_cycle(timezone.localdate().year)
    for _ in range(rows - Objective.objects.count()):
        person = UserFactory(department=sales)
        objective = make_objective(cycle, employee=person, monthly=False, target=10)
        check_in(objective, 1, on=cycle.start_date, author=person)
        objective.targets.create(month=cycle.start_date, planned=1)
        AppraisalCycle.objects.create(
            name=f"c{person.pk}",
            start_date=dt.date(2030, 1, 1),
            end_date=dt.date(2030, 12, 31),
            time_nodes=[],
        )


LISTS = ["people", "departments", "cycles", "objectives", "phase-targets", "checkins"]


@pytest.mark.parametrize("name", LISTS)
def test_lists_take_the_same_few_queries_at_3_and_30_rows(
    name, api_client_for, hr, sales, django_assert_max_num_queries
):
    api = api_client_for(hr, "read")
    counts = []
    for rows in (3, 30):
        _fill(rows, hr, sales)
        for n in range(rows - Department.objects.count()):
            Department.objects.create(name=f"d{rows}-{n}")
        with django_assert_max_num_queries(8) as captured:
            response = api.get(f"/api/v1/{name}/")
        assert response.status_code == 200
        assert len(response.json()["results"]) >= rows
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
