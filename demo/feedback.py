"""The demo's upward feedback (issue 18 §2), for ``manage.py seed_demo``.

Each round is named after the months it runs in ("September–October 2026 feedback"):

- the closed round: Priya Nair's team answered above the threshold (three of
  them), so she and HR see her results; Tom Becker's team answered once, below it, so
  nobody sees anything of his. It was opened on its opening day, 75 days ago, and
  answered then: the groups are the teams as settled 30 days before that day;
- the open round, open until two weeks from today: Emma Wilson has still to answer.

Idempotent: a round that exists by its name is left as it is. Its invitations went out
when it opened and are recorded as sent then (see ``demo.outbox``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from coaching.feedback import (
    feedback_answer_submit,
    feedback_round_close,
    feedback_round_create,
    feedback_round_open,
)
from coaching.feedback_models import FeedbackParticipation, FeedbackRound
from demo.clock import at, demo_clock

HR_EMAIL = "sofia.rossi@example.com"
# (email, the score of each question, a comment on the first one) of who answered.
CLOSED_ANSWERS = [
    ("emma.wilson@example.com", (5, 4, 4), "The weekly pipeline review helps me a lot."),
    ("wang.fang@example.com", (4, 3, 5), "More concrete examples in feedback, please."),
    ("jack.turner@example.com", (4, 4, 3), ""),
    ("lucas.silva@example.com", (3, 3, 2), "Hard to get time for coaching."),  # Tom's team
]
OPEN_ANSWERS = [
    ("wang.fang@example.com", (4, 4, 4), "Much better prepared one-to-ones."),
]


def _answer(
    feedback_round: FeedbackRound,
    answers: Sequence[tuple[str, tuple[int, ...], str]],
    today: dt.date | None = None,
) -> None:
    questions = list(feedback_round.questions.values_list("pk", flat=True))
    for email, scores, comment in answers:
        participation = FeedbackParticipation.objects.filter(
            round=feedback_round, employee__email=email, answered=False
        ).first()
        if participation is None:
            continue  # not invited (left, or no manager): the demo answers for nobody else
        sheet = [
            (question, score, comment if index == 0 else "")
            for index, (question, score) in enumerate(zip(questions, scores, strict=False))
        ]
        feedback_answer_submit(participation=participation, answers=sheet, today=today)


def round_name(opens_on: dt.date, closes_on: dt.date) -> str:
    """A round's name after the months it runs in: "September–October 2026 feedback"."""
    if (opens_on.year, opens_on.month) == (closes_on.year, closes_on.month):
        return f"{opens_on:%B %Y} feedback"
    if opens_on.year == closes_on.year:
        return f"{opens_on:%B}–{closes_on:%B %Y} feedback"
    return f"{opens_on:%B %Y}–{closes_on:%B %Y} feedback"


def _round(hr: User, opens_on: dt.date, closes_on: dt.date) -> tuple[FeedbackRound, bool]:
    name = round_name(opens_on, closes_on)
    existing = FeedbackRound.objects.filter(name=name).first()
    if existing is not None:
        return existing, False
    # HR set it up and opened it on its opening morning.
    with demo_clock(at(opens_on, 9)):
        feedback_round = feedback_round_create(
            actor=hr, name=name, opens_on=opens_on, closes_on=closes_on, min_answers=3
        )
        feedback_round_open(
            actor=hr, feedback_round=feedback_round, version=feedback_round.version, today=opens_on
        )
    return feedback_round, True


@transaction.atomic
def demo_feedback_seed() -> None:
    hr = User.objects.filter(email=HR_EMAIL).first()
    if hr is None:
        return
    if FeedbackRound.objects.exists():
        return  # seeded before (maybe on another day, when the names were others)
    today = timezone.localdate()
    closed, made = _round(hr, today - dt.timedelta(days=75), today - dt.timedelta(days=45))
    if made:
        with demo_clock(at(closed.opens_on, 14)):
            _answer(closed, CLOSED_ANSWERS, today=closed.opens_on)
        with demo_clock(at(closed.closes_on, 18)):
            feedback_round_close(feedback_round=closed)
    current, made = _round(hr, today - dt.timedelta(days=3), today + dt.timedelta(days=14))
    if made:
        _answer(current, OPEN_ANSWERS)
