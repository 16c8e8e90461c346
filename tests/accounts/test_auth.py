"""Log in, log out, reset and change a password: through the forms as the pages render them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.throttle import login_identity, normalise_email
from tests.outbox import delivered

pytestmark = pytest.mark.django_db

CASE_VARIANTS = [
    "rob@example.com",
    "ROB@example.com",
    "Rob@Example.com",
    "rob@EXAMPLE.COM",
    "rOb@eXample.cOm",
    "ROB@EXAMPLE.COM",
]


def log_in(django_app, email: str, password: str, *, status: int | str | None = None):
    form = django_app.get(reverse("accounts:login")).forms["login-form"]
    form["username"] = email
    form["password"] = password
    return form.submit("submit", status=status)


def signed_in_user_id(django_app) -> str | None:
    from django.contrib.sessions.backends.db import SessionStore

    cookie = django_app.cookies.get("sessionid")
    return SessionStore(session_key=cookie).get("_auth_user_id") if cookie else None


def test_a_person_logs_in_with_her_address_in_any_case_and_sees_her_home(
    django_app, report, password
):
    response = log_in(django_app, "ROB@example.com", password, status=302)
    assert response.location.endswith(reverse("home"))
    assert "Rob Report" in response.follow().text


def test_a_wrong_password_is_refused_with_a_message(django_app, report):
    response = log_in(django_app, report.email, "wrong-password", status=200)
    assert "not right" in response.html.select_one("#login-form").text
    assert signed_in_user_id(django_app) is None


def test_pages_need_login(django_app):
    for name in ("home", "accounts:profile", "accounts:org_chart", "accounts:org_import"):
        response = django_app.get(reverse(name), status=302)
        assert reverse("accounts:login") in response.location


def test_logging_out_ends_the_session(django_app, report):
    home = django_app.get(reverse("home"), user=report)
    logout = next(form for form in home.forms.values() if "logout" in (form.action or ""))
    logout.submit()
    django_app.get(reverse("home"), user=None, status=302)


def test_repeated_failed_logins_are_throttled_with_a_clear_message(django_app, report, password):
    for _ in range(4):
        log_in(django_app, report.email, "wrong-password", status=200)
    fifth = log_in(django_app, report.email, "wrong-password", status=429)
    locked = fifth.html.select_one('[data-testid="locked-out"]')
    assert locked is not None and "Too many failed log-ins" in locked.text
    assert "Try again in 15 minutes" in " ".join(locked.text.split())
    # Even the right password is refused while the lock lasts.
    log_in(django_app, report.email, password, status=429)
    assert signed_in_user_id(django_app) is None


def test_changing_the_letter_case_of_the_address_gives_no_fresh_tries(django_app, report, password):
    for variant in CASE_VARIANTS[:4]:
        log_in(django_app, variant, "wrong-password", status=200)
    log_in(django_app, CASE_VARIANTS[4], "wrong-password", status=429)
    response = log_in(django_app, CASE_VARIANTS[5], password, status=429)
    assert "Too many failed log-ins" in response.text
    assert signed_in_user_id(django_app) is None


def test_twenty_guesses_in_every_spelling_lock_the_account_after_five(client, report, password):
    # The attack, by hand-built posts: spelling the address differently each time.
    statuses = []
    for attempt in range(20):
        variant = "".join(
            ch.upper() if (attempt >> index) & 1 else ch for index, ch in enumerate(report.email)
        )
        response = client.post(
            reverse("accounts:login"), {"username": variant, "password": f"guess-{attempt}"}
        )
        statuses.append(response.status_code)
    assert statuses[:4] == [200] * 4 and set(statuses[4:]) == {429}
    assert (
        client.post(
            reverse("accounts:login"), {"username": report.email, "password": password}
        ).status_code
        == 429
    )


def test_the_admin_login_counts_every_spelling_as_the_same_account(django_app, report, password):
    report.is_staff = True
    report.save(update_fields=["is_staff"])
    for number, variant in enumerate(CASE_VARIANTS[:5]):
        form = django_app.get(reverse("admin:login")).forms["login-form"]
        form["username"], form["password"] = variant, "wrong-password"
        form.submit(status=200 if number < 4 else 429)
    form = django_app.get(reverse("admin:login")).forms["login-form"]
    form["username"], form["password"] = CASE_VARIANTS[5], password
    assert "Too many failed log-ins" in form.submit(status=429).text


def test_the_lockout_of_one_account_does_not_block_another(django_app, report, manager, password):
    for variant in CASE_VARIANTS[:5]:
        log_in(django_app, variant, "wrong-password", status="*")
    log_in(django_app, CASE_VARIANTS[0], "wrong-password", status=429)
    log_in(django_app, manager.email, password, status=302)


def test_every_spelling_of_an_address_is_throttled_as_one():
    assert {normalise_email(v) for v in CASE_VARIANTS} == {"rob@example.com"}
    # A long s upper-cases to S: the database's case-insensitive match takes it for "s".
    assert normalise_email(" ſam@Example.com ") == "sam@example.com"
    assert normalise_email("ＲＯＢ@example.com") == "rob@example.com"  # full-width letters
    assert login_identity(None, {"username": "ROB@Example.com"}) == "rob@example.com"
    assert login_identity(None, None) == ""


# --- Password reset ----------------------------------------------------------


def ask_for_reset(django_app, email: str, *, status: int | str | None = None, client_ip=None):
    environ = {"REMOTE_ADDR": client_ip} if client_ip else {}
    page = django_app.get(reverse("accounts:password_reset"), extra_environ=environ)
    form = page.forms["password-reset-form"]
    form["email"] = email
    response = form.submit(status=status, extra_environ=environ)
    delivered()  # the worker sends the outbox once the request has committed
    return response


def test_password_reset_mails_a_link_that_sets_a_new_password(django_app, report):
    response = ask_for_reset(django_app, report.email, status=302).follow()
    assert "Check your e-mail" in response.text
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [report.email]
    assert message.alternatives, "an HTML part is sent too"
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body)
    assert link
    page = django_app.get(link.group(0).split("testserver", 1)[1]).maybe_follow()
    form = page.forms["set-password-form"]
    form["new_password1"] = form["new_password2"] = "a-brand-new-secret-9"
    assert "Your new password is set" in form.submit(status=302).follow().text
    report.refresh_from_db()
    assert report.check_password("a-brand-new-secret-9")
    log_in(django_app, report.email, "a-brand-new-secret-9", status=302)


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(django_app):
    response = ask_for_reset(django_app, "nobody@example.com", status=302)
    assert response.location.endswith(reverse("accounts:password_reset_done"))
    assert mail.outbox == []


def test_twenty_reset_requests_send_three_emails_then_ask_to_wait(django_app, report, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
    statuses = [ask_for_reset(django_app, report.email, status="*").status_code for _ in range(20)]
    assert statuses == [302] * 3 + [429] * 17
    assert len(mail.outbox) == 3
    refused = ask_for_reset(django_app, report.email, status=429)
    message = refused.html.select_one("#password-reset-form .alert").text
    assert "Wait an hour" in message
    # The form is there again, with the address as typed.
    assert refused.forms["password-reset-form"]["email"].value == report.email


def test_every_spelling_of_an_address_shares_its_reset_limit(django_app, report, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
    for variant in CASE_VARIANTS[:3]:
        ask_for_reset(django_app, variant, status=302)
    ask_for_reset(django_app, CASE_VARIANTS[3], status=429)
    assert len(mail.outbox) == 3


def test_the_limit_answers_the_same_for_an_address_with_or_without_an_account(
    django_app, report, settings
):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 2

    def answers(email: str) -> list[tuple[int, str]]:
        seen = []
        for _ in range(4):
            response = ask_for_reset(django_app, email, status="*")
            if response.status_code == 302:
                response = response.follow()
            main = response.html.select_one("main").text.replace(email, "ADDRESS")
            seen.append((response.status_code, " ".join(main.split())))
        return seen

    assert answers(report.email) == answers("nobody@example.com")


def test_one_client_asking_for_many_addresses_is_limited(django_app, report, settings):
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 5
    for number in range(5):
        ask_for_reset(django_app, f"someone{number}@example.com", status=302, client_ip="10.0.0.9")
    ask_for_reset(django_app, report.email, status=429, client_ip="10.0.0.9")
    assert mail.outbox == []
    # Another client is not held up by it.
    ask_for_reset(django_app, report.email, status=302, client_ip="10.0.0.10")
    assert len(mail.outbox) == 1


def test_the_reset_limit_lifts_after_an_hour(django_app, report, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    start = dt.datetime(2026, 11, 30, 9, 10, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        ask_for_reset(django_app, report.email, status=302)
        ask_for_reset(django_app, report.email, status=429)
    with time_machine.travel(start + dt.timedelta(hours=1), tick=False):
        ask_for_reset(django_app, report.email, status=302)
    assert len(mail.outbox) == 2


# --- Password change ---------------------------------------------------------


def test_password_change_needs_the_old_password(django_app, report, password):
    form = django_app.get(reverse("accounts:password_change"), user=report).forms[
        "password-change-form"
    ]
    form["old_password"] = "nope"
    form["new_password1"] = form["new_password2"] = "another-secret-77"
    refused = form.submit(status=200)
    assert "incorrectly" in refused.html.select_one("#password-change-form").text
    report.refresh_from_db()
    assert report.check_password(password)

    form = refused.forms["password-change-form"]
    form["old_password"] = password
    form["new_password1"] = form["new_password2"] = "another-secret-77"
    done = form.submit(status=302).follow()
    assert done.request.path == reverse("accounts:password_change_done")
    report.refresh_from_db()
    assert report.check_password("another-secret-77")


def test_password_reset_still_works_when_the_counters_cannot_be_reached(
    django_app, report, settings, caplog
):
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    ask_for_reset(django_app, report.email, status=302)
    assert len(mail.outbox) == 1
    assert "Rate-limit cache unavailable" in caplog.text


def test_the_reset_e_mail_is_in_the_person_s_language_not_the_page_s(django_app, report):
    report.language = "zh-hans"
    report.save(update_fields=["language"])
    ask_for_reset(django_app, report.email, status=302)  # from the English login page
    message = mail.outbox[0]
    assert "密码" in message.subject + message.body
    assert "password" not in message.subject.lower()
