"""Each request's language (accounts/middleware.PersonLanguageMiddleware, which does
Django's LocaleMiddleware's work too): the signed-in person's choice on every device,
else the language cookie, else the browser's Accept-Language, else English; every
answer says which (Content-Language) and that it varies with the browser's language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.urls import reverse

from tests.accounts.test_auth import log_in

pytestmark = pytest.mark.django_db


def _language(page) -> str:
    return str(page.html.html["lang"])


def test_no_address_carries_a_language_prefix():
    """What lets one middleware replace LocaleMiddleware: it had no prefix to redirect."""
    assert is_language_prefix_patterns_used(settings.ROOT_URLCONF) == (False, False)


@pytest.mark.parametrize(
    ("accept", "cookie", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", None, "zh-hans"),
        ("en-GB,en;q=0.9", None, "en"),
        ("fr-FR,de;q=0.9", None, "en"),
        ("zh-CN", "en", "en"),
        ("en-US", "zh-hans", "zh-hans"),
    ],
)
def test_a_visitor_gets_the_cookie_s_else_the_browser_s_language(
    django_app, accept, cookie, expected
):
    if cookie:
        django_app.set_cookie(settings.LANGUAGE_COOKIE_NAME, cookie)
    page = django_app.get(reverse("accounts:login"), headers={"Accept-Language": accept})
    assert _language(page) == expected
    assert page.headers["Content-Language"] == expected
    assert "Accept-Language" in page.headers["Vary"]


def test_a_person_s_chosen_language_wins_on_every_device(django_app, report, password):
    report.language = "zh-hans"
    report.save(update_fields=["language"])
    log_in(django_app, report.email, password, status=302)
    django_app.set_cookie(settings.LANGUAGE_COOKIE_NAME, "en")
    for address, status in [(reverse("plans:my_objectives"), 200), ("/no-such-page/", 404)]:
        page = django_app.get(address, headers={"Accept-Language": "en-GB"}, status=status)
        assert _language(page) == "zh-hans"
        assert page.headers["Content-Language"] == "zh-hans"


def test_a_person_without_a_choice_follows_the_browser(django_app, report, password):
    assert report.language == ""
    log_in(django_app, report.email, password, status=302)
    page = django_app.get(reverse("plans:my_objectives"), headers={"Accept-Language": "zh-CN"})
    assert _language(page) == "zh-hans"
