"""Upward feedback (issue 18 §2): Maria's team of three (Rob, Sam, Tia), Olga's of
one (Paul), and helpers that run a round the way HR and the team do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from accounts.models import Assignment, User
from coaching.feedback import (
    feedback_answer_submit,
    feedback_round_close,
    feedback_round_create,
    feedback_round_open,
)
from coaching.feedback_models import FeedbackParticipation, FeedbackRound
from tests.factories import UserFactory


@pytest.fixture
def team(manager, report, sales) -> list[User]:
    """Maria's direct reports: Rob, Sam and Tia."""
    return [
        report,
        UserFactory(
            email="sam@example.com", full_name="Sam Second", department=sales, manager=manager
        ),
        UserFactory(
            email="tia@example.com", full_name="Tia Third", department=sales, manager=manager
        ),
    ]


def settle(*, days: int = 365) -> None:
    """Everyone has been in their present place, and with the company, for ``days``:
    the factories' people start today, and a round invites only settled teams."""
    since = timezone.now() - dt.timedelta(days=days)
    User.objects.update(date_joined=since)
    Assignment.objects.filter(ended_at__isnull=False).delete()
    Assignment.objects.update(started_at=since)


def make_room() -> None:
    """Every round opened before is history: moved back, one month each, to end by
    yesterday (two rounds never share a day), keeping its state and answers."""
    today = timezone.localdate()
    earlier = FeedbackRound.objects.exclude(state=FeedbackRound.State.DRAFT).order_by("-pk")
    for months, feedback_round in enumerate(earlier):
        closes = today - dt.timedelta(days=30 * months + 1)
        FeedbackRound.objects.filter(pk=feedback_round.pk).update(
            opens_on=closes - dt.timedelta(days=28), closes_on=closes
        )


def make_round(hr: User, *, name: str = "Spring", min_answers: int = 3) -> FeedbackRound:
    """A draft round, open from today for two weeks, everyone settled in their team; the
    rounds opened before it moved into the past (``make_room``)."""
    settle()
    make_room()
    today = timezone.localdate()
    return feedback_round_create(
        actor=hr,
        name=name,
        opens_on=today,
        closes_on=today + dt.timedelta(days=14),
        min_answers=min_answers,
    )


def open_round(hr: User, **kwargs) -> FeedbackRound:
    feedback_round = make_round(hr, **kwargs)
    feedback_round_open(actor=hr, feedback_round=feedback_round, version=feedback_round.version)
    feedback_round.refresh_from_db()
    return feedback_round


def answer(
    feedback_round: FeedbackRound, person: User, scores=(4, 4, 4), comment: str = ""
) -> None:
    """``person`` answers during the round (on its last day, if it is history by now)."""
    participation = FeedbackParticipation.objects.get(round=feedback_round, employee=person)
    questions = list(feedback_round.questions.values_list("pk", flat=True))
    closes_on = FeedbackRound.objects.values_list("closes_on", flat=True).get(pk=feedback_round.pk)
    feedback_answer_submit(
        today=min(timezone.localdate(), closes_on),
        participation=participation,
        answers=[
            (question, score, comment if index == 0 else "")
            for index, (question, score) in enumerate(zip(questions, scores, strict=False))
        ],
    )


def close(feedback_round: FeedbackRound) -> FeedbackRound:
    feedback_round_close(feedback_round=feedback_round)
    feedback_round.refresh_from_db()
    return feedback_round


def confirmed(page, words: str):
    """Press ``words…`` on a round's page, then ``words`` on the page that confirms it
    (Open the round, Close the round)."""
    from tests.webtest_helpers import form_with_button, press

    return press(form_with_button(page.click(f"{words}…"), words), words)


@pytest.fixture
def round_factory(hr) -> Callable[..., FeedbackRound]:
    return lambda **kwargs: open_round(hr, **kwargs)
