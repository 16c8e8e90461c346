"""Issue 16 §1 in the background jobs: the daily run checks the nodes that passed and
tells the coach; an open checkpoint is reminded weekly, each week once, and counted in
the weekly digest."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from accounts.models import Notification, SentReminder
from coaching.checkpoints import checkpoints_open
from coaching.models import Checkpoint
from plans.models import TargetCheck
from reviews.job_outcomes import outcome_lines
from reviews.jobs import month_end_generation_run, reminders_run, weekly_digest_run
from reviews.models import JobSettings
from tests.checkpoints.conftest import TODAY

pytestmark = pytest.mark.django_db


def at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC), tick=False)


def test_the_daily_run_checks_the_passed_nodes_and_tells_the_coach(
    orders, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = month_end_generation_run(force=True)
    assert TargetCheck.objects.filter(objective=orders).count() == 3
    assert "Time nodes: 3 phase targets checked, 2 missed, 1 checkpoint opened." in outcome_lines(
        run
    )
    (told,) = Notification.objects.filter(recipient=manager, message__startswith="Phase target")
    assert told.message == (
        "Phase target missed at the March 2026 time node: “Orders won” (Rob Report) reached "
        "25 orders of 30 orders. Talk with them, record why, and decide what to do."
    )
    assert told.url == Checkpoint.objects.get().get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        again = month_end_generation_run(force=True)
    assert not any("Time nodes" in line for line in outcome_lines(again))
    assert Notification.objects.filter(message__startswith="Phase target").count() == 1


def test_the_coach_reads_the_month_in_words_in_their_language(
    orders, manager, django_capture_on_commit_callbacks
):
    manager.language = "zh-hans"
    manager.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        month_end_generation_run(force=True)
    (told,) = Notification.objects.filter(recipient=manager, message__contains="“Orders won”")
    assert "2026年3月" in told.message and "2026-03" not in told.message
    with at(TODAY + dt.timedelta(days=7)), django_capture_on_commit_callbacks(execute=True):
        reminders_run(force=True)
    (reminder,) = [m for m in mail.outbox if "“Orders won”" in m.subject]
    assert "2026年3月" in reminder.body and "2026-03" not in reminder.body


def test_an_open_checkpoint_is_reminded_once_a_week_until_answered(
    orders, manager, django_capture_on_commit_callbacks
):
    checkpoints_open(today=TODAY)
    days = [TODAY + dt.timedelta(days=n) for n in (1, 7, 8, 14)]
    for day in days:
        with at(day), django_capture_on_commit_callbacks(execute=True):
            reminders_run(force=True)
            reminders_run(force=True)
    reminded = SentReminder.objects.filter(kind="checkpoint_open", recipient=manager)
    assert sorted(reminded.values_list("key", flat=True)) == [
        f"{Checkpoint.objects.get().pk}:w1",
        f"{Checkpoint.objects.get().pk}:w2",
    ]
    subjects = [m.subject for m in mail.outbox if "Checkpoint" in m.subject]
    assert len(subjects) == 2 and "“Orders won” (Rob Report)" in subjects[0]
    (first, *_rest) = [m for m in mail.outbox if "Checkpoint" in m.subject]
    assert "The phase target of March 2026 was missed." in first.body
    Checkpoint.objects.update(answered_at=dt.datetime(2026, 4, 25, tzinfo=dt.UTC))
    with at(TODAY + dt.timedelta(days=21)), django_capture_on_commit_callbacks(execute=True):
        reminders_run(force=True)
    assert reminded.count() == 2


def test_the_digest_counts_the_checkpoints_to_talk_through(
    orders, manager, django_capture_on_commit_callbacks
):
    checkpoints_open(today=TODAY)
    JobSettings.current()
    JobSettings.objects.update(digest_weekday=0)
    with at(dt.date(2026, 4, 13)), django_capture_on_commit_callbacks(execute=True):
        weekly_digest_run()
    (digest,) = [m for m in mail.outbox if m.to == [manager.email]]
    assert "Checkpoints to talk through (missed phase targets): 1." in digest.body
