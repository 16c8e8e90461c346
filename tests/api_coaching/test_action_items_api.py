"""Action items through the API: listed to whoever reads their session, ticked by whoever
the session page lets tick them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from coaching.models import ActionItem, CoachingSession
from plans.models import AppraisalCycle, Objective
from tests.api_helpers import ROLES, client_for, outcome, problem

pytestmark = pytest.mark.django_db

LIST = "/api/v1/action-items/"


def mark(item):
    return f"/api/v1/action-items/{item.pk}/mark/"


@pytest.mark.parametrize("role", ROLES)
def test_a_step_is_listed_to_whoever_reads_its_session(client, request, item, role):
    person = request.getfixturevalue(role)
    client.force_login(person)
    page = client.get(reverse("coaching:session_detail", args=[item.session_id]))
    listed = [row["id"] for row in client_for(person).get(LIST).json()["results"]]
    assert (item.pk in listed) == ("Book meetings" in page.content.decode())


@pytest.mark.parametrize("role", ROLES)
def test_a_step_is_ticked_by_whom_the_page_lets_tick_it(client, request, item, role):
    person = request.getfixturevalue(role)
    client.force_login(person)
    page = client.post(reverse("coaching:action_item_toggle", args=[item.pk]), {"done": "1"})
    page_done = ActionItem.objects.get(pk=item.pk).is_done
    ActionItem.objects.filter(pk=item.pk).update(done_at=None, done_by=None)
    response = client_for(person).post(mark(item), {"done": True}, format="json")
    assert outcome(response.status_code) == outcome(page.status_code)
    assert ActionItem.objects.get(pk=item.pk).is_done == page_done
    if response.status_code == 200:
        body = response.json()
        assert body["done"] and body["changed"] and body["done_by"] == person.pk
    else:
        problem(response, page.status_code)


def test_the_owner_ticks_and_unticks_and_a_repeat_changes_nothing(report, item):
    api = client_for(report)
    assert api.post(mark(item), {"done": True}, format="json").json()["changed"] is True
    again = api.post(mark(item), {"done": True}, format="json").json()
    assert again["changed"] is False and again["done"] is True
    undone = api.post(mark(item), {"done": False}, format="json").json()
    assert undone["done"] is False and ActionItem.objects.get(pk=item.pk).done_at is None


def test_nobody_ticks_a_step_of_a_closed_cycle(report, item, cycle, objective):
    item.session.objectives.add(objective)
    AppraisalCycle.objects.filter(pk=cycle.pk).update(state=AppraisalCycle.State.CLOSED)
    problem(client_for(report).post(mark(item), {"done": True}, format="json"), 403)
    assert ActionItem.objects.get(pk=item.pk).done_at is None
    assert Objective.objects.filter(pk=objective.pk).exists()


@pytest.mark.parametrize("body", [{}, {"done": "yes"}, {"done": 1}, []])
def test_a_tick_must_say_true_or_false(report, item, body):
    problem(client_for(report).post(mark(item), body, format="json"), 400)
    assert ActionItem.objects.get(pk=item.pk).done_at is None


def test_a_read_only_token_ticks_nothing(report, item):
    api = client_for(report, ApiToken.Scope.READ)
    problem(api.post(mark(item), {"done": True}, format="json"), 403)
    assert ActionItem.objects.get(pk=item.pk).done_at is None


def test_the_list_is_filtered_by_done(report, item, session):
    ActionItem.objects.create(session=session, title="Second", owner=report)
    client_for(report).post(mark(item), {"done": True}, format="json")
    api = client_for(report)
    assert [r["title"] for r in api.get(LIST, {"done": "false"}).json()["results"]] == ["Second"]
    assert [r["title"] for r in api.get(LIST, {"done": "true"}).json()["results"]] == [
        "Book meetings"
    ]


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_for_3_or_30_steps(
    manager, report, count, django_assert_max_num_queries
):
    sessions = CoachingSession.objects.bulk_create(
        CoachingSession(coach=manager, employee=report, type="guidance") for _ in range(count)
    )
    ActionItem.objects.bulk_create(
        ActionItem(session=session, title=f"Step {n}", owner=report)
        for n, session in enumerate(sessions)
    )
    api = client_for(report)
    with django_assert_max_num_queries(9):
        response = api.get(LIST)
    assert len(response.json()["results"]) == count
