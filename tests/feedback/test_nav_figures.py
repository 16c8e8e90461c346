"""The menu's upward-feedback link is a cached figure (issue 21 §2), never stale: a round
that opens shows it to the team on their next page; answering or closing takes it away."""

from __future__ import annotations

from django.urls import reverse

from tests.feedback.conftest import answer, close, open_round


def feedback_link(django_app, person) -> bool:
    page = django_app.get(reverse("home"), user=person)
    return page.html.select_one('[data-testid="nav-feedback"]') is not None


def test_the_feedback_link_follows_the_round_and_the_answer(django_app, hr, team):
    rob, sam = team[0], team[1]
    assert not feedback_link(django_app, rob)
    feedback_round = open_round(hr)
    assert feedback_link(django_app, rob) and feedback_link(django_app, sam)
    answer(feedback_round, rob)
    assert not feedback_link(django_app, rob)
    assert feedback_link(django_app, sam)
    close(feedback_round)
    assert not feedback_link(django_app, sam)
