"""Coaching sessions through the API: every role gets what the session pages give them,
and the private note never leaves the browser."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from coaching.models import ActionItem, CoachingSession, SessionObjective
from tests.api_coaching.conftest import PRIVATE, SHARED
from tests.api_helpers import ROLES, client_for, outcome, problem

pytestmark = pytest.mark.django_db

LIST = "/api/v1/coaching-sessions/"


def detail(session):
    return f"/api/v1/coaching-sessions/{session.pk}/"


@pytest.mark.parametrize("role", ROLES)
def test_a_session_reads_as_its_page_reads(client, request, session, role):
    person = request.getfixturevalue(role)
    client.force_login(person)
    page = client.get(reverse("coaching:session_detail", args=[session.pk]))
    response = client_for(person).get(detail(session))
    assert outcome(response.status_code) == outcome(page.status_code)
    listed = [row["id"] for row in client_for(person).get(LIST).json()["results"]]
    assert (session.pk in listed) == (page.status_code == 200)
    if response.status_code != 200:
        problem(response, response.status_code)
        return
    body = response.json()
    assert body["type"] == "guidance" and body["duration_minutes"] == 30
    shown = SHARED in page.content.decode()
    assert (body["content"] is not None) == shown
    if shown:
        assert body["content"]["agreements"] == SHARED
        assert [i["title"] for i in body["action_items"]] == ["Book meetings"]
    else:
        assert body["action_items"] == [] and body["objectives"] == []


@pytest.mark.parametrize("role", ROLES)
def test_the_private_note_is_in_no_answer_not_even_for_its_author(request, session, role):
    api = client_for(request.getfixturevalue(role))
    for url in (LIST, detail(session), "/api/v1/action-items/"):
        response = api.get(url)
        assert PRIVATE not in response.content.decode()
        assert "private_note" not in response.content.decode()


def test_a_session_shared_with_hr_shows_hr_its_content_but_not_the_note(hr, session):
    CoachingSession.objects.filter(pk=session.pk).update(shared_with_hr=True)
    body = client_for(hr).get(detail(session))
    assert body.json()["content"]["agreements"] == SHARED
    assert PRIVATE not in body.content.decode()


def new_session(employee, **extra):
    return {
        "employee": employee.pk,
        "type": "encouragement",
        "duration_minutes": 15,
        "strengths": "Closed the Acme deal",
        "strengths_example": "The call on Monday: she listened first",
        **extra,
    }


def test_a_manager_records_a_session_with_objectives_and_steps(manager, report, objective):
    response = client_for(manager).post(
        LIST,
        new_session(
            report,
            type="instruction",
            objectives=[{"objective": objective.pk, "assessment": "lagging"}],
            action_items=[
                {"title": "Call three clients", "owner": report.pk, "due_date": None},
                {"title": "Review the calls together"},
            ],
            question_answers={"going_well": "The pipeline"},
            support_promised={
                "training": (timezone.localdate() + dt.timedelta(days=7)).isoformat()
            },
            support_training="Negotiation course",
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    session = CoachingSession.objects.get(pk=body["id"])
    assert session.coach == manager and session.employee == report
    assert session.private_note == "" and session.question_answers == {"going_well": "The pipeline"}
    assert body["objectives"] == [
        {"objective": objective.pk, "title": "Orders won", "assessment": "lagging"}
    ]
    owners = {i["title"]: i["owner"] for i in body["action_items"]}
    assert owners["Call three clients"] == report.pk
    assert owners["Review the calls together"] == manager.pk
    assert any(title.startswith("Support promised") for title in owners)
    assert SessionObjective.objects.filter(session=session, objective=objective).exists()


def test_the_create_endpoint_refuses_a_private_note(manager, report):
    response = client_for(manager).post(
        LIST, new_session(report, private_note="secret"), format="json"
    )
    assert "private_note" in problem(response, 400)["errors"]
    assert not CoachingSession.objects.exists()


def test_the_session_forms_rules_and_messages_apply(manager, report):
    response = client_for(manager).post(
        LIST,
        new_session(report, strengths_example="", duration_minutes=0),
        format="json",
    )
    errors = problem(response, 400)["errors"]
    assert errors["strengths_example"] == [
        "Praise must cite a concrete example: what exactly did they do, and when?"
    ]
    assert errors["duration_minutes"] == [
        "Say how long it lasted: between 1 minute and 10 hours (600 minutes)."
    ]
    assert not CoachingSession.objects.exists()


def test_instruction_without_steps_asks_to_confirm_as_the_page_does(manager, report):
    api = client_for(manager)
    response = api.post(LIST, new_session(report, type="instruction"), format="json")
    assert problem(response, 400)["errors"]["confirm_without_steps"] == [
        "Specific instruction breaks the work into steps: save without steps?"
    ]
    assert not CoachingSession.objects.exists()
    confirmed = new_session(report, type="instruction", confirm_without_steps=True)
    assert api.post(LIST, confirmed, format="json").status_code == 201


def test_a_step_owned_by_a_stranger_is_refused_beside_the_step(manager, report, outsider):
    response = client_for(manager).post(
        LIST,
        new_session(report, action_items=[{"title": "x", "owner": outsider.pk}]),
        format="json",
    )
    assert "action_items.0.owner" in problem(response, 400)["errors"]
    assert not ActionItem.objects.exists()


def test_an_objective_of_someone_else_is_refused(manager, report, peer, cycle):
    from tests.factories import make_objective

    pauls = make_objective(cycle, employee=peer, title="Paul's")
    response = client_for(manager).post(
        LIST, new_session(report, objectives=[{"objective": pauls.pk}]), format="json"
    )
    assert "objectives.0.objective" in problem(response, 400)["errors"]
    assert not CoachingSession.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_who_may_coach_rob_records_a_session_with_him(client, request, report, role):
    person = request.getfixturevalue(role)
    client.force_login(person)
    page = client.get(reverse("coaching:session_new") + f"?employee={report.pk}")
    response = client_for(person).post(LIST, new_session(report), format="json")
    assert outcome(response.status_code) == outcome(page.status_code)
    if response.status_code == 201:
        assert CoachingSession.objects.get().coach == person
    else:
        problem(response, page.status_code)
        assert not CoachingSession.objects.exists()


def test_a_person_who_does_not_exist_is_not_found(manager):
    response = client_for(manager).post(
        LIST, {"employee": 2_000_000_000, "type": "guidance"}, format="json"
    )
    problem(response, 404)


def test_a_read_only_token_records_nothing(manager, report):
    api = client_for(manager, ApiToken.Scope.READ)
    problem(api.post(LIST, new_session(report), format="json"), 403)
    assert not CoachingSession.objects.exists()


@pytest.mark.parametrize(
    "body",
    [[], 5, {"employee": "x"}, {"employee": [1]}, {"employee": 1, "held_on": {"a": 1}}],
)
def test_garbage_is_a_400_never_a_500(manager, report, body):
    if isinstance(body, dict) and body.get("employee") == 1:
        body = {**body, "employee": report.pk}
    response = client_for(manager).post(LIST, body, format="json")
    problem(response, 400)


def test_the_list_is_filtered_by_person(manager, report, indirect_report, session):
    CoachingSession.objects.create(coach=manager, employee=indirect_report, type="guidance")
    rows = client_for(manager).get(LIST, {"employee": indirect_report.pk}).json()["results"]
    assert [row["employee"] for row in rows] == [indirect_report.pk]
    problem(client_for(manager).get(LIST, {"employee": "abc"}), 400)


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_for_3_or_30_sessions(
    manager, report, count, django_assert_max_num_queries
):
    CoachingSession.objects.bulk_create(
        CoachingSession(coach=manager, employee=report, type="guidance") for _ in range(count)
    )
    api = client_for(manager)
    with django_assert_max_num_queries(8):
        response = api.get(LIST)
    assert len(response.json()["results"]) == count
