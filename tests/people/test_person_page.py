"""A person's page (issue 20 §1): their objectives, coaching, review tables, praise and
plans in one place, each as far as the reader may see it, with *Log session* and *Quick
note* for their coach. Ivy reports to Rob, who reports to Maria."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import may_link_person
from coaching.models import ActionItem, CoachingSession
from reviews.services import review_table_for
from tests.factories import UserFactory, make_cycle, make_objective
from tests.webtest_helpers import choose, form_with_button, press

pytestmark = pytest.mark.django_db

PANELS = {
    "objectives": "[data-testid=person-objectives]",
    "coaching": "[data-testid=person-coaching]",
    "tables": "[data-testid=person-review-tables]",
}


@pytest.fixture
def cycle(db):
    return make_cycle(timezone.localdate().year)


@pytest.fixture
def ivy_record(cycle, indirect_report, report):
    """Ivy's objective, a session with a shared and a private note and an open step, and
    her March table."""
    make_objective(cycle, employee=indirect_report, title="Calls made")
    session = CoachingSession.objects.create(
        coach=report,
        employee=indirect_report,
        type="guidance",
        held_on=timezone.localdate() - dt.timedelta(days=3),
        note="Plan the week on Monday",
        private_note="Worried about her motivation",
    )
    ActionItem.objects.create(session=session, title="Write the call script", owner=indirect_report)
    review_table_for(cycle=cycle, month=cycle.start_date.replace(month=3), employee=indirect_report)
    return session


def person_page(django_app, person, viewer, **kwargs):
    return django_app.get(
        reverse("accounts:person_detail", args=[person.pk]), user=viewer, **kwargs
    )


def panels_of(page) -> set[str]:
    return {name for name, css in PANELS.items() if page.html.select_one(css) is not None}


def buttons_of(page) -> list[str]:
    found = page.html.select_one("[data-testid=person-actions]")
    return [a.get_text(strip=True) for a in found.select("a")] if found else []


def text_of(page, name: str) -> str:
    return " ".join(page.html.select_one(PANELS[name]).get_text(" ", strip=True).split())


def test_the_person_reads_their_own_page_without_coach_buttons(
    django_app, indirect_report, ivy_record
):
    page = person_page(django_app, indirect_report, indirect_report)
    assert panels_of(page) == {"objectives", "coaching", "tables"}
    assert "Calls made" in text_of(page, "objectives")
    coaching = text_of(page, "coaching")
    assert "Plan the week on Monday" in coaching and "Write the call script" in coaching
    assert "Log session" not in buttons_of(page) and "Quick note" not in buttons_of(page)


@pytest.mark.parametrize("who", ["report", "manager"])
def test_her_manager_and_skip_level_manager_see_every_panel_and_may_coach_her(
    django_app, indirect_report, ivy_record, who, request
):
    viewer = request.getfixturevalue(who)
    page = person_page(django_app, indirect_report, viewer)
    assert panels_of(page) == {"objectives", "coaching", "tables"}
    assert buttons_of(page)[:2] == ["Log session", "Quick note"]
    assert "Plan the week on Monday" in text_of(page, "coaching")
    table = page.html.select_one("[data-testid=person-review-tables] [data-table] a")
    assert page.click(href=table["href"]).status_code == 200
    timeline = page.click(description="Full timeline")
    assert "Timeline of Ivy Indirect" in timeline.text
    session = page.click(description="Log session")
    assert session.forms  # the full session form, for Ivy


def test_hr_sees_that_a_session_happened_but_not_what_was_said(
    django_app, indirect_report, ivy_record, hr
):
    page = person_page(django_app, indirect_report, hr)
    assert panels_of(page) == {"objectives", "coaching", "tables"}
    coaching = text_of(page, "coaching")
    assert "Directional guidance" in coaching and "Rob Report" in coaching
    assert "Plan the week on Monday" not in coaching
    assert "Write the call script" not in coaching  # a step is content
    # ... and the page does not claim there is none (the tester's fault 8)
    assert "No open action items" not in coaching
    assert "shared only with the people in it" in coaching
    assert "Log session" not in buttons_of(page)
    ivy_record.shared_with_hr = True
    ivy_record.save(update_fields=["shared_with_hr"])
    assert "Plan the week on Monday" in text_of(
        person_page(django_app, indirect_report, hr), "coaching"
    )


def test_the_private_note_is_on_nobody_s_person_page(
    django_app, indirect_report, ivy_record, report, manager, hr
):
    for viewer in (indirect_report, report, manager, hr):
        assert "Worried about her motivation" not in person_page(
            django_app, indirect_report, viewer
        )


def test_a_colleague_reads_the_directory_card_and_nothing_of_her_record(
    django_app, indirect_report, ivy_record, peer
):
    page = person_page(django_app, indirect_report, peer)
    assert "ivy@example.com" in page.text  # the organisation's card, as before
    assert panels_of(page) == set()
    assert buttons_of(page) == []
    assert "Plan the week" not in page.text and "Calls made" not in page.text
    timeline = reverse("coaching:timeline", args=[indirect_report.pk])
    assert django_app.get(timeline, user=peer, expect_errors=True).status_code in (403, 404)


def test_a_person_who_left_has_no_coach_buttons(django_app, indirect_report, ivy_record, manager):
    indirect_report.is_active = False
    indirect_report.save(update_fields=["is_active"])
    page = person_page(django_app, indirect_report, manager)
    assert "coaching" in panels_of(page)
    assert "Log session" not in buttons_of(page) and "Quick note" not in buttons_of(page)


def test_the_quick_note_from_her_page_lands_on_her_timeline_and_her_page(
    django_app, indirect_report, report, cycle
):
    page = person_page(django_app, indirect_report, report)
    quick = page.click(description="Quick note", href="employee=")
    form = form_with_button(quick, "Save note")
    assert form["employee"].value == str(indirect_report.pk)  # she is chosen
    choose(form, "type", "Encouragement & promotion")
    form["note"] = "Great demo to the client today"
    press(form, "Save note").follow()
    timeline = django_app.get(reverse("coaching:timeline", args=[indirect_report.pk]), user=report)
    assert "Great demo to the client today" in timeline.text
    again = person_page(django_app, indirect_report, report)
    assert "Great demo to the client today" in text_of(again, "coaching")


def test_no_cycle_and_no_record_say_so(django_app, indirect_report, report):
    page = person_page(django_app, indirect_report, report)
    assert "There is no appraisal cycle yet." in text_of(page, "objectives")
    assert "No coaching sessions yet." in text_of(page, "coaching")
    assert "No review tables yet." in text_of(page, "tables")


def grow(cycle, person, coach, size: int) -> None:
    for n in range(size):
        make_objective(cycle, employee=person, title=f"Objective {n}", weight=1)
        session = CoachingSession.objects.create(
            coach=coach,
            employee=person,
            type="instruction",
            held_on=timezone.localdate() - dt.timedelta(days=n),
            note=f"Note {n}",
        )
        ActionItem.objects.create(session=session, title=f"Step {n}", owner=person)
        review_table_for(cycle=cycle, month=cycle.start_date.replace(month=n + 1), employee=person)


def page_queries(client, url: str) -> int:
    client.get(url)  # the session's own queries are behind
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("viewer", ["report", "manager", "hr", "themselves"])
def test_the_page_makes_no_more_queries_for_12_of_everything_than_for_2(
    client, cycle, report, viewer, request
):
    few = UserFactory(full_name="Fay Few", manager=report, department=report.department)
    many = UserFactory(full_name="Ian Many", manager=report, department=report.department)
    grow(cycle, few, report, 2)
    grow(cycle, many, report, 12)
    counts = []
    for person in (few, many):
        client.force_login(person if viewer == "themselves" else request.getfixturevalue(viewer))
        counts.append(page_queries(client, reverse("accounts:person_detail", args=[person.pk])))
    assert counts[1] <= counts[0] <= 40, counts


def person_page_links(page, person) -> list[str]:
    href = reverse("accounts:person_detail", args=[person.pk])
    return [a.get_text(strip=True) for a in page.html.select(f'a[href="{href}"]')]


def test_her_objectives_timeline_team_and_overview_link_her_page(
    django_app, cycle, indirect_report, report, ivy_record
):
    pages = {
        "team": reverse("plans:team"),
        "overview": reverse("coaching:overview"),
        "timeline": reverse("coaching:timeline", args=[indirect_report.pk]),
        "objectives": reverse("plans:person_objectives", args=[indirect_report.pk]),
    }
    for name, url in pages.items():
        page = django_app.get(url, user=report)
        assert "Person's page: Ivy Indirect" in person_page_links(page, indirect_report), name
        page = page.click(href=reverse("accounts:person_detail", args=[indirect_report.pk]))
        assert page.html.select_one("h1").get_text(strip=True).startswith("Ivy Indirect")
    objectives = django_app.get(pages["objectives"], user=report)
    assert "Timeline of Ivy Indirect" in objectives.click(description="Coaching timeline").text


def test_review_tables_name_the_person_with_a_link_to_her_page(
    django_app, cycle, indirect_report, report, ivy_record
):
    mine = django_app.get(reverse("reviews:mine"), user=indirect_report)
    assert "Ivy Indirect" in person_page_links(mine, indirect_report)
    table = indirect_report.review_tables.get()
    detail = django_app.get(table.get_absolute_url(), user=report)
    assert "Ivy Indirect" in person_page_links(detail, indirect_report)


def test_the_name_of_someone_who_left_is_not_linked_for_whoever_may_not_open_her_page(
    django_app, indirect_report, ivy_record, report, hr
):
    User.objects.filter(pk=indirect_report.pk).update(is_active=False)
    gone = User.objects.get(pk=indirect_report.pk)
    stranger = UserFactory()
    assert may_link_person(hr, gone) and may_link_person(report, gone)
    assert not may_link_person(stranger, gone)
    assert may_link_person(stranger, report)  # a colleague still here
