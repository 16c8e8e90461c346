"""A private note is its author's alone; a superuser may reveal one in the admin after
giving a reason, and that read is logged and shown to the author (issue 18 §3)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, User
from coaching.models import CoachingSession, PrivateNoteRead
from tests.factories import UserFactory
from tests.webtest_helpers import errors_beside, form_with_button, press

pytestmark = pytest.mark.django_db

NOTE = "Worried about burnout signals after the reorganisation"


@pytest.fixture
def session(manager, report) -> CoachingSession:
    return CoachingSession.objects.create(
        coach=manager,
        employee=report,
        type="guidance",
        duration_minutes=30,
        note="Talked about the quarter.",
        private_note=NOTE,
        held_on=timezone.localdate(),
    )


@pytest.fixture
def superuser(db) -> User:
    return UserFactory(
        email="sue@example.com", full_name="Sue Super", is_staff=True, is_superuser=True
    )


@pytest.fixture
def staff(db) -> User:
    """Staff with every admin permission there is, but not a superuser."""
    user = UserFactory(email="stan@example.com", is_staff=True)
    user.user_permissions.add(*Permission.objects.all())
    return user


def reveal_url(session: CoachingSession) -> str:
    return reverse("admin:coaching_coachingsession_reveal", args=[session.pk])


def change_url(session: CoachingSession) -> str:
    return reverse("admin:coaching_coachingsession_change", args=[session.pk])


def test_a_superuser_sees_the_note_masked_on_the_session_s_admin_page(
    django_app, session, superuser
):
    page = django_app.get(change_url(session), user=superuser)
    assert NOTE not in page.text
    assert "Masked: only its author reads it." in page.text
    assert page.html.select_one("[data-testid=reveal-private-note]")["href"] == reveal_url(session)


def test_a_superuser_cannot_filter_or_search_sessions_by_the_note(client, session, superuser):
    client.force_login(superuser)
    url = reverse("admin:coaching_coachingsession_changelist")
    for lookup in ("private_note__regex", "private_note__isnull", "private_note"):
        assert client.get(url, {lookup: "^Worried"}).status_code == 400, lookup
    found = client.get(url, {"q": "burnout"}).context["cl"].result_count
    assert found == client.get(url, {"q": "zzqxj"}).context["cl"].result_count


def test_revealing_asks_for_a_reason_first_and_shows_nothing_before(django_app, session, superuser):
    page = django_app.get(reveal_url(session), user=superuser)
    assert NOTE not in page.text
    for meaningless in ("   legal   ", "aaaaaaaaaaaa", "." * 26, "1234567890 !!"):
        form = form_with_button(page, "Record the reason and reveal the note")
        form["reason"] = meaningless
        refused = press(form, "Record the reason and reveal the note")
        assert errors_beside(refused, "reason")[0].startswith("Give the real reason, in words")
        assert NOTE not in refused.text
        page = refused
    assert not PrivateNoteRead.objects.exists()


def test_a_reason_in_chinese_is_a_reason(django_app, session, superuser):
    page = django_app.get(reveal_url(session), user=superuser)
    form = form_with_button(page, "Record the reason and reveal the note")
    form["reason"] = "应法院要求披露辅导记录"
    shown = press(form, "Record the reason and reveal the note")
    assert NOTE in shown.text
    assert PrivateNoteRead.objects.get().reason == "应法院要求披露辅导记录"


def test_the_admin_does_not_tell_a_session_with_a_note_from_one_without(
    django_app, session, superuser, manager, report
):
    empty = CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", held_on=timezone.localdate()
    )
    shown = []
    for one in (session, empty):
        page = django_app.get(change_url(one), user=superuser)
        masked = page.html.find("div", class_="field-private_note_revealable")
        shown.append(" ".join(masked.get_text(" ").split()))
    assert shown[0] == shown[1]
    assert "Masked: only its author reads it." in shown[0]


def test_a_revealed_note_is_logged_and_its_author_told_and_shown(
    django_app, session, superuser, manager
):
    page = django_app.get(reveal_url(session), user=superuser)
    form = form_with_button(page, "Record the reason and reveal the note")
    form["reason"] = "Legal request from the works council"
    shown = press(form, "Record the reason and reveal the note")
    assert NOTE in shown.html.select_one("[data-testid=revealed-note]").text
    assert shown.headers["Cache-Control"].startswith("max-age=0")
    read = PrivateNoteRead.objects.get()
    assert (read.session, read.reader, read.reason) == (
        session,
        superuser,
        "Legal request from the works council",
    )
    told = Notification.objects.get(recipient=manager)
    assert "Sue Super" in told.message and "Legal request" in told.message
    assert told.url == session.get_absolute_url()

    author_page = django_app.get(session.get_absolute_url(), user=manager)
    reads = author_page.html.select_one("[data-testid=note-reads]").text
    assert "Read by the administrator Sue Super on" in reads
    assert "Legal request from the works council" in reads


def test_the_author_sees_nobody_else_read_an_unread_note(django_app, session, manager):
    page = django_app.get(session.get_absolute_url(), user=manager)
    assert page.html.select_one("[data-testid=note-unread]") is not None
    assert page.html.select_one("[data-testid=note-reads]") is None


def test_nobody_but_the_author_sees_the_reads(django_app, session, superuser, report, hr):
    PrivateNoteRead.objects.create(session=session, reader=superuser, reason="Legal request 42")
    for person in (report, hr):
        page = django_app.get(session.get_absolute_url(), user=person, expect_errors=True)
        assert "Legal request 42" not in page.text
        assert NOTE not in page.text


@pytest.mark.parametrize("who", ["staff", "manager", "hr", "anonymous"])
def test_nobody_but_a_superuser_reaches_the_reveal_page(client, session, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    for method in (client.get, client.post):
        response = method(reveal_url(session), {"reason": "I am curious about it"})
        assert response.status_code in (302, 403), (who, response.status_code)
        assert NOTE not in response.content.decode()
    assert not PrivateNoteRead.objects.exists()


def test_an_inactive_superuser_cannot_reveal(client, session, superuser):
    client.force_login(superuser)
    User.objects.filter(pk=superuser.pk).update(is_active=False)
    response = client.post(reveal_url(session), {"reason": "Legal request from outside"})
    assert response.status_code in (302, 403)
    assert not PrivateNoteRead.objects.exists()


def test_the_read_log_cannot_be_deleted_or_changed_in_the_admin(client, session, superuser):
    read = PrivateNoteRead.objects.create(session=session, reader=superuser, reason="Legal request")
    client.force_login(superuser)
    opts = "admin:coaching_privatenoteread"
    assert client.get(reverse(f"{opts}_changelist")).status_code == 200
    assert (
        client.post(reverse(f"{opts}_delete", args=[read.pk]), {"post": "yes"}).status_code == 403
    )
    assert (
        client.post(
            reverse(f"{opts}_change", args=[read.pk]), {"reason": "nothing happened"}
        ).status_code
        == 403
    )
    assert client.get(reverse(f"{opts}_add")).status_code == 403
    listed = client.get(reverse(f"{opts}_changelist"))
    assert listed.context["action_form"] is None  # no "delete selected"
    assert PrivateNoteRead.objects.get().reason == "Legal request"


def test_a_session_or_a_person_with_a_logged_read_cannot_be_deleted(
    client, session, superuser, manager, report
):
    PrivateNoteRead.objects.create(session=session, reader=superuser, reason="Legal request")
    client.force_login(superuser)
    for url in (
        reverse("admin:coaching_coachingsession_delete", args=[session.pk]),
        reverse("admin:accounts_user_delete", args=[report.pk]),
        reverse("admin:accounts_user_delete", args=[superuser.pk]),
    ):
        page = client.post(url, {"post": "yes"})
        assert page.status_code == 200, url  # the page explains what protects it
        assert "<title>Cannot delete" in page.content.decode(), url
    bulk = client.post(
        reverse("admin:coaching_coachingsession_changelist"),
        {"action": "delete_selected", "_selected_action": [session.pk], "post": "yes"},
    )
    assert bulk.status_code == 200
    assert (
        PrivateNoteRead.objects.count() == 1
        and CoachingSession.objects.filter(pk=session.pk).exists()
    )


def test_staff_see_the_note_masked_and_no_reveal_link(django_app, session, staff):
    page = django_app.get(change_url(session), user=staff)
    assert "Masked: only its author reads it." in page.text
    assert page.html.select_one("[data-testid=reveal-private-note]") is None
    assert NOTE not in page.text
