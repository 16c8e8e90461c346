"""A session dated after today is planned, not held: it is no "last session", gives no
negative "days since" and counts in no coverage; it stays in sight as planned (the
overview, the timeline, the home page, the calendar). The session form takes plans up
to a year ahead.

A tester saw "Days since: -27059" after a session mistyped as the year 2100.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import SentReminder
from coaching.models import CalendarFeed, CoachingSession, CoachingType
from coaching.selectors import coaching_type_suggest
from reviews.jobs import reminders_run
from reviews.models import JobSettings
from tests.factories import check_in, make_cycle, make_objective
from tests.webtest_helpers import choose, errors_beside, form_with_button, press

pytestmark = pytest.mark.django_db


def log(coach, person, held_on, type="guidance"):
    # Written straight to the database, as an older form or the admin could.
    return CoachingSession.objects.create(coach=coach, employee=person, type=type, held_on=held_on)


def overview_row(django_app, manager, person):
    page = django_app.get(reverse("coaching:overview"), user=manager)
    return page.html.select_one(f'[data-testid=overview] tr[data-person="{person.pk}"]')


def cells(row) -> list[str]:
    return [" ".join(td.get_text(" ", strip=True).split()) for td in row.select("td")]


def test_the_overview_counts_held_sessions_and_shows_the_next_planned_one(
    django_app, manager, report
):
    today = timezone.localdate()
    held = log(manager, report, today - dt.timedelta(days=5))
    planned = log(manager, report, today + dt.timedelta(days=10), type="encouragement")
    log(manager, report, dt.date(2100, 3, 1), type="instruction")  # mistyped year
    row = overview_row(django_app, manager, report)
    person, last, days_since, sessions = cells(row)[:4]
    assert last.startswith(
        f"{date_format(held.held_on, 'SHORT_DATE_FORMAT')} · Directional guidance"
    )
    assert (days_since, sessions) == ("5", "1")
    next_planned = row.select_one("[data-testid=next-planned]").get_text()
    assert next_planned == f"planned: {date_format(planned.held_on, 'SHORT_DATE_FORMAT')}"


def test_someone_with_only_a_planned_session_was_never_coached(django_app, manager, report):
    log(manager, report, dt.date(2100, 3, 1))
    row = overview_row(django_app, manager, report)
    _person, last, days_since, sessions = cells(row)[:4]
    assert last.startswith("never") and (days_since, sessions) == ("—", "0")
    assert "table-warning" in row["class"]


def test_dashboard_coverage_counts_no_planned_session(client, hr, manager, report):
    today = timezone.localdate()
    log(manager, report, today - dt.timedelta(days=3))
    log(manager, report, today + dt.timedelta(days=3))
    log(manager, report, dt.date(2100, 1, 1))
    client.force_login(hr)
    body = client.get(reverse("reviews:dashboard")).content.decode()
    coverage = body.split('data-testid="coverage"', 1)[1].split("</table>", 1)[0]
    row = coverage.split("Maria Manager", 1)[1].split("</tr>", 1)[0]
    numbers = [cell.split("<", 1)[0].strip() for cell in row.split('class="text-end">')[1:]]
    # reports, sessions per report a month, days since the last session held
    assert numbers[:3] == ["1", "1.0", "3"]


def test_a_planned_session_does_not_stop_the_not_coached_reminder(
    manager, report, django_capture_on_commit_callbacks
):
    JobSettings.current()
    JobSettings.objects.update(not_coached_days=30)
    log(manager, report, dt.date(2026, 4, 1))
    log(manager, report, dt.date(2026, 6, 30))  # planned, seen from 10 June
    moment = dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        reminders_run()
    assert SentReminder.objects.filter(kind="not_coached", recipient=manager).count() == 1


def test_planned_guidance_sessions_do_not_count_as_guidance_given(manager, report):
    today = timezone.localdate()
    objective = make_objective(make_cycle(today.year), employee=report)
    check_in(objective, 0, on=today, author=report, confidence=3)
    for days in (10, 20):
        log(manager, report, today + dt.timedelta(days=days))
    assert coaching_type_suggest(employee=report, today=today).type == CoachingType.GUIDANCE


def new_session_form(django_app, manager, report):
    page = django_app.get(reverse("coaching:session_new"), {"employee": report.pk}, user=manager)
    form = form_with_button(page, "Save session")
    choose(form, "type", "Directional guidance")
    return form


def test_a_session_is_planned_up_to_a_year_ahead_and_goes_into_the_calendar(
    django_app, client, manager, report
):
    day = timezone.localdate() + dt.timedelta(days=90)
    form = new_session_form(django_app, manager, report)
    form["held_on"] = day.isoformat()
    form["note"] = "Quarterly review."
    press(form, "Save session").follow()
    assert CoachingSession.objects.get().held_on == day
    timeline = django_app.get(reverse("coaching:timeline", args=[report.pk]), user=manager)
    assert timeline.html.select_one("[data-testid=timeline] .badge").get_text() == "planned"
    feed = CalendarFeed.objects.create(user=manager, token="a-private-token")
    ics = client.get(reverse("coaching:calendar_feed", args=[feed.token])).content
    assert f"DTSTART;VALUE=DATE:{day:%Y%m%d}".encode() in ics


def test_a_session_more_than_a_year_ahead_is_refused_beside_its_date(django_app, manager, report):
    form = new_session_form(django_app, manager, report)
    form["held_on"] = "2100-03-01"
    form["note"] = "Typed the wrong year."
    refused = press(form, "Save session")
    latest = timezone.localdate() + dt.timedelta(days=366)
    assert errors_beside(refused, "held_on") == [
        "A session can be planned up to a year ahead: pick a day until "
        f"{date_format(latest, 'DATE_FORMAT')}."
    ]
    assert form_with_button(refused, "Save session")["note"].value == "Typed the wrong year."
    assert not CoachingSession.objects.exists()


def test_the_employees_home_shows_a_planned_session_as_planned(django_app, manager, report):
    log(manager, report, timezone.localdate() + dt.timedelta(days=7))
    home = django_app.get(reverse("home"), user=report)
    recent = home.html.select_one("[data-testid=recent-sessions]").get_text(" ", strip=True)
    assert "planned" in recent and "to acknowledge" not in recent
