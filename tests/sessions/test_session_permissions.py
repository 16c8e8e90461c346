"""Coaching sessions, tried as the wrong person on every URL; private notes stay private."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from coaching.models import ActionItem, CoachingSession, ImprovementPlan
from tests.factories import UserFactory
from tests.webtest_helpers import HTMX, errors_beside, form_with_button, messages, press

pytestmark = pytest.mark.django_db

SHARED = "Agreed to book five meetings a week"
PRIVATE = "Worried about burnout signals"


@pytest.fixture
def session(manager, report):
    session = CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="guidance",
        duration_minutes=30,
        agreements=SHARED,
        private_note=PRIVATE,
        held_on=timezone.localdate(),
    )
    ActionItem.objects.create(session=session, title="Book meetings", owner=report)
    return session


@pytest.fixture
def plan(manager, report):
    return ImprovementPlan.objects.create(
        employee=report, opened_by=manager, measures="Weekly pipeline review", own_reasons="x"
    )


def session_urls(session):
    # Attacks: hand-built requests from people whose pages offer no such form.
    return [
        ("get", reverse("coaching:session_detail", args=[session.pk]), {}),
        ("get", reverse("coaching:session_edit", args=[session.pk]), {}),
        ("post", reverse("coaching:session_edit", args=[session.pk]), {"note": "hijack"}),
        ("post", reverse("coaching:session_acknowledge", args=[session.pk]), {"comment": "x"}),
        (
            "post",
            reverse("coaching:action_item_toggle", args=[session.action_items.get().pk]),
            {},
        ),
    ]


@pytest.mark.parametrize("intruder", ["peer", "other_manager", "outsider", "indirect_report"])
def test_outsiders_get_nothing_of_a_session(client, request, session, plan, intruder):
    client.force_login(request.getfixturevalue(intruder))
    for method, url, data in session_urls(session):
        response = getattr(client, method)(url, data)
        assert response.status_code in (403, 404), url
        body = response.content.decode()
        assert SHARED not in body and PRIVATE not in body
    for url in (
        reverse("coaching:improvement_plan_detail", args=[plan.pk]),
        reverse("coaching:improvement_plan_edit", args=[plan.pk]),
        reverse("coaching:timeline", args=[session.employee_id]),
    ):
        assert client.get(url).status_code in (403, 404), url
    coach_urls = [
        reverse("coaching:session_new") + f"?employee={session.employee_id}",
        reverse("coaching:improvement_plan_new") + f"?employee={session.employee_id}",
    ]
    for url in coach_urls:
        assert client.get(url).status_code in (403, 404), url
    session.refresh_from_db()
    assert session.note == "" and session.acknowledged_at is None
    assert not session.action_items.filter(done_at__isnull=False).exists()


def test_the_coachee_reads_the_shared_part_but_never_the_private_note(client, session, report):
    client.force_login(report)
    body = client.get(reverse("coaching:session_detail", args=[session.pk])).content.decode()
    assert SHARED in body and PRIVATE not in body
    assert client.get(reverse("coaching:session_edit", args=[session.pk])).status_code == 403


def test_the_managers_chain_reads_the_shared_part_only(client, session, manager, report):
    boss = UserFactory(full_name="Bea Boss")
    manager.manager = boss
    manager.save()
    client.force_login(boss)
    body = client.get(reverse("coaching:session_detail", args=[session.pk])).content.decode()
    assert SHARED in body and PRIVATE not in body
    assert client.get(reverse("coaching:session_edit", args=[session.pk])).status_code == 403


def test_the_private_note_appears_to_its_author_alone(client, session, manager):
    client.force_login(manager)
    body = client.get(reverse("coaching:session_detail", args=[session.pk])).content.decode()
    assert PRIVATE in body


def test_hr_sees_that_a_session_happened_not_its_content(client, session, hr):
    client.force_login(hr)
    body = client.get(reverse("coaching:session_detail", args=[session.pk])).content.decode()
    assert "30 minutes" in body and "Directional guidance" in body
    assert SHARED not in body and PRIVATE not in body
    timeline = client.get(reverse("coaching:timeline", args=[session.employee_id]))
    assert SHARED not in timeline.content.decode()


def test_hr_reads_the_content_the_coach_shared_but_not_the_private_note(client, session, hr):
    CoachingSession.objects.filter(pk=session.pk).update(shared_with_hr=True)
    client.force_login(hr)
    body = client.get(reverse("coaching:session_detail", args=[session.pk])).content.decode()
    assert SHARED in body and PRIVATE not in body


def test_private_notes_are_not_in_the_admin_for_staff_or_superusers(client, session):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_coachingsession", "change_coachingsession"])
    )
    client.force_login(staff)
    listing = client.get(reverse("admin:coaching_coachingsession_changelist")).content.decode()
    change = client.get(
        reverse("admin:coaching_coachingsession_change", args=[session.pk])
    ).content.decode()
    assert PRIVATE not in listing and PRIVATE not in change
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    change = client.get(reverse("admin:coaching_coachingsession_change", args=[session.pk]))
    assert PRIVATE not in change.content.decode()  # only its reveal page, with a reason


def test_the_coachee_acknowledges_once_and_the_coach_is_told(
    django_app, client, session, report, manager
):
    page = django_app.get(reverse("coaching:session_detail", args=[session.pk]), user=report)
    form = form_with_button(page, "Acknowledge")
    form["comment"] = "Thanks, clear plan."
    shown = press(form, "Acknowledge").follow()
    session.refresh_from_db()
    assert session.acknowledged_by == report and session.coachee_comment == "Thanks, clear plan."
    assert messages(shown) == ["Thank you: the session is acknowledged."]
    assert "Thanks, clear plan." in shown.text
    assert "Acknowledge" not in _button_labels(shown)
    assert manager.notifications.filter(message__contains="acknowledged").exists()
    # A replayed POST (the page no longer offers the button) is refused.
    client.force_login(report)
    url = reverse("coaching:session_acknowledge", args=[session.pk])
    assert client.post(url, {"comment": "again"}).status_code == 403


def test_an_overlong_acknowledgement_comment_is_refused_beside_it(django_app, session, report):
    page = django_app.get(reverse("coaching:session_detail", args=[session.pk]), user=report)
    form = form_with_button(page, "Acknowledge")
    form["comment"] = "x" * 2001  # a browser stops at the maxlength; a pasted script need not
    refused = press(form, "Acknowledge")
    assert refused.status_code == 200
    assert errors_beside(refused, "comment") == [
        "Ensure this value has at most 2000 characters (it has 2001)."
    ]
    assert form_with_button(refused, "Acknowledge")["comment"].value == "x" * 2001
    session.refresh_from_db()
    assert session.acknowledged_at is None


def _button_labels(page):
    return [b.get_text(strip=True) for b in page.html.find_all("button")]


def test_both_people_tick_action_items_off(django_app, session, report, manager):
    item = session.action_items.get()
    page = django_app.get(reverse("coaching:session_detail", args=[session.pk]), user=report)
    form = form_with_button(page, "Mark as done: Book meetings")
    swapped = press(form, "Mark as done: Book meetings", headers=HTMX)  # htmx swaps the item
    assert 'id="action-item-' in swapped.text and "<nav" not in swapped.text
    assert "Undo" in _button_labels(swapped)
    item.refresh_from_db()
    assert item.done_by == report
    page = django_app.get(reverse("coaching:session_detail", args=[session.pk]), user=manager)
    response = press(form_with_button(page, "Mark as not done: Book meetings"), "Undo")
    assert response.location == session.get_absolute_url()  # without JavaScript
    item.refresh_from_db()
    assert item.done_at is None
    assert "Mark as done: Book meetings" in str(response.follow().html)


def test_hr_cannot_tick_or_edit(client, session, hr):
    client.force_login(hr)
    for method, url, data in session_urls(session)[1:]:
        assert getattr(client, method)(url, data).status_code == 403, url


def test_calendar_feed_is_private_and_revocable(django_app, client, manager, report):
    CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="guidance",
        held_on=timezone.localdate(),
        follow_up_on=timezone.localdate() + dt.timedelta(days=3),
    )
    page = django_app.get(reverse("coaching:calendar_settings"), user=manager)
    assert not page.html.select('[data-testid="feed-url"]')
    shown = press(
        form_with_button(page, "Create my calendar address"), "Create my calendar address"
    )
    shown = shown.follow()
    address = shown.html.select_one('[data-testid="feed-url"]')["value"]
    token = manager.calendar_feed.token
    assert address.endswith(reverse("coaching:calendar_feed", args=[token]))
    assert messages(shown) == ["A new calendar address is ready; the old one no longer works."]
    feed = client.get(reverse("coaching:calendar_feed", args=[token]))
    assert feed.status_code == 200 and b"Follow up: Rob Report" in feed.content
    assert b"BEGIN:VCALENDAR" in feed.content
    label = "Make a new address (the old one stops working)"
    renewed = press(form_with_button(shown, label), label).follow()
    assert renewed.html.select_one('[data-testid="feed-url"]')["value"] != address
    assert client.get(reverse("coaching:calendar_feed", args=[token])).status_code == 404
    assert client.get(reverse("coaching:calendar_feed", args=["guess"])).status_code == 404
