"""The demo's upward feedback (issue 18 §2), for ``manage.py seed_demo``.

- "Spring feedback", closed: Priya Nair's team answered above the threshold (three of
  them), so she and HR see her results; Tom Becker's team answered once, below it, so
  nobody sees anything of his. It was opened on its opening day, 75 days ago, and
  answered then: the groups are the teams as settled 30 days before that day;
- "Autumn feedback", open until two weeks from today: Emma Wilson has still to answer.

Idempotent: a round that exists by its name is left as it is.
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
CLOSED_ROUND = "Spring feedback"
OPEN_ROUND = "Autumn feedback"
# (email, the score of each question, a comment on the first one) of who answered.
SPRING_ANSWERS = [
    ("emma.wilson@example.com", (5, 4, 4), "The weekly pipeline review helps me a lot."),
    ("wang.fang@example.com", (4, 3, 5), "More concrete examples in feedback, please."),
    ("jack.turner@example.com", (4, 4, 3), ""),
    ("lucas.silva@example.com", (3, 3, 2), "Hard to get time for coaching."),  # Tom's team
]
AUTUMN_ANSWERS = [
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


def _round(
    hr: User, name: str, opens_on: dt.date, closes_on: dt.date
) -> tuple[FeedbackRound, bool]:
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
    today = timezone.localdate()
    spring, made = _round(
        hr, CLOSED_ROUND, today - dt.timedelta(days=75), today - dt.timedelta(days=45)
    )
    if made:
        with demo_clock(at(spring.opens_on, 14)):
            _answer(spring, SPRING_ANSWERS, today=spring.opens_on)
        with demo_clock(at(spring.closes_on, 18)):
            feedback_round_close(feedback_round=spring)
    autumn, made = _round(
        hr, OPEN_ROUND, today - dt.timedelta(days=3), today + dt.timedelta(days=14)
    )
    if made:
        _answer(autumn, AUTUMN_ANSWERS)
