"""Reminders: sent in time, escalated, in the recipient's language, never twice."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from accounts.models import Notification, SentReminder
from coaching.models import ActionItem, CoachingSession
from reviews.jobs import reminders_run, weekly_digest_run
from reviews.models import JobSettings, ReviewTable
from reviews.services import review_table_for
from tests.factories import UserFactory, make_cycle, make_objective

pytestmark = pytest.mark.django_db


@pytest.fixture
def table(db, report, manager):
    cycle = make_cycle(2026)
    make_objective(cycle, employee=report)
    table = review_table_for(cycle=cycle, month=dt.date(2026, 3, 1), employee=report)
    assert table.deadline == dt.date(2026, 4, 5)
    return table


def run_on(day: str, *, capture) -> None:
    moment = dt.datetime.fromisoformat(f"{day} 09:00").replace(tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False), capture(execute=True):
        reminders_run()


def sent(kind: str) -> list[str]:
    return sorted(SentReminder.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def test_due_soon_then_overdue_escalating_to_manager_then_hr(
    table, report, manager, hr, django_capture_on_commit_callbacks
):
    run_on("2026-04-01", capture=django_capture_on_commit_callbacks)
    assert sent("review_due_soon") == []  # 4 days before the deadline: not yet
    run_on("2026-04-02", capture=django_capture_on_commit_callbacks)
    assert sent("review_due_soon") == [report.email]
    run_on("2026-04-06", capture=django_capture_on_commit_callbacks)
    assert sent("review_overdue") == [report.email] and sent("review_overdue_manager") == []
    run_on("2026-04-07", capture=django_capture_on_commit_callbacks)
    assert sent("review_overdue_manager") == [manager.email] and sent("review_overdue_hr") == []
    run_on("2026-04-10", capture=django_capture_on_commit_callbacks)
    assert sent("review_overdue_hr") == [hr.email]
    overdue = [m for m in mail.outbox if m.to == [manager.email] and "overdue" in m.subject]
    assert [m.subject for m in overdue] == [f"{table} is 2 days overdue."]
    assert f"/reviews/{table.pk}/" in overdue[0].body and overdue[0].alternatives


def test_a_rerun_sends_nothing_twice(table, report, django_capture_on_commit_callbacks):
    for _ in range(3):
        run_on("2026-04-03", capture=django_capture_on_commit_callbacks)
    assert len([m for m in mail.outbox if m.to == [report.email]]) == 1
    assert Notification.objects.filter(recipient=report).count() == 1


def test_a_submitted_table_is_not_chased(table, report, django_capture_on_commit_callbacks):
    ReviewTable.objects.filter(pk=table.pk).update(status=ReviewTable.Status.SUBMITTED)
    run_on("2026-04-20", capture=django_capture_on_commit_callbacks)
    assert not SentReminder.objects.filter(kind__startswith="review").exists()


def test_reminders_come_in_the_recipients_language(
    table, report, django_capture_on_commit_callbacks
):
    report.language = "zh-hans"
    report.save()
    run_on("2026-04-03", capture=django_capture_on_commit_callbacks)
    mine = [m for m in mail.outbox if m.to == [report.email]]
    assert "截止" in mine[0].subject
    assert "截止" in Notification.objects.get(recipient=report).message


def test_action_items_due_and_overdue_and_follow_ups(
    db, manager, report, django_capture_on_commit_callbacks
):
    session = CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="instruction",
        held_on=dt.date(2026, 5, 1),
        follow_up_on=dt.date(2026, 5, 12),
    )
    ActionItem.objects.create(
        session=session, title="Due tomorrow", owner=report, due_date=dt.date(2026, 5, 13)
    )
    ActionItem.objects.create(
        session=session, title="Late", owner=report, due_date=dt.date(2026, 5, 2)
    )
    ActionItem.objects.create(
        session=session,
        title="Done",
        owner=report,
        due_date=dt.date(2026, 5, 2),
        done_at=dt.datetime(2026, 5, 2, tzinfo=dt.UTC),
    )
    run_on("2026-05-12", capture=django_capture_on_commit_callbacks)
    assert sent("action_due") == [report.email]
    assert sent("action_overdue") == [report.email]
    assert sent("follow_up") == [manager.email]


def test_managers_hear_about_reports_nobody_coached(
    db, manager, report, django_capture_on_commit_callbacks
):
    JobSettings.current()
    JobSettings.objects.update(not_coached_days=30)
    CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", held_on=dt.date(2026, 5, 1)
    )
    run_on("2026-05-20", capture=django_capture_on_commit_callbacks)
    assert report.email not in [m.body for m in mail.outbox]
    assert not SentReminder.objects.filter(kind="not_coached", key__startswith=f"{report.pk}:")
    run_on("2026-06-10", capture=django_capture_on_commit_callbacks)
    assert SentReminder.objects.filter(kind="not_coached", recipient=manager).count() == 1


def test_the_weekly_digest_comes_on_its_day_once_and_can_be_turned_off(
    table, manager, other_manager, peer, django_capture_on_commit_callbacks
):
    JobSettings.current()
    JobSettings.objects.update(digest_weekday=0)  # Monday
    other_manager.weekly_digest = False
    other_manager.save()
    report = table.employee
    session = CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", held_on=dt.date(2026, 1, 5)
    )
    ActionItem.objects.create(
        session=session, title="Call back", owner=report, due_date=dt.date(2026, 4, 1)
    )
    third = UserFactory(email="tara@example.com")
    UserFactory(manager=third)  # coached never, nothing late

    tuesday = dt.datetime(2026, 4, 7, 9, tzinfo=dt.UTC)
    monday = dt.datetime(2026, 4, 13, 9, tzinfo=dt.UTC)
    with time_machine.travel(tuesday, tick=False):
        assert weekly_digest_run() is None
    for _ in range(2):
        with (
            time_machine.travel(monday, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            weekly_digest_run()
    digests = {m.to[0]: m.body for m in mail.outbox if "Your team this week" in m.subject}
    assert sorted(digests) == sorted([manager.email, third.email])  # once each, Olga opted out
    assert len([m for m in mail.outbox if "Your team this week" in m.subject]) == 2
    mine = digests[manager.email]
    assert "Review tables past their deadline: 1." in mine
    assert "Overdue action items: 1." in mine
    assert "nobody has coached for 30 days: 1." in mine  # last session in January
    assert "Review tables past their deadline: 0." in digests[third.email]
    assert "Overdue action items: 0." in digests[third.email]


def test_send_reminders_and_jobs_status_commands(table, capsys):
    call_command("send_reminders")
    call_command("jobs_status")
    out = capsys.readouterr().out
    assert "Reminders:" in out and "reminders" in out and "Broker: answers (redis)" in out


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(report, manager, hr):
    """Two workers race over a thousand-odd reminders: each is recorded and sent once."""
    import threading

    from django.db import connections

    cycle = make_cycle(2026)
    session = CoachingSession.objects.create(coach=manager, employee=report, type="guidance")
    ActionItem.objects.bulk_create(
        ActionItem(session=session, title=f"Step {n}", owner=report, due_date=dt.date(2026, 4, 1))
        for n in range(1200)
    )
    make_objective(cycle, employee=report)
    moment = dt.datetime(2026, 4, 10, 9, tzinfo=dt.UTC)
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait()
            reminders_run(now=moment, force=True)
        finally:
            connections.close_all()

    with time_machine.travel(moment, tick=False):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    overdue = SentReminder.objects.filter(kind="action_overdue")
    assert overdue.count() == 1200
    assert (
        Notification.objects.filter(recipient=report, message__startswith="Action item").count()
        == 1200
    )
    assert (
        len([m for m in mail.outbox if m.to == [report.email] and "Action item" in m.subject])
        == 1200
    )


def test_a_count_of_one_reads_in_the_singular(
    table, report, manager, hr, django_capture_on_commit_callbacks
):
    """One table to review, one day overdue, one day without coaching: no "1 tables"."""
    JobSettings.current()
    JobSettings.objects.update(
        overdue_manager_days=1, overdue_hr_days=1, not_coached_days=1, digest_weekday=0
    )
    run_on("2026-04-06", capture=django_capture_on_commit_callbacks)  # a day past the deadline
    to_manager = Notification.objects.filter(recipient=manager)
    assert f"{table} is 1 day overdue." in to_manager.values_list("message", flat=True)
    assert f"Nobody has coached {report.full_name} for 1 day." in to_manager.values_list(
        "message", flat=True
    )
    hr_mail = [m.subject for m in mail.outbox if m.to == [hr.email]]
    assert hr_mail == [f"{table} is 1 day overdue."]

    ReviewTable.objects.filter(pk=table.pk).update(
        status=ReviewTable.Status.SUBMITTED, reviewer=manager
    )
    monday = dt.datetime(2026, 4, 13, 9, tzinfo=dt.UTC)
    with time_machine.travel(monday, tick=False), django_capture_on_commit_callbacks(execute=True):
        weekly_digest_run()
    digest = next(m for m in mail.outbox if m.to == [manager.email] and "week" in m.subject)
    assert digest.subject == "Your team this week: 1 table to review, 0 late."
    assert "People nobody has coached for 1 day: 1." in digest.body
    assert Notification.objects.filter(recipient=manager, message=digest.subject).exists()
