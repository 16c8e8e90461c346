"""An invited person answers once, anonymously, while the round is open."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coaching.feedback_models import FeedbackAnswer, FeedbackParticipation, FeedbackResponse
from tests.factories import UserFactory
from tests.feedback.conftest import answer, close, open_round
from tests.webtest_helpers import choose, errors_beside, form_with_button, messages, press

pytestmark = pytest.mark.django_db

TODO = reverse("coaching:feedback_todo")
SEND = "Send my answer"


def fill(form, scores=("5 — very much", "4", "3"), comment="Clear, concrete advice."):
    questions = [name for name in form.fields if name and name.startswith("score_")]
    for name, label in zip(questions, scores, strict=False):
        choose(form, name, label)
    form[questions[0].replace("score_", "comment_")] = comment


def test_an_invited_person_finds_the_round_from_the_menu_and_answers(django_app, hr, team):
    feedback_round = open_round(hr)
    home = django_app.get("/", user=team[1])
    page = home.click("Rate the coaching you receive").click("Spring")
    assert "About the coaching you received from Maria Manager" in page.text
    form = form_with_button(page, SEND)
    fill(form)
    after = press(form, SEND).follow()
    assert messages(after) == ["Thank you: your answer is in, without your name."]
    assert "Nothing to answer right now." in after.text
    assert "nav-feedback" not in after.text  # nothing left to answer: no menu entry
    response = FeedbackResponse.objects.get()
    assert response.group.manager == team[0].manager
    assert sorted(a.score for a in response.answers.all()) == [3, 4, 5]
    assert FeedbackAnswer.objects.get(comment="Clear, concrete advice.").score == 5
    assert FeedbackParticipation.objects.get(round=feedback_round, employee=team[1]).answered


def test_the_page_says_before_sending_that_the_answer_cannot_be_seen_or_changed(
    django_app, hr, team
):
    feedback_round = open_round(hr)
    page = django_app.get(
        reverse("coaching:feedback_answer", args=[feedback_round.pk]), user=team[0]
    )
    note = page.html.select_one("[data-testid=feedback-anonymity]").get_text(" ", strip=True)
    assert "Once you send it, you cannot see or change your answer." in note
    assert "without your name" in note


def test_each_question_is_a_labelled_scale_of_five_with_an_optional_comment(django_app, hr, team):
    feedback_round = open_round(hr)
    page = django_app.get(
        reverse("coaching:feedback_answer", args=[feedback_round.pk]), user=team[0]
    )
    form = form_with_button(page, SEND)
    from tests.webtest_helpers import options

    scores = [name for name in form.fields if name and name.startswith("score_")]
    assert len(scores) == 3
    assert options(form, scores[0]) == ["1 — not at all", "2", "3", "4", "5 — very much"]
    legends = [node.get_text(strip=True) for node in page.html.select("fieldset legend")]
    assert legends[0] == "1. How useful was the coaching you received from your manager?"


def test_a_score_is_required_for_every_question(django_app, hr, team):
    feedback_round = open_round(hr)
    page = django_app.get(
        reverse("coaching:feedback_answer", args=[feedback_round.pk]), user=team[0]
    )
    form = form_with_button(page, SEND)
    fill(form, scores=("4",))
    page = press(form, SEND)
    second = [name for name in form.fields if name and name.startswith("score_")][1]
    assert errors_beside(page, second) == ["Choose a score from 1 to 5."]
    assert not FeedbackResponse.objects.exists()


def test_a_second_answer_from_the_same_page_writes_nothing(django_app, hr, team):
    """A double click or a second tab: the same form sent twice."""
    feedback_round = open_round(hr)
    page = django_app.get(
        reverse("coaching:feedback_answer", args=[feedback_round.pk]), user=team[0]
    )
    form = form_with_button(page, SEND)
    fill(form)
    press(form, SEND).follow()
    after = press(form, SEND).follow()
    assert messages(after)[0].startswith("You have already answered")
    assert FeedbackResponse.objects.count() == 1
    assert FeedbackAnswer.objects.count() == 3


def test_a_replayed_post_writes_nothing(client, hr, team):
    feedback_round = open_round(hr)
    answer(feedback_round, team[0])
    questions = list(feedback_round.questions.values_list("pk", flat=True))
    client.force_login(team[0])
    data = {f"score_{pk}": "1" for pk in questions}
    response = client.post(
        reverse("coaching:feedback_answer", args=[feedback_round.pk]), data, follow=True
    )
    assert "You have already answered" in response.content.decode()
    assert FeedbackResponse.objects.count() == 1


def test_after_answering_the_sheet_is_not_shown_again(django_app, hr, team):
    feedback_round = open_round(hr)
    answer(feedback_round, team[0], comment="Secret remark")
    page = django_app.get(
        reverse("coaching:feedback_answer", args=[feedback_round.pk]), user=team[0]
    ).follow()
    assert messages(page)[0].startswith("You have already answered")
    assert "Secret remark" not in page.text
    assert not page.html.select("[data-testid=feedback-answer-form]")


def test_a_closed_round_takes_no_answer(client, hr, team):
    feedback_round = close(open_round(hr))
    questions = list(feedback_round.questions.values_list("pk", flat=True))
    client.force_login(team[0])
    response = client.post(
        reverse("coaching:feedback_answer", args=[feedback_round.pk]),
        {f"score_{pk}": "5" for pk in questions},
        follow=True,
    )
    assert "This round is not taking answers." in response.content.decode()
    assert not FeedbackResponse.objects.exists()
    assert not FeedbackParticipation.objects.filter(answered=True).exists()


def test_an_answer_to_another_rounds_question_is_dropped(client, hr, team):
    other = open_round(hr, name="Other")  # an earlier round, its days passed
    feedback_round = open_round(hr)
    client.force_login(team[0])
    data = {f"score_{pk}": "5" for pk in feedback_round.questions.values_list("pk", flat=True)}
    data[f"score_{other.questions.first().pk}"] = "1"
    client.post(reverse("coaching:feedback_answer", args=[feedback_round.pk]), data)
    assert FeedbackAnswer.objects.count() == 3
    assert set(FeedbackAnswer.objects.values_list("question__round", flat=True)) == {
        feedback_round.pk
    }


def test_someone_who_moved_answers_about_the_manager_of_their_group(
    django_app, hr, team, other_manager
):
    feedback_round = open_round(hr)
    mover = team[2]
    mover.manager = other_manager
    mover.save(update_fields=["manager"])
    page = django_app.get(reverse("coaching:feedback_answer", args=[feedback_round.pk]), user=mover)
    assert "About the coaching you received from Maria Manager" in page.text
    fill(form := form_with_button(page, SEND))
    press(form, SEND)
    assert FeedbackResponse.objects.get().group.manager == team[0].manager


def test_someone_not_invited_cannot_open_the_sheet(django_app, hr, team, outsider):
    feedback_round = open_round(hr)
    late = UserFactory(manager=team[0].manager)  # joined after the round opened
    for person in (outsider, late, team[0].manager, hr):
        django_app.get(
            reverse("coaching:feedback_answer", args=[feedback_round.pk]), user=person, status=404
        )
