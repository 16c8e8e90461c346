"""Plans under bad input: a clear 4xx or a message by the field, never a 500,
and a refused request stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import AppraisalCycle, Objective, PerformancePlan
from tests.factories import make_cycle, make_objective

pytestmark = pytest.mark.django_db

NOT_AN_ID = ["abc", "1abc", "²", "1.5", "-1", " 1", "9" * 10_000, "1\x00"]


@pytest.fixture
def cycle(db):
    return make_cycle(timezone.localdate().year)


# --- Ids that are not numbers ------------------------------------------------


@pytest.mark.parametrize("bad", NOT_AN_ID)
@pytest.mark.parametrize("name", ["cycle", "employee", "department"])
def test_the_new_objective_page_answers_400_to_an_id_that_is_not_a_number(
    client, manager, report, cycle, name, bad
):
    client.force_login(manager)
    params = {"cycle": cycle.pk, "employee": report.pk, name: bad}
    assert client.get(reverse("plans:objective_new"), params).status_code == 400
    response = client.post(reverse("plans:objective_new"), {**params, "title": "x"})
    assert response.status_code == 400
    assert not Objective.objects.exists()


@pytest.mark.parametrize("bad", NOT_AN_ID)
@pytest.mark.parametrize("name", ["cycle", "employee", "department"])
def test_plan_confirmation_answers_400_to_an_id_that_is_not_a_number(
    client, report, cycle, name, bad
):
    make_objective(cycle, employee=report, weight=100)
    client.force_login(report)
    data = {"cycle": cycle.pk, "employee": report.pk, "side": "employee", name: bad}
    if name == "department":
        del data["employee"]
    assert client.post(reverse("plans:plan_confirm"), data).status_code == 400
    assert not PerformancePlan.objects.exists()


def test_plan_confirmation_answers_404_to_a_cycle_that_does_not_exist(client, report, cycle):
    client.force_login(report)
    data = {"cycle": cycle.pk + 1000, "employee": report.pk, "side": "employee"}
    assert client.post(reverse("plans:plan_confirm"), data).status_code == 404


@pytest.mark.parametrize("bad", NOT_AN_ID)
def test_copying_targets_from_an_objective_that_is_not_a_number_answers_400(
    client, report, cycle, bad
):
    objective = make_objective(cycle, employee=report)
    client.force_login(report)
    url = reverse("plans:objective_targets", args=[objective.pk])
    assert client.get(url, {"fill": "copy", "from": bad}).status_code == 400


def test_an_unknown_way_to_fill_targets_answers_400(client, report, cycle):
    objective = make_objective(cycle, employee=report)
    client.force_login(report)
    url = reverse("plans:objective_targets", args=[objective.pk])
    assert client.get(url, {"fill": "guess"}).status_code == 400


@pytest.mark.parametrize("bad", ["abc", "²", "9" * 10_000, "1\x00", "-1"])
@pytest.mark.parametrize("page", ["my_objectives", "person_objectives", "team"])
def test_a_cycle_filter_that_is_not_a_cycle_gets_a_message_and_the_current_cycle(
    client, manager, report, cycle, page, bad
):
    make_objective(cycle, employee=report, title="Orders won")
    client.force_login(manager if page != "my_objectives" else report)
    args = [report.pk] if page == "person_objectives" else []
    response = client.get(reverse(f"plans:{page}", args=args), {"cycle": bad})
    assert response.status_code == 200
    body = response.content.decode()
    message = "Null characters are not allowed." if "\x00" in bad else "There is no such cycle"
    error_id = "team-cycle-error" if page == "team" else "cycle-picker-error"
    assert f'id="{error_id}">{message}' in body
    assert "Orders won" in body


# --- The team page's search and filters ---------------------------------------


@pytest.mark.parametrize("query", ["\x00", "Rob\x00", "\x00" * 500])
def test_a_nul_character_in_the_team_search_gets_a_message_beside_the_search(
    client, manager, report, cycle, query
):
    client.force_login(manager)
    response = client.get(reverse("plans:team"), {"q": query})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Null characters are not allowed." in body
    assert 'id="team-q-error"' in body
    assert "Rob Report" in body  # the list still shows, unfiltered


@pytest.mark.parametrize(
    ("params", "field"),
    [({"sort": "salary"}, "sort"), ({"state": "sleeping"}, "state")],
)
def test_an_unknown_team_filter_gets_a_message_beside_it(
    client, manager, report, cycle, params, field
):
    client.force_login(manager)
    response = client.get(reverse("plans:team"), params)
    assert response.status_code == 200
    assert f'id="team-{field}-error"' in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999999999999999999", "1e3", "NaN", "\x00"])
def test_any_page_number_on_the_team_page_shows_a_page(client, manager, report, cycle, page):
    client.force_login(manager)
    response = client.get(reverse("plans:team"), {"page": page})
    assert response.status_code == 200
    assert "Rob Report" in response.content.decode()


# --- Cycles: dates the month arithmetic can count -------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("9999-01-01", "9999-12-31"),
        ("1999-01-01", "1999-12-31"),
        ("2100-06-01", "2101-05-31"),
        ("0001-01-01", "0001-12-31"),
    ],
)
def test_a_cycle_outside_the_years_2000_to_2100_gets_a_message_by_the_date(client, hr, start, end):
    client.force_login(hr)
    response = client.post(
        reverse("plans:cycle_new"),
        {"name": "Far away", "start_date": start, "end_date": end, "frequency": "monthly"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "Pick a date between the years 2000 and 2100." in str(form.errors)
    assert not AppraisalCycle.objects.exists()


def test_a_cycle_may_end_in_december_2100(client, hr):
    client.force_login(hr)
    response = client.post(
        reverse("plans:cycle_new"),
        {
            "name": "Last",
            "start_date": "2100-01-01",
            "end_date": "2100-12-31",
            "frequency": "monthly",
        },
    )
    assert response.status_code == 302
    assert AppraisalCycle.objects.get().end_date == dt.date(2100, 12, 31)


@pytest.mark.parametrize("state", ["unknown", "", "\x00", "ACTIVE"])
def test_an_unknown_cycle_state_answers_400_and_changes_nothing(client, hr, cycle, state):
    client.force_login(hr)
    response = client.post(reverse("plans:cycle_state", args=[cycle.pk]), {"state": state})
    assert response.status_code == 400
    cycle.refresh_from_db()
    assert cycle.state == "active"


# --- A refused confirmation writes nothing ---------------------------------------


def test_a_refused_plan_confirmation_creates_no_plan(client, report, peer, cycle):
    make_objective(cycle, employee=report, weight=100)
    client.force_login(report)
    data = {"cycle": cycle.pk, "employee": report.pk, "side": "manager"}
    assert client.post(reverse("plans:plan_confirm"), data).status_code == 403
    assert not PerformancePlan.objects.exists()


def test_a_department_plan_confirmation_by_someone_who_cannot_creates_no_plan(
    client, manager, report, cycle, sales
):
    make_objective(cycle, department=sales, weight=100)
    client.force_login(report)
    data = {"cycle": cycle.pk, "department": sales.pk, "side": "employee"}
    assert client.post(reverse("plans:plan_confirm"), data).status_code == 403
    assert not PerformancePlan.objects.exists()


def test_a_confirmation_refused_for_the_weights_creates_no_plan(client, report, cycle):
    make_objective(cycle, employee=report, weight=90)
    client.force_login(report)
    data = {"cycle": cycle.pk, "employee": report.pk, "side": "employee"}
    response = client.post(reverse("plans:plan_confirm"), data)
    assert "add up to 90" in client.get(response.url).content.decode()
    assert not PerformancePlan.objects.exists()


# --- The page of a department objective with personal objectives aligned to it ----


@pytest.mark.parametrize(
    ("viewer", "sees", "does_not_see"),
    [
        ("manager", ["Rob sells", "Ivy sells"], []),
        ("report", ["Rob sells", "Ivy sells"], []),
        ("indirect_report", ["Ivy sells"], ["Rob sells"]),
        ("hr", ["Rob sells", "Ivy sells"], []),
    ],
)
def test_a_department_objective_with_aligned_personal_objectives_shows_to_everyone_who_may_see_it(
    client, request, cycle, sales, report, indirect_report, viewer, sees, does_not_see
):
    goal = make_objective(cycle, department=sales, title="Sales grow", monthly=False)
    make_objective(cycle, employee=report, title="Rob sells", parent=goal, monthly=False)
    make_objective(cycle, employee=indirect_report, title="Ivy sells", parent=goal, monthly=False)
    client.force_login(request.getfixturevalue(viewer))
    for url in (
        goal.get_absolute_url(),
        reverse("plans:department_objectives", args=[sales.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Sales grow" in body
        assert all(title in body for title in sees), url
        assert not any(title in body for title in does_not_see), url
