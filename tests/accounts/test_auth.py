from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def login(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_login_with_email_goes_home(client, report, password):
    response = login(client, "ROB@example.com", password)
    assert response.status_code == 302 and response.url == reverse("home")
    home = client.get(reverse("home"))
    assert "Rob Report" in home.content.decode()


def test_wrong_password_is_refused_with_a_message(client, report):
    response = login(client, report.email, "wrong-password")
    assert response.status_code == 200
    assert "not right" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_need_login(client):
    for name in ("home", "accounts:profile", "accounts:org_chart", "accounts:org_import"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_logout_ends_the_session(client, report):
    client.force_login(report)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_repeated_failed_logins_are_throttled_with_a_clear_message(client, report, password):
    for _ in range(5):
        login(client, report.email, "wrong-password")
    response = login(client, report.email, password)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many failed log-ins" in body
    assert "_auth_user_id" not in client.session


def test_lockout_of_one_account_does_not_block_another(client, report, manager, password):
    for _ in range(5):
        login(client, report.email, "wrong-password")
    response = login(client, manager.email, password)
    assert response.status_code == 302


def test_password_reset_mails_a_link_that_sets_a_new_password(client, report):
    response = client.post(reverse("accounts:password_reset"), {"email": report.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [report.email]
    assert message.alternatives, "an HTML part is sent too"
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body)
    assert link
    path = link.group(0).split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "a-brand-new-secret-9", "new_password2": "a-brand-new-secret-9"}
    )
    assert done.status_code == 302
    client.logout()
    assert login(client, report.email, "a-brand-new-secret-9").status_code == 302


def test_password_reset_for_unknown_address_sends_nothing_and_reveals_nothing(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_password_change_needs_the_old_password(client, report, password):
    client.force_login(report)
    url = reverse("accounts:password_change")
    bad = client.post(
        url,
        {
            "old_password": "nope",
            "new_password1": "another-secret-77",
            "new_password2": "another-secret-77",
        },
    )
    assert bad.status_code == 200 and "incorrectly" in bad.content.decode()
    good = client.post(
        url,
        {
            "old_password": password,
            "new_password1": "another-secret-77",
            "new_password2": "another-secret-77",
        },
    )
    assert good.status_code == 302
    report.refresh_from_db()
    assert report.check_password("another-secret-77")
