"""A round's dates hold: it does not close in the past, does not open before its
opening day, and takes no answer after its closing day even before the daily job
closes it. A draft can be deleted, after a confirmation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from coaching.feedback_models import FeedbackParticipation, FeedbackResponse, FeedbackRound
from tests.feedback.conftest import confirmed, make_round, open_round
from tests.webtest_helpers import errors_beside, form_with_button, messages, press

pytestmark = pytest.mark.django_db

PAST = "The closing day has passed: choose today or later."


def new_round_form(django_app, hr):
    return form_with_button(
        django_app.get(reverse("coaching:feedback_round_new"), user=hr), "Create the round"
    )


def test_a_round_closing_before_today_is_refused_beside_the_field(django_app, hr):
    today = timezone.localdate()
    form = new_round_form(django_app, hr)
    form["name"] = "Late"
    form["opens_on"] = (today - dt.timedelta(days=20)).isoformat()
    form["closes_on"] = (today - dt.timedelta(days=1)).isoformat()
    page = press(form, "Create the round")
    assert errors_beside(page, "closes_on") == [PAST]
    assert not FeedbackRound.objects.exists()


def test_a_round_closing_today_is_accepted(django_app, hr):
    today = timezone.localdate()
    form = new_round_form(django_app, hr)
    form["name"] = "Today"
    form["opens_on"] = today.isoformat()
    form["closes_on"] = today.isoformat()
    press(form, "Create the round").follow()
    assert FeedbackRound.objects.filter(name="Today").exists()


def test_editing_a_draft_to_close_in_the_past_is_refused(django_app, hr):
    feedback_round = make_round(hr)
    form = form_with_button(
        django_app.get(feedback_round.get_absolute_url(), user=hr), "Save the round"
    )
    form["closes_on"] = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    form["opens_on"] = (timezone.localdate() - dt.timedelta(days=9)).isoformat()
    page = press(form, "Save the round")
    assert errors_beside(page, "closes_on") == [PAST]


def test_a_round_does_not_open_before_its_opening_day(django_app, hr, team):
    feedback_round = make_round(hr)
    opens = timezone.localdate() + dt.timedelta(days=7)
    FeedbackRound.objects.filter(pk=feedback_round.pk).update(
        opens_on=opens, closes_on=opens + dt.timedelta(days=14)
    )
    page = django_app.get(feedback_round.get_absolute_url(), user=hr)
    shown = formats.date_format(opens, "SHORT_DATE_FORMAT")
    assert f"It can be opened from {shown}, its opening day." in page.text
    after = confirmed(page, "Open the round").follow()
    assert messages(after) == [f"This round opens on {shown}: open it on that day or later."]
    feedback_round.refresh_from_db()
    assert feedback_round.state == "draft"
    assert not FeedbackParticipation.objects.exists()


def test_no_answer_after_the_closing_day_even_before_the_daily_job(django_app, client, hr, team):
    feedback_round = open_round(hr)
    FeedbackRound.objects.filter(pk=feedback_round.pk).update(
        opens_on=timezone.localdate() - dt.timedelta(days=10),
        closes_on=timezone.localdate() - dt.timedelta(days=1),
    )
    rob = team[0]
    todo = django_app.get(reverse("coaching:feedback_todo"), user=rob)
    assert "Nothing to answer right now." in todo.text
    url = reverse("coaching:feedback_answer", args=[feedback_round.pk])
    assert messages(django_app.get(url, user=rob).follow()) == ["This round is not taking answers."]
    client.force_login(rob)
    scores = {f"score_{q.pk}": "3" for q in feedback_round.questions.all()}
    client.post(url, scores)
    assert not FeedbackResponse.objects.exists()
    assert not FeedbackParticipation.objects.filter(answered=True).exists()


def test_hr_deletes_a_draft_after_confirming(django_app, hr):
    feedback_round = make_round(hr)
    page = django_app.get(feedback_round.get_absolute_url(), user=hr).click("Delete the draft…")
    assert "Delete the draft round “Spring”?" in page.text
    assert FeedbackRound.objects.filter(pk=feedback_round.pk).exists()  # not yet
    after = press(form_with_button(page, "Delete the draft round"), "Delete the draft round")
    assert messages(after.follow()) == ["The draft round is deleted."]
    assert not FeedbackRound.objects.exists()


def test_an_open_round_cannot_be_deleted(django_app, client, hr, team):
    feedback_round = open_round(hr)
    page = django_app.get(feedback_round.get_absolute_url(), user=hr)
    assert "Delete the draft" not in page.text
    client.force_login(hr)
    url = reverse("coaching:feedback_round_delete", args=[feedback_round.pk])
    client.post(url, {"version": str(feedback_round.version)})
    assert FeedbackRound.objects.filter(pk=feedback_round.pk, state="open").exists()


def test_the_answers_needed_field_says_three_or_more(django_app, hr):
    form = new_round_form(django_app, hr)
    field = form.html.select_one("[name=min_answers]")
    assert (field["min"], field["max"]) == ("3", "50")


def test_the_answer_sheet_says_hr_sees_the_results_too(django_app, hr, team):
    feedback_round = open_round(hr)
    page = django_app.get(
        reverse("coaching:feedback_answer", args=[feedback_round.pk]), user=team[0]
    )
    note = " ".join(page.html.select_one("[data-testid=feedback-anonymity]").get_text().split())
    assert "Maria Manager and HR see only the results of everyone Maria Manager coaches" in note
    assert "at least 3 people outside HR answered" in note


def test_the_results_chart_counts_whole_people(django_app, hr, team, manager):
    from tests.feedback.conftest import answer, close

    feedback_round = open_round(hr)
    for person in team:
        answer(feedback_round, person)
    close(feedback_round)
    page = django_app.get(reverse("coaching:feedback_mine"), user=manager)
    assert page.html.select_one("canvas[data-chart]").has_attr("data-integer")


def test_on_a_phone_the_rounds_list_says_each_rounds_dates_under_its_name(django_app, hr):
    make_round(hr)
    page = django_app.get(reverse("coaching:feedback_round_list"), user=hr)
    line = " ".join(page.html.select_one("[data-testid=feedback-round-phone]").get_text().split())
    assert line.endswith("0 invited · 3 answers needed")


def test_a_draft_whose_closing_day_has_passed_does_not_open(django_app, hr, team):
    feedback_round = make_round(hr)
    closed_on = timezone.localdate() - dt.timedelta(days=1)
    FeedbackRound.objects.filter(pk=feedback_round.pk).update(
        opens_on=closed_on - dt.timedelta(days=7), closes_on=closed_on
    )
    page = django_app.get(feedback_round.get_absolute_url(), user=hr)
    after = confirmed(page, "Open the round").follow()
    shown = formats.date_format(closed_on, "SHORT_DATE_FORMAT")
    assert messages(after) == [
        f"This round's closing day, {shown}, has passed: change it, then open it."
    ]
    assert not FeedbackParticipation.objects.exists()
