"""Improvement plans are followed up: review dates reminded to the coach and in the
calendar feed; a plan whose last review passed without an outcome asks for one."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import Notification, SentReminder
from coaching.models import CalendarFeed
from reviews.jobs import reminders_run
from tests.factories import make_objective
from tests.improvement_plans.conftest import plan_for
from tests.webtest_helpers import choose, form_with_button, messages, press

pytestmark = pytest.mark.django_db

REVIEW = dt.date(2026, 5, 14)


def run_on(day: dt.date, capture) -> None:
    moment = dt.datetime.combine(day, dt.time(9)).replace(tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False), capture(execute=True):
        reminders_run()


def subjects(person) -> list[str]:
    """The improvement plan e-mails ``person`` received (other reminders left out)."""
    return [
        str(m.subject)
        for m in mail.outbox
        if m.to == [person.email] and "improvement plan" in m.subject.lower()
    ]


def test_the_coach_is_reminded_the_day_before_and_on_the_day_once_each(
    manager, report, django_capture_on_commit_callbacks
):
    plan_for(employee=report, opened_by=manager, reviews=[REVIEW, REVIEW + dt.timedelta(days=14)])
    run_on(REVIEW - dt.timedelta(days=2), django_capture_on_commit_callbacks)
    assert subjects(manager) == []
    for _ in range(2):  # a re-run sends nothing twice
        run_on(REVIEW - dt.timedelta(days=1), django_capture_on_commit_callbacks)
    assert subjects(manager) == ["Improvement plan review tomorrow (14 May 2026): Rob Report."]
    run_on(REVIEW, django_capture_on_commit_callbacks)
    run_on(REVIEW, django_capture_on_commit_callbacks)
    assert subjects(manager)[1:] == ["Improvement plan review today: Rob Report."]
    assert subjects(report) == []  # the coach's reminder, not the person's
    notices = Notification.objects.filter(recipient=manager, message__icontains="improvement")
    assert notices.count() == 2 and notices.first().url.startswith("/coaching/improvement-plans/")
    assert SentReminder.objects.filter(kind__startswith="plan_review").count() == 2


def test_a_department_plan_reminds_the_head_above(
    manager, north, django_capture_on_commit_callbacks
):
    plan_for(department=north, reviews=[REVIEW])
    run_on(REVIEW, django_capture_on_commit_callbacks)
    assert subjects(manager) == ["Improvement plan review today: Sales North."]
    assert subjects(north.head) == []


def test_nothing_is_reminded_of_a_closed_plan_or_a_person_who_left(
    manager, report, indirect_report, django_capture_on_commit_callbacks
):
    plan_for(employee=report, reviews=[REVIEW], outcome="improved")
    indirect_report.is_active = False
    indirect_report.save(update_fields=["is_active"])
    plan_for(employee=indirect_report, reviews=[REVIEW])
    run_on(REVIEW, django_capture_on_commit_callbacks)
    run_on(REVIEW + dt.timedelta(days=3), django_capture_on_commit_callbacks)
    assert subjects(manager) == [] and subjects(report) == []
    assert not Notification.objects.filter(url__startswith="/coaching/improvement-plans/").exists()


def test_a_coach_who_left_is_stood_in_for_and_never_mailed(
    manager, report, indirect_report, django_capture_on_commit_callbacks
):
    plan_for(employee=indirect_report, opened_by=report, reviews=[REVIEW])
    report.is_active = False
    report.save(update_fields=["is_active"])
    run_on(REVIEW, django_capture_on_commit_callbacks)
    assert subjects(report) == [] and not Notification.objects.filter(recipient=report).exists()
    assert "In place of Rob Report" in subjects(manager)[0]
    assert len(subjects(manager)) == 1 and "Ivy Indirect" in subjects(manager)[0]


def test_a_passed_last_review_asks_the_coach_for_the_outcome_once(
    django_app, manager, report, django_capture_on_commit_callbacks
):
    plan = plan_for(employee=report, opened_by=manager, reviews=[REVIEW])
    for day in (REVIEW + dt.timedelta(days=1), REVIEW + dt.timedelta(days=2)):
        run_on(day, django_capture_on_commit_callbacks)
    asked = [s for s in subjects(manager) if "needs its outcome" in s]
    assert asked == ["The improvement plan for Rob Report needs its outcome."]
    with time_machine.travel(dt.datetime(2026, 5, 16, 9, tzinfo=dt.UTC), tick=False):
        listed = django_app.get(reverse("coaching:improvement_plan_list"), user=manager)
        assert "Outcome due" in listed.html.select_one(f"tr[data-plan='{plan.pk}']").text
        shown = django_app.get(plan.get_absolute_url(), user=manager)
        assert shown.html.select_one("[data-testid=outcome-due-ask]") is not None
        form = form_with_button(shown.click(description="Edit"), "Save")
        choose(form, "outcome", "Not improved")
        form["outcome_note"] = "Still late; moved to another role."
        saved = press(form, "Save").follow()
        assert messages(saved) == ["The improvement plan has been saved."]
        assert saved.html.select_one("[data-testid=outcome-due]") is None
        listed = django_app.get(reverse("coaching:improvement_plan_list"), user=manager)
        assert "Not improved" in listed.html.select_one(f"tr[data-plan='{plan.pk}']").text
    run_on(REVIEW + dt.timedelta(days=5), django_capture_on_commit_callbacks)
    assert len([s for s in subjects(manager) if "needs its outcome" in s]) == 1


def test_a_new_review_date_after_the_passed_one_asks_again_when_it_passes(
    manager, report, django_capture_on_commit_callbacks
):
    plan = plan_for(employee=report, opened_by=manager, reviews=[REVIEW])
    run_on(REVIEW + dt.timedelta(days=1), django_capture_on_commit_callbacks)
    plan.review_dates = [REVIEW.isoformat(), (REVIEW + dt.timedelta(days=7)).isoformat()]
    plan.save(update_fields=["review_dates"])
    run_on(REVIEW + dt.timedelta(days=2), django_capture_on_commit_callbacks)
    run_on(REVIEW + dt.timedelta(days=8), django_capture_on_commit_callbacks)
    asked = [s for s in subjects(manager) if "needs its outcome" in s]
    assert len(asked) == 2


def test_review_dates_are_in_the_calendar_feed_of_coach_and_person(
    client, manager, report, peer, today
):
    coming = today + dt.timedelta(days=10)
    plan_for(employee=report, opened_by=manager, reviews=[today - dt.timedelta(days=3), coming])
    plan_for(employee=report, reviews=[coming + dt.timedelta(days=1)], outcome="improved")
    for person, token in ((manager, "coach-token"), (report, "person-token")):
        CalendarFeed.objects.create(user=person, token=token)
        ics = client.get(reverse("coaching:calendar_feed", args=[token])).content.decode()
        assert ics.count("Improvement plan review: Rob Report") == 1
        assert f"DTSTART;VALUE=DATE:{coming:%Y%m%d}" in ics
    CalendarFeed.objects.create(user=peer, token="peer-token")
    ics = client.get(reverse("coaching:calendar_feed", args=["peer-token"])).content.decode()
    assert "Improvement plan" not in ics


def test_the_objective_is_kept_when_the_plan_is_listed(django_app, manager, report, cycle):
    objective = make_objective(cycle, employee=report, title="Orders won")
    plan = plan_for(employee=report, reviews=[])
    plan.objective = objective
    plan.save(update_fields=["objective"])
    listed = django_app.get(reverse("coaching:improvement_plan_list"), user=manager)
    assert "Orders won" in listed.html.select_one(f"tr[data-plan='{plan.pk}']").text
