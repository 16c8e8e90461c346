"""Two answers of one person at the same moment (two tabs, a replayed request): the
participation row is locked, so exactly one answer sheet is written."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from coaching.feedback import (
    AlreadyAnswered,
    RoundsOverlap,
    feedback_answer_submit,
    feedback_round_open,
)
from coaching.feedback_models import (
    FeedbackAnswer,
    FeedbackParticipation,
    FeedbackResponse,
    FeedbackRound,
)
from tests.feedback.conftest import make_round, open_round


@pytest.mark.django_db(transaction=True)
def test_two_answers_at_once_write_one_sheet(hr, team):
    feedback_round = open_round(hr)
    participation = FeedbackParticipation.objects.get(round=feedback_round, employee=team[0])
    sheet = [(q, 4, "") for q in feedback_round.questions.values_list("pk", flat=True)]
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def send() -> None:
        try:
            start.wait()
            feedback_answer_submit(participation=participation, answers=sheet)
            outcomes.append("written")
        except AlreadyAnswered:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "refused", "refused", "written"]
    assert FeedbackResponse.objects.count() == 1
    assert FeedbackAnswer.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_rounds_over_the_same_days_opened_at_once_open_one(hr, team):
    """Opening takes a lock first: of two overlapping rounds opened at the same moment,
    the second sees the first and is refused."""
    first = make_round(hr, name="First")
    second = make_round(hr, name="Second")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def open_it(feedback_round: FeedbackRound) -> None:
        try:
            start.wait()
            feedback_round_open(
                actor=hr, feedback_round=feedback_round, version=feedback_round.version
            )
            outcomes.append("opened")
        except RoundsOverlap:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=open_it, args=(r,)) for r in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["opened", "refused"]
    assert FeedbackRound.objects.filter(state="open").count() == 1
    assert FeedbackParticipation.objects.values("round").distinct().count() == 1
