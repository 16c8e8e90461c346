"""Issue 15, "Done when": a year in an organisation that changes.

A person joins, moves twice and leaves within one cycle; a manager leaves; HR
closes the cycle and opens the next. Every table and session still tells who
was where and when, nobody who has gone is e-mailed, nobody reviews themselves.
Time moves with time-machine; the month-end job makes the tables as it does in
production; HR acts through the import and its own pages.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from webtest import Upload

from accounts.models import Assignment, Department, Notification, User
from coaching.models import CoachingSession
from plans.models import AppraisalCycle
from reviews.jobs import month_end_generation_run, reminders_run
from reviews.models import CLOSED_STATUSES, ReviewTable
from tests.factories import DepartmentFactory, UserFactory, make_hr, make_objective
from tests.webtest_helpers import form_by_testid, form_with_button, press

pytestmark = pytest.mark.django_db
Status = ReviewTable.Status
TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=TZ)


def import_file(django_app, hr, text: str):
    page = django_app.get(reverse("accounts:org_import"), user=hr)
    form = page.forms["org-import-form"]
    form["file"] = Upload("org.csv", text.encode())
    return form.submit("submit")


def move(django_app, hr, person, manager):
    page = django_app.get(reverse("reviews:person_move", args=[person.pk]), user=hr)
    form = form_by_testid(page, "move-form")
    form["manager"] = manager.email
    department = manager.department
    form["department"] = str(department.pk) if department else ""
    return press(form, "Move").follow()


def offboard(django_app, hr, person):
    page = django_app.get(reverse("reviews:person_offboard", args=[person.pk]), user=hr)
    form = form_by_testid(page, "offboard-form")
    form["confirm"] = True
    return press(form, "Off-board").follow()


def test_a_person_joins_moves_twice_and_leaves_a_manager_leaves_and_the_record_holds(
    django_app, django_capture_on_commit_callbacks
):
    year = 2026
    with time_machine.travel(at(year, 1, 5), tick=False):
        hr = make_hr(UserFactory(full_name="Hana HR", email="hana@example.com"))
        ceo = UserFactory(full_name="Cleo Chief", email="cleo@example.com")
        company = DepartmentFactory(name="Company", head=ceo)
        east = DepartmentFactory(name="East", parent=company)
        west = DepartmentFactory(name="West", parent=company)
        ann = UserFactory(
            full_name="Ann East", email="ann@example.com", manager=ceo, department=east
        )
        bob = UserFactory(
            full_name="Bob West", email="bob@example.com", manager=ceo, department=west
        )
        east.head, west.head = ann, bob
        east.save()
        west.save()
        cycle = AppraisalCycle.objects.create(
            name=str(year),
            start_date=dt.date(year, 1, 1),
            end_date=dt.date(year, 12, 31),
            state=AppraisalCycle.State.ACTIVE,
        )

    # Joins in March through the import, under Ann in East.
    with time_machine.travel(at(year, 3, 2), tick=False):
        import_file(
            django_app,
            hr,
            "email,full_name,department,manager_email\n"
            f"pat@example.com,Pat Person,East,{ann.email}\n",
        )
        pat = User.objects.get(email="pat@example.com")
        make_objective(cycle, employee=pat, title="Orders", weight=100, target=100)
        month_end_generation_run(force=True)
        CoachingSession.objects.create(coach=ann, employee=pat, type="instruction")

    # Moves to Bob in West in May (HR's page), and back to East under Ann in August
    # (the import).
    with time_machine.travel(at(year, 5, 3), tick=False):
        month_end_generation_run(force=True)
        move(django_app, hr, pat, bob)
        pat.refresh_from_db()
        CoachingSession.objects.create(coach=bob, employee=pat, type="guidance")
    with time_machine.travel(at(year, 8, 4), tick=False):
        month_end_generation_run(force=True)
        import_file(
            django_app,
            hr,
            "email,full_name,department,manager_email\n"
            f"pat@example.com,Pat Person,East,{ann.email}\n",
        )
        month_end_generation_run(force=True)

    # Ann, who manages Pat and heads East, leaves in September; Pat goes up to Cleo.
    with time_machine.travel(at(year, 9, 7), tick=False):
        month_end_generation_run(force=True)
        with django_capture_on_commit_callbacks(execute=True):
            offboard(django_app, hr, ann)
        pat.refresh_from_db()
        east.refresh_from_db()
        assert pat.manager == ceo and east.head == ceo

    # Pat leaves in October.
    with time_machine.travel(at(year, 10, 6), tick=False):
        month_end_generation_run(force=True)
        with django_capture_on_commit_callbacks(execute=True):
            offboard(django_app, hr, pat)

    # Every month of Pat's is placed where Pat was then, with the manager of then.
    tables = {t.month.month: t for t in ReviewTable.objects.filter(employee=pat)}
    where = {
        month: (table.home_department.name, table.line_manager.full_name)
        for month, table in tables.items()
    }
    assert where[3] == ("East", "Ann East") and where[4] == ("East", "Ann East")
    # A month's draft follows a move made during that month: the month is the new line's.
    assert where[5] == ("West", "Bob West")  # made on the 3rd, moved with Pat that day
    assert where[6] == ("West", "Bob West") and where[7] == ("West", "Bob West")
    assert where[8] == ("East", "Ann East")  # the import moved Pat back on the 4th
    assert where[9] == ("East", "Cleo Chief")  # Ann left on the 7th
    assert where[10] == ("East", "Cleo Chief")
    assert {t.status for t in tables.values()} <= set(CLOSED_STATUSES) | {Status.DRAFT}
    assert tables[10].status == Status.WITHDRAWN
    sessions = CoachingSession.objects.filter(employee=pat).order_by("pk")
    assert [(s.home_department.name, s.line_manager) for s in sessions] == [
        ("East", ann),
        ("West", bob),
    ]
    history = list(
        Assignment.objects.filter(person=pat)
        .order_by("started_at")
        .values_list("manager__full_name", "department__name", "source", "ended_at")
    )
    assert [row[:3] for row in history] == [
        ("Ann East", "East", "import"),
        ("Bob West", "West", "app"),
        ("Ann East", "East", "import"),
        ("Cleo Chief", "East", "offboarding"),
    ]
    assert all(row[3] is not None for row in history)

    # Bob reads the months he managed Pat, and not the later ones.
    django_app.get(tables[7].get_absolute_url(), user=bob)
    django_app.get(tables[9].get_absolute_url(), user=bob, status=404)

    # Nobody who has gone is e-mailed or notified afterwards.
    mail.outbox.clear()
    before = Notification.objects.filter(recipient__in=[ann, pat]).count()
    with time_machine.travel(at(year, 11, 20), tick=False):
        month_end_generation_run(force=True)
        reminders_run(force=True)
    gone = {ann.email, pat.email}
    assert not [m for m in mail.outbox if gone & set(m.to)]
    assert Notification.objects.filter(recipient__in=[ann, pat]).count() == before
    assert not ReviewTable.objects.filter(employee=pat, month=dt.date(year, 11, 1)).exists()

    # HR closes the year, its open tables closed unfinished, and starts the next one.
    with time_machine.travel(at(year, 12, 31), tick=False):
        page = django_app.get(reverse("reviews:cycle_close", args=[cycle.pk]), user=hr)
        form = form_by_testid(page, "close-form")
        form["reason"] = "The year is over."
        press(form, "Close the cycle and its open tables").follow()
        cycle.refresh_from_db()
        assert cycle.is_closed
        assert not ReviewTable.objects.filter(cycle=cycle).exclude(status__in=CLOSED_STATUSES)
        following = AppraisalCycle.objects.create(
            name=str(year + 1),
            start_date=dt.date(year + 1, 1, 1),
            end_date=dt.date(year + 1, 12, 31),
        )
        make_objective(following, employee=bob, title="Next year's orders", weight=100, target=1)
        page = django_app.get(following.get_absolute_url(), user=hr)
        press(form_with_button(page, "Start the cycle"), "Start the cycle").follow()
        following.refresh_from_db()
        assert following.is_active
    with time_machine.travel(at(year + 1, 1, 3), tick=False):
        month_end_generation_run(force=True)
        mail.outbox.clear()
        reminders_run(force=True)
    assert ReviewTable.objects.get(employee=bob, month=dt.date(year + 1, 1, 1)).cycle == following
    assert not [m for m in mail.outbox if gone & set(m.to)]

    # Nobody reviews their own table: Cleo, at the top, is reviewed by HR.
    make_objective(following, employee=ceo, title="Company result", weight=100, target=1)
    with time_machine.travel(at(year + 1, 1, 21), tick=False):
        month_end_generation_run(force=True)
    ceo_table = ReviewTable.objects.get(employee=ceo, month=dt.date(year + 1, 1, 1))
    assert ceo_table.reviewer is None
    assert Department.objects.get(name="East").head == ceo
