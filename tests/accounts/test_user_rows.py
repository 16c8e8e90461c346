"""The signed-in person's row kept between requests (accounts/user_rows.py, issue 21 §2):
no query for it while the user table is unchanged, and after any change to it — made by
the person on a page, by someone else, by a bulk update or raw SQL — the next request
reads it again: a new name shows, someone deactivated or whose password changed
elsewhere is signed out.

These tests commit (``transaction=True``): a row read in a transaction holding
uncommitted writes is never kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.auth_backend import PREVIOUS_BACKEND
from accounts.models import User
from accounts.sessions import SessionStore
from accounts.user_rows import kept_user
from tests.accounts.test_auth import log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("page_cache_off")]

NOT_FOUND = "/no-such-page/"


def _user_queries(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]]


def _name_in_menu(page) -> str:
    return str(page.html.select_one(".nav-person-name").get_text(strip=True))


def test_a_signed_in_request_reads_no_user_row_once_kept(django_app, report, password):
    log_in(django_app, report.email, password, status=302)
    django_app.get(NOT_FOUND, status=404)  # reads and keeps the row
    with CaptureQueriesContext(connection) as queries:
        page = django_app.get(NOT_FOUND, status=404)
    assert _name_in_menu(page) == "Rob Report"
    assert _user_queries(queries) == []


def test_a_name_changed_on_the_profile_shows_at_once_on_every_device(django_app, report, password):
    from webtest import TestApp

    other_device = TestApp(django_app.app)
    log_in(django_app, report.email, password, status=302)
    log_in(other_device, report.email, password, status=302)
    assert _name_in_menu(other_device.get(NOT_FOUND, status=404)) == "Rob Report"

    profile = django_app.get(reverse("accounts:profile"))
    form = next(form for form in profile.forms.values() if "full_name" in form.fields)
    form["full_name"] = "Robert Report"
    saved = form.submit().follow()

    assert _name_in_menu(saved) == "Robert Report"
    assert _name_in_menu(other_device.get(NOT_FOUND, status=404)) == "Robert Report"


@pytest.mark.parametrize("how", ["update", "raw SQL"])
def test_a_change_made_elsewhere_shows_on_the_next_request(django_app, report, password, how):
    log_in(django_app, report.email, password, status=302)
    assert _name_in_menu(django_app.get(NOT_FOUND, status=404)) == "Rob Report"

    if how == "update":
        User.objects.filter(pk=report.pk).update(full_name="Roberta Report")
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                'UPDATE "accounts_user" SET "full_name" = %s WHERE "id" = %s',
                ["Roberta Report", report.pk],
            )

    assert _name_in_menu(django_app.get(NOT_FOUND, status=404)) == "Roberta Report"


def test_someone_deactivated_is_signed_out_at_their_next_request(django_app, report, password):
    log_in(django_app, report.email, password, status=302)
    django_app.get(reverse("home"), status=200)
    User.objects.filter(pk=report.pk).update(is_active=False)
    refused = django_app.get(reverse("home"), status=302)
    assert reverse("accounts:login") in refused.location


def test_a_password_changed_on_another_device_signs_this_one_out(django_app, report, password):
    from webtest import TestApp

    other_device = TestApp(django_app.app)
    log_in(django_app, report.email, password, status=302)
    log_in(other_device, report.email, password, status=302)
    django_app.get(reverse("home"), status=200)

    form = other_device.get(reverse("accounts:password_change")).forms["password-change-form"]
    form["old_password"] = password
    form["new_password1"] = form["new_password2"] = "another-secret-77"
    form.submit(status=302)

    assert other_device.get(reverse("home"), status=200)  # the device that changed it
    refused = django_app.get(reverse("home"), status=302)
    assert reverse("accounts:login") in refused.location


def test_a_kept_row_never_writes_an_old_last_login_back(report):
    def fetch() -> User:
        return User.objects.get(pk=report.pk)

    kept_user(report.pk, fetch)  # keeps the row
    signed_in_at = timezone.now() + dt.timedelta(minutes=5)
    User.objects.filter(pk=report.pk).update(last_login=signed_in_at)  # as each sign-in
    user = kept_user(report.pk, fetch)
    assert user is not None
    user.full_name = "Rob R. Report"
    user.save()  # a whole save of the request's user
    stored = User.objects.get(pk=report.pk)
    assert (stored.full_name, stored.last_login) == ("Rob R. Report", signed_in_at)
    assert user.last_login == signed_in_at  # read from the database when asked


def test_a_session_signed_in_before_the_backend_changed_stays_signed_in(django_app, report):
    store = SessionStore()
    store[SESSION_KEY] = str(report.pk)
    store[BACKEND_SESSION_KEY] = PREVIOUS_BACKEND
    store[HASH_SESSION_KEY] = report.get_session_auth_hash()
    store.create()
    django_app.set_cookie("sessionid", store.session_key)
    page = django_app.get(NOT_FOUND, status=404)
    assert _name_in_menu(page) == "Rob Report"


def _bell(page) -> str:
    return str(page.html.select_one('[data-testid="bell"]').get_text(" ", strip=True))


def test_the_navigation_read_with_the_kept_row_shows_a_new_notification_and_role(
    django_app, report, password
):
    """The navigation's figures are read in the kept row's round trip: a notification for
    the person, or a report given to them, shows on their next page all the same."""
    from accounts.services import notify
    from tests.factories import UserFactory

    log_in(django_app, report.email, password, status=302)
    page = django_app.get(NOT_FOUND, status=404)
    assert "unread" not in _bell(page)
    assert page.html.select_one('[data-testid="objectives-menu"]') is not None
    assert "Team" not in page.html.select_one(".main-nav-areas").get_text(" ")
    django_app.get(NOT_FOUND, status=404)  # row and figures kept

    notify(recipients=[report], message="Your table was returned")
    UserFactory(manager=report, full_name="Nina New")

    page = django_app.get(NOT_FOUND, status=404)
    assert "1 unread" in _bell(page)
    assert "Team" in page.html.select_one(".main-nav-areas").get_text(" ")
