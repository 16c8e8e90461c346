"""HR runs an upward feedback round: creates it, edits its questions as a draft, opens it
(one fixed group per manager, everyone told), closes it, or the daily job does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import Notification
from coaching.feedback import INVITED_SUBJECT
from coaching.feedback_models import (
    FeedbackGroup,
    FeedbackParticipation,
    FeedbackQuestion,
    FeedbackRound,
)
from reviews.jobs import month_end_generation_run
from tests.feedback.conftest import confirmed, make_round, open_round
from tests.webtest_helpers import errors_beside, form_with_button, messages, press

pytestmark = pytest.mark.django_db

LIST = "coaching:feedback_round_list"


def test_hr_creates_a_round_with_three_default_questions(django_app, hr):
    page = django_app.get(reverse(LIST), user=hr).click("New round")
    form = form_with_button(page, "Create the round")
    assert form["min_answers"].value == "3"
    form["name"] = "Spring 2027"
    form["opens_on"] = "2027-03-01"
    form["closes_on"] = "2027-03-21"
    after = press(form, "Create the round").follow()
    assert "The round is saved as a draft" in messages(after)[0]
    feedback_round = FeedbackRound.objects.get()
    assert (feedback_round.name, feedback_round.min_answers, feedback_round.state) == (
        "Spring 2027",
        3,
        "draft",
    )
    assert [q.text for q in feedback_round.questions.all()] == [
        "How useful was the coaching you received from your manager?",
        "How specific was the coaching you received?",
        "Did you get the support you asked for?",
    ]


@pytest.mark.parametrize("needed", ["2", "0", "-1"])
def test_fewer_than_three_answers_needed_is_refused_with_a_reason(django_app, hr, needed):
    form = form_with_button(
        django_app.get(reverse("coaching:feedback_round_new"), user=hr), "Create the round"
    )
    form["name"] = "Spring"
    form["opens_on"] = "2027-03-01"
    form["closes_on"] = "2027-03-21"
    form["min_answers"] = needed
    page = press(form, "Create the round")
    assert errors_beside(page, "min_answers") == [
        "At least 3 answers are needed before results are shown, so that nobody can be identified."
    ]
    assert not FeedbackRound.objects.exists()


def test_a_round_closes_after_it_opens(django_app, hr):
    form = form_with_button(
        django_app.get(reverse("coaching:feedback_round_new"), user=hr), "Create the round"
    )
    form["name"] = "Spring"
    form["opens_on"] = "2027-03-21"
    form["closes_on"] = "2027-03-01"
    page = press(form, "Create the round")
    assert errors_beside(page, "closes_on") == ["The round closes on or after the day it opens."]


def test_hr_edits_adds_removes_and_reorders_questions_of_a_draft(django_app, hr):
    feedback_round = make_round(hr)
    page = django_app.get(feedback_round.get_absolute_url(), user=hr)
    form = form_with_button(page, "Save the round")
    form["min_answers"] = "4"
    form["q-0-text"] = "How useful was the coaching?"
    form["q-0-position"] = "3"
    form["q-1-DELETE"] = True
    form["q-2-position"] = "1"
    form["q-3-text"] = "Would you like more coaching?"
    after = press(form, "Save the round").follow()
    assert messages(after) == ["The round and its questions are saved."]
    feedback_round.refresh_from_db()
    assert feedback_round.min_answers == 4
    assert [q.text for q in feedback_round.questions.all()] == [
        "Did you get the support you asked for?",
        "How useful was the coaching?",
        "Would you like more coaching?",
    ]


def test_a_round_keeps_at_least_one_question(django_app, hr):
    feedback_round = make_round(hr)
    form = form_with_button(
        django_app.get(feedback_round.get_absolute_url(), user=hr), "Save the round"
    )
    for index in range(3):
        form[f"q-{index}-DELETE"] = True
    page = press(form, "Save the round")
    assert "A round needs at least one question." in page.text
    assert feedback_round.questions.count() == 3


def test_opening_fixes_one_group_per_manager_and_tells_everyone(
    django_app,
    hr,
    manager,
    team,
    indirect_report,
    peer,
    other_manager,
    outsider,
    django_capture_on_commit_callbacks,
):
    feedback_round = make_round(hr)
    page = django_app.get(feedback_round.get_absolute_url(), user=hr)
    with django_capture_on_commit_callbacks(execute=True):
        after = confirmed(page, "Open the round").follow()
    assert messages(after) == ["The round is open: 5 people were invited."]
    groups = {g.manager: g for g in FeedbackGroup.objects.filter(round=feedback_round)}
    assert set(groups) == {manager, team[0], other_manager}  # Rob manages Ivy
    assert groups[manager].invited == 3
    invited = FeedbackParticipation.objects.filter(round=feedback_round)
    assert {p.employee for p in invited.filter(group=groups[manager])} == set(team)
    assert not invited.filter(employee__in=[outsider, hr, manager, other_manager]).exists()
    assert (
        Notification.objects.filter(recipient=peer, url=reverse("coaching:feedback_todo")).count()
        == 1
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        p.email for p in [*team, indirect_report, peer]
    )
    assert "Olga Other" in mail.outbox[[m.to[0] for m in mail.outbox].index(peer.email)].body


def test_an_invitation_is_in_the_persons_language(
    hr, report, manager, django_capture_on_commit_callbacks
):
    report.language = "zh-hans"
    report.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        feedback_round = open_round(hr)
    assert Notification.objects.filter(recipient=report).count() == 1
    message = next(m for m in mail.outbox if m.to == [report.email])
    with translation.override("zh-hans"):
        expected = gettext(INVITED_SUBJECT) % {"round": feedback_round.name}
    assert message.subject == expected


def test_a_person_who_has_left_or_whose_manager_has_left_is_not_invited(
    hr, manager, team, peer, other_manager
):
    team[1].is_active = False
    team[1].save(update_fields=["is_active"])
    other_manager.is_active = False
    other_manager.save(update_fields=["is_active"])
    feedback_round = open_round(hr)
    invited = set(
        FeedbackParticipation.objects.filter(round=feedback_round).values_list(
            "employee__email", flat=True
        )
    )
    assert invited == {team[0].email, team[2].email}


def test_an_open_round_no_longer_changes_its_questions(django_app, hr, team):
    feedback_round = make_round(hr)
    page = django_app.get(feedback_round.get_absolute_url(), user=hr)
    edit = form_with_button(page, "Save the round")
    confirmed(page, "Open the round").follow()
    edit["q-0-text"] = "Changed after opening"
    after = press(edit, "Save the round").follow()
    assert messages(after) == ["The round is open: its questions no longer change."]
    assert not FeedbackQuestion.objects.filter(text="Changed after opening").exists()


def test_opening_twice_from_two_tabs_opens_once(django_app, hr, team):
    feedback_round = make_round(hr)
    page = django_app.get(feedback_round.get_absolute_url(), user=hr)
    first = form_with_button(page.click("Open the round…"), "Open the round")
    second = form_with_button(page.click("Open the round…"), "Open the round")
    press(first, "Open the round").follow()
    after = press(second, "Open the round").follow()
    assert messages(after) == ["The round changed meanwhile. Look again, then try again."]
    assert FeedbackParticipation.objects.filter(round=feedback_round).count() == 3


def test_hr_closes_an_open_round(django_app, hr, team):
    feedback_round = open_round(hr)
    page = django_app.get(feedback_round.get_absolute_url(), user=hr)
    after = confirmed(page, "Close the round").follow()
    assert messages(after) == ["The round is closed: no more answers are taken."]
    feedback_round.refresh_from_db()
    assert feedback_round.state == "closed" and feedback_round.closed_at is not None


def test_the_daily_job_closes_rounds_past_their_closing_date(hr, team):
    feedback_round = open_round(hr)
    later = open_round(hr, name="Later")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    FeedbackRound.objects.filter(pk=feedback_round.pk).update(
        opens_on=yesterday - dt.timedelta(days=14), closes_on=yesterday
    )
    run = month_end_generation_run(force=True)
    feedback_round.refresh_from_db()
    later.refresh_from_db()
    assert (feedback_round.state, later.state) == ("closed", "open")
    assert "Upward feedback round closed: Spring." in run.detail
    again = month_end_generation_run(force=True)
    assert "Upward feedback round closed" not in again.detail


def test_the_menu_leads_each_role_to_its_feedback_page(django_app, hr, manager, team, peer):
    home = django_app.get("/", user=hr)
    assert home.click("Upward feedback rounds").request.path == reverse(LIST)
    mine = django_app.get("/", user=manager).click("Feedback from my team")
    assert mine.request.path == reverse("coaching:feedback_mine")
    assert "nav-feedback" not in django_app.get("/", user=peer).text  # nothing to answer yet
    open_round(hr)
    answer_link = django_app.get("/", user=peer).html.select_one("[data-testid=nav-feedback]")
    assert answer_link["href"] == reverse("coaching:feedback_todo")
