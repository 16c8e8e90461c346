"""A signed-in session's key names its person, so that the session, the person's row and
their navigation figures come from Redis in one round trip (accounts/sessions.py,
accounts/user_rows.read_ahead; issue 21 §2). The id in the key is only a hint: who is
signed in is what the session says, and a key hinting at someone else shows nothing of
them.

These tests commit (``transaction=True``): a row read in a transaction holding
uncommitted writes is never kept."""

from __future__ import annotations

import pytest
import redis
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.urls import reverse

from accounts.auth_backend import BACKEND
from accounts.sessions import KEY_LENGTH, SessionStore, person_hint
from tests.accounts.test_auth import log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("page_cache_off")]

NOT_FOUND = "/no-such-page/"


def _name_in_menu(page) -> str:
    return str(page.html.select_one(".nav-person-name").get_text(strip=True))


@pytest.fixture
def redis_commands(monkeypatch):
    """The names of the Redis commands sent while the test runs, in order."""
    sent: list[str] = []
    execute = redis.Redis.execute_command

    def counting(self, *args, **options):
        sent.append(str(args[0]))
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    return sent


def _session_for(user, key: str | None = None) -> SessionStore:
    store = SessionStore(key)
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if key is None:
        store.create()
    else:
        store.save(must_create=True)
    return store


def test_signing_in_gives_a_key_naming_the_person(django_app, report, password):
    log_in(django_app, report.email, password, status=302)
    key = django_app.cookies["sessionid"]
    assert person_hint(key) == str(report.pk)
    assert len(key) == KEY_LENGTH and key.isalnum()
    assert _name_in_menu(django_app.get(NOT_FOUND, status=404)) == "Rob Report"


def test_a_signed_in_request_makes_one_round_trip_to_the_cache(
    django_app, report, password, redis_commands
):
    log_in(django_app, report.email, password, status=302)
    django_app.get(NOT_FOUND, status=404)  # keeps the row and figures
    redis_commands.clear()
    page = django_app.get(NOT_FOUND, status=404)
    assert _name_in_menu(page) == "Rob Report"
    assert redis_commands == ["MGET"]


def test_a_key_made_before_still_signs_in_with_two_round_trips(django_app, report, redis_commands):
    store = SessionStore()
    store[SESSION_KEY] = str(report.pk)
    store[BACKEND_SESSION_KEY] = BACKEND
    store[HASH_SESSION_KEY] = report.get_session_auth_hash()
    old_key = "a" * 32  # Django's own form: lowercase letters and digits
    store._session_key = old_key
    store.save(must_create=True)
    django_app.set_cookie("sessionid", old_key)
    django_app.get(NOT_FOUND, status=404)
    redis_commands.clear()
    assert _name_in_menu(django_app.get(NOT_FOUND, status=404)) == "Rob Report"
    assert redis_commands == ["GET", "MGET"]


def test_a_forged_key_naming_someone_signs_nobody_in(django_app, manager, report, password):
    log_in(django_app, manager.email, password, status=302)  # the manager's row is kept
    django_app.reset()
    django_app.set_cookie("sessionid", f"{manager.pk}U" + "x" * 34)
    refused = django_app.get(reverse("home"), status=302)
    assert reverse("accounts:login") in refused.location
    page = django_app.get(NOT_FOUND, status=404)
    assert page.html.select_one(".nav-person-name") is None
    assert manager.full_name not in page.text


def test_a_key_hinting_at_someone_else_shows_the_session_s_own_person(
    django_app, manager, report, password
):
    """Who is signed in is what the session holds, whatever its key begins with."""
    log_in(django_app, manager.email, password, status=302)
    django_app.get(NOT_FOUND, status=404)  # the manager's row and figures are kept
    django_app.reset()
    store = _session_for(report, key=f"{manager.pk}U" + "q" * 34)
    django_app.set_cookie("sessionid", store.session_key)
    page = django_app.get(NOT_FOUND, status=404)
    assert _name_in_menu(page) == "Rob Report"
    assert "Team" not in page.html.select_one(".main-nav-areas").get_text(" ")


def test_a_password_change_keeps_a_key_naming_the_person(django_app, report, password):
    log_in(django_app, report.email, password, status=302)
    before = django_app.cookies["sessionid"]
    form = django_app.get(reverse("accounts:password_change")).forms["password-change-form"]
    form["old_password"] = password
    form["new_password1"] = form["new_password2"] = "another-secret-77"
    form.submit(status=302)
    after = django_app.cookies["sessionid"]
    assert after != before and person_hint(after) == str(report.pk)
    assert _name_in_menu(django_app.get(NOT_FOUND, status=404)) == "Rob Report"


def test_signing_out_ends_the_key_naming_the_person(django_app, report, password):
    log_in(django_app, report.email, password, status=302)
    key = django_app.cookies["sessionid"]
    page = django_app.get(NOT_FOUND, status=404)
    page.forms[next(n for n, f in page.forms.items() if "logout" in f.action)].submit()
    assert not SessionStore().exists(key)
    django_app.set_cookie("sessionid", key)  # the old cookie, kept by someone
    refused = django_app.get(reverse("home"), status=302)
    assert reverse("accounts:login") in refused.location
