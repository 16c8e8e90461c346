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


def make_round(hr: User, *, name: str = "Spring", min_answers: int = 3) -> FeedbackRound:
    """A draft round, open from today for two weeks, everyone settled in their team."""
    settle()
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
    participation = FeedbackParticipation.objects.get(round=feedback_round, employee=person)
    questions = list(feedback_round.questions.values_list("pk", flat=True))
    feedback_answer_submit(
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


@pytest.fixture
def round_factory(hr) -> Callable[..., FeedbackRound]:
    return lambda **kwargs: open_round(hr, **kwargs)
