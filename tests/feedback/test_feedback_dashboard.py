"""The HR dashboard: results per manager over the last four closed rounds, only where
enough people answered, and a dash (never a count) elsewhere."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory
from tests.feedback.conftest import answer, close, open_round

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("reviews:dashboard")


def table(page) -> list[list[str]]:
    section = page.html.select_one("[data-testid=feedback-dashboard-table]")
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in section.select("tr")
    ]


def run(hr, name: str, answers: dict[User, int]) -> None:
    feedback_round = open_round(hr, name=name)
    for person, score in answers.items():
        answer(feedback_round, person, (score, score, score))
    close(feedback_round)


def test_each_manager_round_by_round_the_last_four_rounds(django_app, hr, manager, team, peer):
    rob, sam, tia = team
    run(hr, "R1", {rob: 1, sam: 1, tia: 1})  # the fifth from last: not shown
    run(hr, "R2", {rob: 2, sam: 2, tia: 2})
    run(hr, "R3", {rob: 3, sam: 3})  # two of three: below
    run(hr, "R4", {rob: 4, sam: 4, tia: 4, peer: 1})
    run(hr, "R5", {rob: 5, sam: 5, tia: 4})
    rows = table(django_app.get(DASHBOARD, user=hr))
    assert rows == [
        ["Manager", "R5", "R4", "R3", "R2"],  # the newest first: seen first on a phone
        ["Maria Manager", "4.7", "4.0", "—", "2.0"],
    ]
    text = django_app.get(DASHBOARD, user=hr).html.select_one("[data-testid=feedback-dashboard]")
    words = " ".join(text.get_text(" ").split())
    assert "where at least 3 people answered; a dash where fewer did." in words
    assert "Olga" not in words  # one answer of one, in every round


def test_the_dashboard_costs_the_same_queries_at_two_sizes(client, hr, manager, team):
    run(hr, "One", dict.fromkeys(team, 4))
    client.force_login(hr)
    client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as small:
        client.get(DASHBOARD)
    for number in range(4):
        boss = UserFactory(full_name=f"Boss {number}")
        for _ in range(3):
            UserFactory(manager=boss)
    for name in ("Two", "Three", "Four", "Five"):
        feedback_round = open_round(hr, name=name)
        for participation in feedback_round.groups.all():
            for person in participation.participants.all():
                answer(feedback_round, person.employee, (3, 3, 3))
        close(feedback_round)
    client.get(DASHBOARD)  # the menu's remembered answer was forgotten by the closes
    with CaptureQueriesContext(connection) as big:
        page = client.get(DASHBOARD)
    assert "Boss 3" in page.content.decode()
    assert len(big) == len(small)
