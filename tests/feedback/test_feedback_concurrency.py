"""Two answers of one person at the same moment (two tabs, a replayed request): the
participation row is locked, so exactly one answer sheet is written."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from coaching.feedback import AlreadyAnswered, feedback_answer_submit
from coaching.feedback_models import FeedbackAnswer, FeedbackParticipation, FeedbackResponse
from tests.feedback.conftest import open_round


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
