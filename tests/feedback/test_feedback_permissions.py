"""Every upward feedback URL as every persona: refused requests write nothing; the
results pages cost the same number of queries whatever their size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coaching.feedback_models import (
    FeedbackAnswer,
    FeedbackGroup,
    FeedbackParticipation,
    FeedbackQuestion,
    FeedbackResponse,
    FeedbackRound,
)
from tests.factories import UserFactory
from tests.feedback.conftest import answer, close, make_round, open_round

pytestmark = pytest.mark.django_db

PERSONAS = ["manager", "report", "indirect_report", "peer", "other_manager", "hr", "outsider"]


def snapshot() -> tuple[int, ...]:
    """Everything feedback writes, counted (and the states of the rounds)."""
    return (
        FeedbackRound.objects.count(),
        FeedbackRound.objects.filter(state="draft").count(),
        FeedbackRound.objects.filter(state="open").count(),
        FeedbackQuestion.objects.count(),
        FeedbackGroup.objects.count(),
        FeedbackParticipation.objects.filter(answered=True).count(),
        FeedbackResponse.objects.count(),
        FeedbackAnswer.objects.count(),
        sum(FeedbackRound.objects.values_list("version", flat=True)),
    )


@pytest.fixture
def everyone(manager, report, indirect_report, peer, other_manager, hr, outsider, team):
    return {
        "manager": manager,
        "report": report,
        "indirect_report": indirect_report,
        "peer": peer,
        "other_manager": other_manager,
        "hr": hr,
        "outsider": outsider,
    }


@pytest.fixture
def rounds(hr, everyone):
    draft = make_round(hr, name="Draft")
    opened = open_round(hr, name="Open")
    return draft, opened


def hr_only_requests(draft, opened):
    questions = list(draft.questions.all())
    edit = {
        "name": "Hacked",
        "opens_on": "2027-01-01",
        "closes_on": "2027-01-31",
        "min_answers": "3",
        "version": str(draft.version),
        "q-TOTAL_FORMS": "1",
        "q-INITIAL_FORMS": "1",
        "q-0-id": str(questions[0].pk),
        "q-0-position": "1",
        "q-0-text": "Hacked question",
    }
    return [
        ("GET", reverse("coaching:feedback_round_list"), {}),
        ("GET", reverse("coaching:feedback_round_new"), {}),
        (
            "POST",
            reverse("coaching:feedback_round_new"),
            {
                "name": "Mine",
                "opens_on": "2027-01-01",
                "closes_on": "2027-01-31",
                "min_answers": "3",
            },
        ),
        ("GET", draft.get_absolute_url(), {}),
        ("POST", draft.get_absolute_url(), edit),
        ("GET", opened.get_absolute_url(), {}),
        ("GET", reverse("coaching:feedback_round_step", args=[draft.pk]) + "?action=open", {}),
        ("GET", reverse("coaching:feedback_round_step", args=[opened.pk]) + "?action=close", {}),
        (
            "POST",
            reverse("coaching:feedback_round_step", args=[draft.pk]),
            {"action": "open", "version": str(draft.version)},
        ),
        (
            "POST",
            reverse("coaching:feedback_round_step", args=[opened.pk]),
            {"action": "close", "version": str(opened.version)},
        ),
        ("GET", reverse("coaching:feedback_round_delete", args=[draft.pk]), {}),
        (
            "POST",
            reverse("coaching:feedback_round_delete", args=[draft.pk]),
            {"version": str(draft.version)},
        ),
    ]


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "hr"])
def test_only_hr_runs_rounds(client, everyone, rounds, persona):
    client.force_login(everyone[persona])
    before = snapshot()
    for method, url, data in hr_only_requests(*rounds):
        response = client.get(url) if method == "GET" else client.post(url, data)
        assert response.status_code == 403, (method, url)
    assert snapshot() == before


def test_anonymous_visitors_are_sent_to_sign_in(client, rounds):
    draft, opened = rounds
    urls = [url for _method, url, _data in hr_only_requests(draft, opened)] + [
        reverse("coaching:feedback_todo"),
        reverse("coaching:feedback_mine"),
        reverse("coaching:feedback_answer", args=[opened.pk]),
    ]
    before = snapshot()
    for url in urls:
        assert client.get(url).status_code == 302
        assert client.post(url, {"action": "open"}).status_code in (302, 405)
    assert snapshot() == before


def test_hr_reaches_every_round_page(client, everyone, rounds):
    client.force_login(everyone["hr"])
    for method, url, _data in hr_only_requests(*rounds):
        if method == "GET":
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_invited_open_an_answer_sheet(client, everyone, rounds, persona):
    _draft, opened = rounds
    person = everyone[persona]
    invited = FeedbackParticipation.objects.filter(round=opened, employee=person).exists()
    client.force_login(person)
    url = reverse("coaching:feedback_answer", args=[opened.pk])
    assert client.get(url).status_code == (200 if invited else 404)
    before = snapshot()
    scores = {f"score_{q.pk}": "3" for q in opened.questions.all()}
    if not invited:
        assert client.post(url, scores).status_code == 404
        assert snapshot() == before
    # Nobody answers a draft round, invited or not.
    draft_url = reverse("coaching:feedback_answer", args=[_draft.pk])
    assert client.post(draft_url, scores).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("manager", 200),
        ("report", 200),  # Rob manages Ivy
        ("other_manager", 200),
        ("indirect_report", 403),
        ("peer", 403),
        ("hr", 403),
        ("outsider", 403),
    ],
)
def test_only_managers_have_a_feedback_on_my_coaching_page(
    client, everyone, rounds, persona, status
):
    client.force_login(everyone[persona])
    assert client.get(reverse("coaching:feedback_mine")).status_code == status


def test_a_former_manager_still_reads_their_groups(client, hr, manager, team):
    feedback_round = open_round(hr)
    for person in team:
        answer(feedback_round, person)
    close(feedback_round)
    for person in team:
        person.manager = None
        person.save(update_fields=["manager"])
    client.force_login(manager)
    assert client.get(reverse("coaching:feedback_mine")).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_has_a_list_of_rounds_to_answer(client, everyone, rounds, persona):
    client.force_login(everyone[persona])
    assert client.get(reverse("coaching:feedback_todo")).status_code == 200


# --- Query counts ---------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    client.get(url)  # the session's own queries are behind
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow_teams(teams: int) -> None:
    for number in range(teams):
        boss = UserFactory(full_name=f"Boss {number}")
        for _person in range(3):
            UserFactory(manager=boss)


def answered_round(hr, name: str) -> FeedbackRound:
    feedback_round = open_round(hr, name=name)
    for participation in FeedbackParticipation.objects.filter(round=feedback_round):
        answer(feedback_round, participation.employee, comment=f"Comment {participation.pk}")
    return close(feedback_round)


def test_the_results_pages_cost_the_same_queries_at_two_sizes(client, hr, manager, team):
    grow_teams(1)
    small = answered_round(hr, "Small")
    client.force_login(hr)
    hr_small = count_queries(client, small.get_absolute_url())
    dashboard_small = count_queries(client, reverse("reviews:dashboard"))
    list_small = count_queries(client, reverse("coaching:feedback_round_list"))
    client.force_login(manager)
    mine_small = count_queries(client, reverse("coaching:feedback_mine"))
    person_small = count_queries(client, reverse("accounts:person_detail", args=[manager.pk]))

    grow_teams(6)
    for person in range(3):
        UserFactory(manager=manager, full_name=f"More {person}")
    big = answered_round(hr, "Big")
    answered_round(hr, "Bigger")
    client.force_login(hr)
    assert count_queries(client, big.get_absolute_url()) == hr_small
    assert count_queries(client, reverse("reviews:dashboard")) == dashboard_small
    assert count_queries(client, reverse("coaching:feedback_round_list")) == list_small
    client.force_login(manager)
    assert count_queries(client, reverse("coaching:feedback_mine")) == mine_small
    assert (
        count_queries(client, reverse("accounts:person_detail", args=[manager.pk])) == person_small
    )
    assert hr_small <= 16 and mine_small <= 16


def test_the_list_to_answer_costs_the_same_queries_at_two_sizes(client, hr, team):
    open_round(hr, name="One")
    client.force_login(team[0])
    small = count_queries(client, reverse("coaching:feedback_todo"))
    for number in range(4):
        open_round(hr, name=f"More {number}")
    assert count_queries(client, reverse("coaching:feedback_todo")) == small
