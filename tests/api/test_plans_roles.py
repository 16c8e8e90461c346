"""Every plans endpoint × every role: the API answers as the page does, and the wrong
person writes nothing (the IDOR tests of the pages, repeated for the API)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import CheckIn, Objective, PhaseTarget
from tests.factories import check_in, make_cycle, make_objective

pytestmark = pytest.mark.django_db

ROLES = ["manager", "report", "indirect_report", "peer", "other_manager", "hr", "outsider"]
# Rob's objective: he and the managers above him read and write it, HR reads it.
READERS = {"manager", "report", "hr"}
WRITERS = {"manager", "report"}


@pytest.fixture
def cycle(db):
    return make_cycle(timezone.localdate().year)


@pytest.fixture
def robs(cycle, report):
    objective = make_objective(cycle, employee=report, title="Rob's orders")
    check_in(objective, 5, on=cycle.start_date, author=report)
    return objective


def _today_in(cycle):
    return min(timezone.localdate(), cycle.end_date)


def _status_of_page(client, user, url):
    client.force_login(user)
    status = client.get(url).status_code
    client.logout()
    return status


@pytest.mark.parametrize("role", ROLES)
def test_reading_an_objective_answers_as_its_page(request, client, api_client_for, robs, role):
    user = request.getfixturevalue(role)
    api = api_client_for(user, "read")
    page = _status_of_page(client, user, reverse("plans:objective_detail", args=[robs.pk]))
    expected = 200 if role in READERS else 404
    assert page == expected
    assert api.get(f"/api/v1/objectives/{robs.pk}/").status_code == expected
    checkin = robs.checkins.get()
    assert api.get(f"/api/v1/checkins/{checkin.pk}/").status_code == expected
    target = robs.targets.first()
    assert api.get(f"/api/v1/phase-targets/{target.pk}/").status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_lists_hold_only_what_the_role_may_read(request, api_client_for, robs, role):
    api = api_client_for(request.getfixturevalue(role), "read")
    listed = [o["id"] for o in api.get("/api/v1/objectives/").json()["results"]]
    checkins = api.get(f"/api/v1/checkins/?objective={robs.pk}").json()["results"]
    targets = api.get(f"/api/v1/phase-targets/?objective={robs.pk}").json()["results"]
    if role in READERS:
        assert listed == [robs.pk]
        assert len(checkins) == 1 and len(targets) == 12
    else:
        assert listed == [] and checkins == [] and targets == []


@pytest.mark.parametrize("role", ROLES)
def test_editing_an_objective_as_the_page_allows(request, client, api_client_for, robs, role):
    user = request.getfixturevalue(role)
    page = _status_of_page(client, user, reverse("plans:objective_edit", args=[robs.pk]))
    api = api_client_for(user)
    response = api.patch(
        f"/api/v1/objectives/{robs.pk}/",
        {"title": "Renamed", "version": robs.version},
        format="json",
    )
    robs.refresh_from_db()
    if role in WRITERS:
        assert page == 200
        assert response.status_code == 200, response.content
        assert robs.title == "Renamed"
    else:
        assert response.status_code == page == (403 if role == "hr" else 404)
        assert robs.title == "Rob's orders"


@pytest.mark.parametrize("role", ROLES)
def test_setting_phase_targets_as_the_page_allows(request, client, api_client_for, robs, role):
    user = request.getfixturevalue(role)
    page = _status_of_page(client, user, reverse("plans:objective_targets", args=[robs.pk]))
    api = api_client_for(user)
    months = robs.cycle.nodes
    body = {
        "version": robs.version,
        "targets": [
            {"month": m.isoformat(), "planned": str(10 * (i + 1))} for i, m in enumerate(months)
        ],
    }
    response = api.put(f"/api/v1/objectives/{robs.pk}/targets/", body, format="json")
    last = PhaseTarget.objects.get(objective=robs, month=months[-1]).planned
    if role in WRITERS:
        assert page == 200
        assert response.status_code == 200, response.content
        assert last == 10 * len(months)
        assert [t["planned"] for t in response.json()][:2] == ["10.00", "20.00"]
    else:
        assert response.status_code == page == (403 if role == "hr" else 404)
        assert last == 120


@pytest.mark.parametrize("role", ROLES)
def test_checking_in_as_the_page_allows(request, client, api_client_for, robs, role):
    user = request.getfixturevalue(role)
    api = api_client_for(user)
    day = _today_in(robs.cycle).isoformat()
    data = {"objective": robs.pk, "value": "7", "confidence": 4, "recorded_on": day}
    response = api.post("/api/v1/checkins/", data, format="json")
    client.force_login(user)
    page = client.post(
        reverse("plans:checkin_new", args=[robs.pk]),
        {"value": "7", "confidence": "4", "recorded_on": day},
    )
    if role in WRITERS:
        assert response.status_code == 201, response.content
        assert response.json()["author"] == user.pk
        assert CheckIn.objects.filter(objective=robs).count() == 3  # the API's and the page's
    else:
        assert response.status_code == page.status_code == (403 if role == "hr" else 404)
        assert CheckIn.objects.filter(objective=robs).count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_adding_an_objective_for_rob_as_the_page_allows(
    request, client, api_client_for, cycle, report, role
):
    user = request.getfixturevalue(role)
    client.force_login(user)
    page = client.get(reverse("plans:objective_new") + f"?cycle={cycle.pk}&employee={report.pk}")
    api = api_client_for(user)
    response = api.post(
        "/api/v1/objectives/",
        {"cycle": cycle.pk, "employee": report.pk, "title": "New", "weight": 20,
         "measure": "number", "target": "10", "unit": "calls"},
        format="json",
    )  # fmt: skip
    created = Objective.objects.filter(title="New").count()
    if role in WRITERS:
        assert page.status_code == 200
        assert response.status_code == 201, response.content
        assert response.json()["employee"] == report.pk and created == 1
    else:
        assert response.status_code == page.status_code == 403
        assert created == 0


def test_a_new_objective_is_for_the_caller_when_no_subject_is_named(api_client_for, cycle, peer):
    response = api_client_for(peer).post(
        "/api/v1/objectives/",
        {"cycle": cycle.pk, "title": "Mine", "weight": 50, "measure": "percent", "target": "100"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["employee"] == peer.pk


def test_validation_messages_are_the_forms(api_client_for, robs, report):
    response = api_client_for(report).post(
        "/api/v1/checkins/",
        {"objective": robs.pk, "value": "-1", "confidence": 9, "recorded_on": "2001-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert errors["value"] == ["The value cannot be negative."]
    assert "Pick a date within the cycle" in errors["recorded_on"][0]
    assert errors["confidence"]


def test_weights_over_100_are_refused_as_on_the_page(api_client_for, robs, report, cycle):
    response = api_client_for(report).post(
        "/api/v1/objectives/",
        {"cycle": cycle.pk, "title": "Too much", "weight": 50, "measure": "milestone"},
        format="json",
    )
    assert response.status_code == 400
    assert "weight" in response.json()["errors"]
    assert not Objective.objects.filter(title="Too much").exists()


def test_an_edit_from_an_old_version_is_a_conflict(api_client_for, robs, report):
    api = api_client_for(report)
    old = robs.version
    assert (
        api.patch(f"/api/v1/objectives/{robs.pk}/", {"title": "A", "version": old}).status_code
        == 200
    )
    response = api.patch(f"/api/v1/objectives/{robs.pk}/", {"title": "B", "version": old})
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    robs.refresh_from_db()
    assert robs.title == "A"


def test_an_edit_without_a_version_is_refused_as_stale(api_client_for, robs, report):
    response = api_client_for(report).patch(f"/api/v1/objectives/{robs.pk}/", {"title": "B"})
    assert response.status_code == 409


def test_filters_narrow_the_list(api_client_for, cycle, robs, report, manager, hr):
    make_objective(cycle, employee=manager, title="Maria's")
    api = api_client_for(hr, "read")
    mine = api.get(f"/api/v1/objectives/?employee={report.pk}").json()["results"]
    assert [o["id"] for o in mine] == [robs.pk]
    assert api.get("/api/v1/objectives/?cycle=999999").status_code == 400


@pytest.mark.parametrize("role", ROLES)
def test_a_department_objective_is_added_by_its_head_only(
    request, api_client_for, cycle, sales, role
):
    user = request.getfixturevalue(role)
    response = api_client_for(user).post(
        "/api/v1/objectives/",
        {"cycle": cycle.pk, "department": sales.pk, "title": "Team goal", "weight": 30,
         "measure": "percent", "target": "100"},
        format="json",
    )  # fmt: skip
    if role == "manager":  # Maria heads Sales
        assert response.status_code == 201, response.content
        assert response.json()["department"] == sales.pk
    else:
        assert response.status_code == 403
        assert not Objective.objects.filter(title="Team goal").exists()
