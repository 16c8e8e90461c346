"""What a second tester found: two overlapping rounds subtracted to read one answer, a
live count, confusing menu words, Open/Close on one click, names given twice, wrong
messages on a closed round."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import formats, timezone

from coaching.feedback_models import FeedbackParticipation, FeedbackResponse, FeedbackRound
from tests.feedback.conftest import answer, close, make_round, open_round, settle
from tests.webtest_helpers import errors_beside, form_with_button, messages, press

pytestmark = pytest.mark.django_db

NEW = reverse("coaching:feedback_round_new")


def short(day: dt.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def create(django_app, hr, name: str, opens_on: dt.date, closes_on: dt.date):
    form = form_with_button(django_app.get(NEW, user=hr), "Create the round")
    form["name"] = name
    form["opens_on"] = opens_on.isoformat()
    form["closes_on"] = closes_on.isoformat()
    return press(form, "Create the round")


def open_by_hand(django_app, hr, feedback_round: FeedbackRound):
    page = django_app.get(feedback_round.get_absolute_url(), user=hr)
    confirm = page.click("Open the round…")
    return press(form_with_button(confirm, "Open the round"), "Open the round").follow()


def close_by_hand(django_app, hr, feedback_round: FeedbackRound):
    page = django_app.get(feedback_round.get_absolute_url(), user=hr)
    confirm = page.click("Close the round…")
    return press(form_with_button(confirm, "Close the round"), "Close the round").follow()


# --- 1. Two rounds over the same days -------------------------------------------------


def test_a_second_round_over_the_same_days_is_refused(django_app, hr, manager, team):
    """The attack: two rounds at once, three answer both, a fourth only the second;
    subtracting one from the other would give the fourth's exact answer."""
    settle()
    today = timezone.localdate()
    closes = today + dt.timedelta(days=14)
    create(django_app, hr, "First", today, closes)
    create(django_app, hr, "Second", today, closes)
    first, second = (
        FeedbackRound.objects.get(name="First"),
        FeedbackRound.objects.get(name="Second"),
    )
    open_by_hand(django_app, hr, first)
    after = open_by_hand(django_app, hr, second)
    assert messages(after) == [
        f"This round's days ({short(today)} – {short(closes)}) overlap those of the round "
        f"“First” ({short(today)} – {short(closes)}). Two rounds over the same days would "
        f"let their results be subtracted to reveal one person's answer: choose days after "
        f"{short(closes)}, then open it."
    ]
    second.refresh_from_db()
    assert second.state == "draft"
    assert not FeedbackParticipation.objects.filter(round=second).exists()


def test_a_round_overlapping_a_closed_one_is_refused_even_by_a_hand_built_post(
    client, hr, manager, team
):
    earlier = open_round(hr, name="Earlier")
    close(earlier)  # closed by hand today: it ran until today
    later = make_round(hr, name="Later")
    FeedbackRound.objects.filter(pk=earlier.pk).update(
        opens_on=timezone.localdate() - dt.timedelta(days=10), closes_on=timezone.localdate()
    )
    client.force_login(hr)
    client.post(
        reverse("coaching:feedback_round_step", args=[later.pk]),
        {"action": "open", "version": str(later.version)},
    )
    later.refresh_from_db()
    assert later.state == "draft"
    assert not FeedbackParticipation.objects.filter(round=later).exists()


def test_closing_early_ends_the_round_today_and_the_next_may_open_tomorrow(
    django_app, hr, manager, team
):
    settle()
    today = timezone.localdate()
    create(django_app, hr, "Spring", today, today + dt.timedelta(days=14))
    spring = FeedbackRound.objects.get(name="Spring")
    open_by_hand(django_app, hr, spring)
    for person in team:
        answer(spring, person)
    close_by_hand(django_app, hr, spring)
    spring.refresh_from_db()
    assert spring.closes_on == today  # the dates shown are the real ones
    tomorrow = today + dt.timedelta(days=1)
    with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False):
        create(django_app, hr, "Summer", tomorrow, tomorrow + dt.timedelta(days=14))
        summer = FeedbackRound.objects.get(name="Summer")
        after = open_by_hand(django_app, hr, summer)
    assert messages(after) == ["The round is open: 3 people were invited."]
    summer.refresh_from_db()
    assert summer.state == "open"


def test_a_round_opened_after_its_opening_day_runs_from_the_day_it_opened(
    django_app, hr, manager, team
):
    settle()
    today = timezone.localdate()
    create(django_app, hr, "Late", today - dt.timedelta(days=5), today + dt.timedelta(days=9))
    late = FeedbackRound.objects.get(name="Late")
    page = open_by_hand(django_app, hr, late)
    late.refresh_from_db()
    assert late.opens_on == today
    assert f"From {short(today)} to " in page.text


# --- 2. No count while open -----------------------------------------------------------


def test_hr_sees_no_count_while_the_round_is_open(django_app, hr, manager, team):
    feedback_round = open_round(hr)
    before = django_app.get(feedback_round.get_absolute_url(), user=hr)
    answer(feedback_round, team[0])
    after = django_app.get(feedback_round.get_absolute_url(), user=hr)
    assert "Counts and results appear once the round is closed." in after.text
    section = after.html.select_one("main")
    assert "answered" not in section.select_one("[data-testid=round-answered]").get_text()
    assert before.html.select_one("main").get_text() == section.get_text()  # nothing moved
    listing = django_app.get(reverse("coaching:feedback_round_list"), user=hr)
    assert "answered" not in listing.html.select_one("[data-testid=feedback-rounds]").get_text()


# --- 3. Menu words --------------------------------------------------------------------


def test_the_menu_says_whose_feedback_is_which(django_app, hr, manager, team):
    open_round(hr)
    results = django_app.get("/", user=manager).click("Feedback from my team")
    assert results.request.path == reverse("coaching:feedback_mine")
    assert "<title>Feedback from my team" in results.text
    todo = django_app.get("/", user=team[0]).click("Rate the coaching you receive")
    assert todo.request.path == reverse("coaching:feedback_todo")
    assert "Feedback on" not in django_app.get("/", user=manager).text


# --- 4. Open and Close are confirmed --------------------------------------------------


def test_opening_is_confirmed_on_its_own_page(django_app, hr, manager, team):
    feedback_round = make_round(hr)
    page = django_app.get(feedback_round.get_absolute_url(), user=hr)
    confirm = page.click("Open the round…")
    assert "3 people will be invited now, in the app and by e-mail." in confirm.text
    feedback_round.refresh_from_db()
    assert feedback_round.state == "draft"  # the click alone did nothing
    press(form_with_button(confirm, "Open the round"), "Open the round")
    feedback_round.refresh_from_db()
    assert feedback_round.state == "open"


def test_closing_is_confirmed_on_its_own_page(django_app, hr, manager, team):
    feedback_round = open_round(hr)
    confirm = django_app.get(feedback_round.get_absolute_url(), user=hr).click("Close the round…")
    assert "No more answers are taken" in confirm.text
    assert "results, where enough people answered, show at once" in confirm.text
    feedback_round.refresh_from_db()
    assert feedback_round.state == "open"
    confirm.click("Cancel")
    press(form_with_button(confirm, "Close the round"), "Close the round")
    feedback_round.refresh_from_db()
    assert feedback_round.state == "closed"


# --- 5. Names tell rounds apart -------------------------------------------------------


def test_a_name_already_used_is_refused_beside_the_field(django_app, hr):
    make_round(hr, name="Spring feedback")
    today = timezone.localdate()
    page = create(django_app, hr, "spring FEEDBACK", today, today + dt.timedelta(days=9))
    assert errors_beside(page, "name") == [
        "Another round is already called “spring FEEDBACK”: choose a name that tells them apart."
    ]
    assert FeedbackRound.objects.count() == 1


def test_a_draft_keeps_its_own_name_when_saved(django_app, hr):
    feedback_round = make_round(hr, name="Spring feedback")
    page = django_app.get(feedback_round.get_absolute_url(), user=hr)
    after = press(form_with_button(page, "Save the round"), "Save the round").follow()
    assert messages(after) == ["The round and its questions are saved."]


# --- 6. The right words for a closed round --------------------------------------------


def test_a_closed_round_says_it_is_closed(django_app, client, hr, manager, team):
    feedback_round = close(open_round(hr))
    client.force_login(hr)
    edit = client.post(feedback_round.get_absolute_url(), {"name": "Changed"}, follow=True)
    assert [str(m) for m in edit.context["messages"]] == [
        "The round is closed: its questions no longer change."
    ]
    step = reverse("coaching:feedback_round_step", args=[feedback_round.pk])
    opened = client.post(
        step, {"action": "open", "version": str(feedback_round.version)}, follow=True
    )
    assert [str(m) for m in opened.context["messages"]] == [
        "The round is closed: it cannot be opened again."
    ]
    closed = client.post(
        step, {"action": "close", "version": str(feedback_round.version)}, follow=True
    )
    assert [str(m) for m in closed.context["messages"]] == ["The round is closed already."]
    feedback_round.refresh_from_db()
    assert feedback_round.state == "closed" and feedback_round.name == "Spring"
    assert not FeedbackResponse.objects.exists()


# --- 7. Chinese: a feedback question is not the review table's inquiry ---------------


def test_the_results_table_question_is_not_the_review_tables_inquiry(django_app, hr, team):
    feedback_round = open_round(hr)
    for person in team:
        answer(feedback_round, person)
    close(feedback_round)
    hr.language = "zh-hans"
    hr.save(update_fields=["language"])
    page = django_app.get(feedback_round.get_absolute_url(), user=hr)
    header = page.html.select_one("[data-testid=feedback-scores] thead").get_text(" ")
    assert "平均分" in header  # the page is in Chinese
    assert "质询" not in header  # "Question" carries the message context "feedback"


# --- 8. Phone: the dashboard's newest round first, "Mean" on one line ----------------


def test_the_dashboard_table_scrolls_in_its_box_and_mean_does_not_wrap(
    django_app, hr, manager, team
):
    feedback_round = open_round(hr)
    for person in team:
        answer(feedback_round, person)
    close(feedback_round)
    dashboard = django_app.get(reverse("reviews:dashboard"), user=hr)
    table = dashboard.html.select_one("[data-testid=feedback-dashboard-table]")
    assert "table-responsive" in table.parent["class"]
    page = django_app.get(feedback_round.get_absolute_url(), user=hr)
    mean = page.html.select_one("[data-testid=feedback-scores] thead th:last-child")
    assert mean.get_text(strip=True) == "Mean" and "text-nowrap" in mean["class"]
