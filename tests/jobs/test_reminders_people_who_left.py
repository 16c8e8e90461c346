"""Nobody who has left is e-mailed or notified (issue 15, section 3).

The jobs run with an inactive person in the organisation; the outbox and the
in-app notifications of everyone involved say who heard what.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import translation

from accounts.models import Notification, SentReminder, User
from accounts.services import invitations_request, invitations_send
from coaching.models import ActionItem, CoachingSession
from coaching.services import session_acknowledge
from reviews.jobs import reminders_run, weekly_digest_run
from reviews.models import JobSettings
from reviews.services import review_table_for
from tests.factories import UserFactory, make_cycle, make_objective

pytestmark = pytest.mark.django_db

IN_PLACE = "In place of Maria Manager, who has left:"


@pytest.fixture
def director(manager: User) -> User:
    """Dora, above Maria the manager."""
    dora = UserFactory(email="dora@example.com", full_name="Dora Director")
    manager.manager = dora
    manager.save(update_fields=["manager"])
    return dora


@pytest.fixture
def table(db, report):
    cycle = make_cycle(2026)
    make_objective(cycle, employee=report)
    return review_table_for(cycle=cycle, month=dt.date(2026, 3, 1), employee=report)


def leave(person: User) -> None:
    person.is_active = False
    person.save(update_fields=["is_active"])


def run_on(day: str, *, capture) -> None:
    moment = dt.datetime.fromisoformat(f"{day} 09:00").replace(tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False), capture(execute=True):
        reminders_run()


def mails_to(person: User, about: str = "") -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [person.email] and about in m.subject]


def notes_of(person: User, about: str = "") -> list[str]:
    notes = Notification.objects.filter(recipient=person, message__contains=about)
    return list(notes.values_list("message", flat=True))


def test_no_reminder_about_the_table_of_a_person_who_left(
    table, report, manager, hr, django_capture_on_commit_callbacks
):
    leave(report)
    for day in ("2026-04-02", "2026-04-07", "2026-04-20"):
        run_on(day, capture=django_capture_on_commit_callbacks)
    assert not SentReminder.objects.filter(kind__startswith="review").exists()
    assert mail.outbox == []
    assert notes_of(report) == notes_of(manager) == notes_of(hr) == []


def test_an_escalation_skips_a_manager_who_left_and_reaches_the_next_one_up_once(
    table, report, manager, director, hr, django_capture_on_commit_callbacks
):
    leave(manager)
    for _ in range(2):
        run_on("2026-04-07", capture=django_capture_on_commit_callbacks)
    assert mails_to(manager) == [] and notes_of(manager) == []
    [forwarded] = mails_to(director, "overdue")
    assert (
        forwarded.subject == f"In place of Maria Manager, who has left: {table} is 2 days overdue."
    )
    assert "next person up their reporting line" in forwarded.body
    assert notes_of(director, "overdue") == [forwarded.subject]
    # The person whose table it is still hears it themselves.
    assert [m.subject for m in mails_to(report)] == [
        f"Your review table {table} is overdue since 5 Apr 2026."
    ]


def test_with_nobody_active_above_the_escalation_goes_to_hr(
    table, manager, hr, django_capture_on_commit_callbacks
):
    leave(manager)
    run_on("2026-04-07", capture=django_capture_on_commit_callbacks)
    [forwarded] = mails_to(hr, "overdue")
    assert (
        forwarded.subject == f"In place of Maria Manager, who has left: {table} is 2 days overdue."
    )
    assert "it comes to HR" in forwarded.body
    assert SentReminder.objects.get(recipient=hr, kind__startswith="review").kind == (
        "review_overdue_manager"
    )


def test_a_department_table_whose_head_left_is_chased_with_the_next_one_up(
    sales, manager, director, django_capture_on_commit_callbacks
):
    cycle = make_cycle(2026)
    make_objective(cycle, department=sales)
    table = review_table_for(cycle=cycle, month=dt.date(2026, 3, 1), department=sales)
    leave(manager)
    run_on("2026-04-02", capture=django_capture_on_commit_callbacks)
    assert mails_to(manager) == []
    assert [m.subject for m in mails_to(director, "review table")] == [
        f"In place of Maria Manager, who has left: The review table {table} is due on 5 Apr 2026."
    ]


def test_a_stand_in_reads_it_in_their_own_language(
    table, manager, director, django_capture_on_commit_callbacks
):
    director.language = "zh-hans"
    director.save(update_fields=["language"])
    leave(manager)
    run_on("2026-04-07", capture=django_capture_on_commit_callbacks)
    with translation.override("zh-hans"):
        named = str(table)  # "Rob Report · 2026年3月": the month in the reader's words
    [forwarded] = [m for m in mails_to(director) if named in m.subject]
    assert "Maria Manager" in forwarded.subject and "逾期" in forwarded.subject
    assert "In place of" not in forwarded.subject
    assert notes_of(director, named) == [forwarded.subject]


def test_no_action_item_reminder_about_a_person_who_left(
    manager, report, director, django_capture_on_commit_callbacks
):
    session = CoachingSession.objects.create(
        coach=manager, employee=report, type="instruction", held_on=dt.date(2026, 5, 1)
    )
    ActionItem.objects.create(
        session=session, title="Rob's step", owner=report, due_date=dt.date(2026, 5, 2)
    )
    ActionItem.objects.create(
        session=session, title="Maria's step", owner=manager, due_date=dt.date(2026, 5, 2)
    )
    leave(report)
    run_on("2026-05-12", capture=django_capture_on_commit_callbacks)
    assert not SentReminder.objects.filter(kind__startswith="action").exists()
    assert [m for m in mail.outbox if "step" in m.subject] == []


def test_the_action_items_of_a_coach_who_left_are_not_chased(
    manager, report, director, django_capture_on_commit_callbacks
):
    session = CoachingSession.objects.create(
        coach=manager, employee=report, type="instruction", held_on=dt.date(2026, 5, 1)
    )
    ActionItem.objects.create(
        session=session, title="Maria's step", owner=manager, due_date=dt.date(2026, 5, 2)
    )
    ActionItem.objects.create(
        session=session, title="Rob's step", owner=report, due_date=dt.date(2026, 5, 2)
    )
    leave(manager)
    run_on("2026-05-12", capture=django_capture_on_commit_callbacks)
    assert list(
        SentReminder.objects.filter(kind__startswith="action").values_list(
            "kind", "recipient__email"
        )
    ) == [("action_overdue", report.email)]
    assert mails_to(manager) == mails_to(director, "step") == []


def test_a_follow_up_of_a_coach_who_left_goes_to_the_next_one_up(
    manager, report, director, django_capture_on_commit_callbacks
):
    CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="guidance",
        held_on=dt.date(2026, 5, 1),
        follow_up_on=dt.date(2026, 5, 12),
    )
    leave(manager)
    run_on("2026-05-12", capture=django_capture_on_commit_callbacks)
    assert [m.subject for m in mails_to(director, "follow-up")] == [
        "In place of Maria Manager, who has left: "
        "Maria Manager planned a follow-up today with Rob Report."
    ]
    assert mails_to(manager) == []


def test_no_follow_up_with_a_coachee_who_left(manager, report, django_capture_on_commit_callbacks):
    CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="guidance",
        held_on=dt.date(2026, 5, 1),
        follow_up_on=dt.date(2026, 5, 12),
    )
    leave(report)
    run_on("2026-05-12", capture=django_capture_on_commit_callbacks)
    assert mail.outbox == [] and not SentReminder.objects.exists()


def test_nobody_coached_goes_to_the_next_one_up_when_the_manager_left_and_never_about_leavers(
    manager, report, indirect_report, director, django_capture_on_commit_callbacks
):
    JobSettings.current()
    JobSettings.objects.update(not_coached_days=30)
    leave(manager)
    leave(indirect_report)
    for _ in range(2):
        run_on("2026-06-10", capture=django_capture_on_commit_callbacks)
    subjects = [m.subject for m in mails_to(director)]
    assert (
        "In place of Maria Manager, who has left: Nobody has coached Rob Report for 30 days."
        in subjects
    )
    assert len(subjects) == len(set(subjects))
    assert not [m for m in mail.outbox if "Ivy Indirect" in m.subject]
    assert mails_to(manager) == mails_to(indirect_report) == []


def test_the_weekly_digest_skips_people_who_left(
    table, manager, report, django_capture_on_commit_callbacks
):
    JobSettings.current()
    JobSettings.objects.update(digest_weekday=0)  # Monday
    session = CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", held_on=dt.date(2026, 1, 5)
    )
    ActionItem.objects.create(
        session=session, title="Call back", owner=report, due_date=dt.date(2026, 4, 1)
    )
    stays = UserFactory(full_name="Stan Stays", manager=manager)
    lone = UserFactory(email="lone@example.com")
    UserFactory(manager=lone, is_active=False)  # Lone's only report has left
    leave(report)
    monday = dt.datetime(2026, 4, 13, 9, tzinfo=dt.UTC)
    with time_machine.travel(monday, tick=False), django_capture_on_commit_callbacks(execute=True):
        weekly_digest_run()
    [digest] = mails_to(manager)
    assert "Review tables past their deadline: 0." in digest.body
    assert "Overdue action items: 0." in digest.body
    assert "nobody has coached for 30 days: 1." in digest.body  # Stan, not Rob
    assert mails_to(lone) == [] and mails_to(report) == []
    assert stays.is_active


def test_an_in_app_notice_to_a_coach_who_left_goes_to_the_next_one_up(
    manager, report, director, hr
):
    session = CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", held_on=dt.date(2026, 5, 1)
    )
    leave(manager)
    session_acknowledge(actor=report, session=session, comment="Thanks")
    assert notes_of(manager) == []
    assert notes_of(director) == [
        "In place of Maria Manager, who has left: "
        "Rob Report acknowledged your coaching session of 1 May 2026."
    ]


def test_an_in_app_notice_with_nobody_above_goes_to_hr(manager, report, hr):
    session = CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", held_on=dt.date(2026, 5, 1)
    )
    leave(manager)
    session_acknowledge(actor=report, session=session, comment="Thanks")
    assert len(notes_of(hr)) == 1 and "Maria Manager" in notes_of(hr)[0]


def test_an_invitation_is_never_sent_to_a_person_who_left_meanwhile(
    report, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=report.pk).update(invited_at=None)
    with django_capture_on_commit_callbacks(execute=False):
        assert invitations_request(user_ids=[report.pk], actor=None) == 1
    leave(report)
    assert invitations_send(user_ids=[report.pk]) == 0
    assert mail.outbox == []


def test_action_items_of_department_sessions_are_still_chased(
    manager, sales, django_capture_on_commit_callbacks
):
    session = CoachingSession.objects.create(
        coach=manager, department=sales, type="guidance", held_on=dt.date(2026, 5, 1)
    )
    ActionItem.objects.create(
        session=session, title="Team step", owner=manager, due_date=dt.date(2026, 5, 2)
    )
    run_on("2026-05-12", capture=django_capture_on_commit_callbacks)
    assert [m.subject for m in mails_to(manager, "step")] == [
        "Action item overdue: Team step (due 2 May 2026)."
    ]
