"""The layout's head and header, rendered once per language and person and kept in each
process (accounts/templatetags/layout.py, issue 21 §4): each page still carries its own
request's CSRF token and address, and nobody sees another person's header."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.test_auth import log_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_off")]


def _language_form(page):
    return next(form for form in page.forms.values() if "language" in form.fields)


def _name_in_menu(page) -> str:
    return str(page.html.select_one(".nav-person-name").get_text(strip=True))


@pytest.mark.parametrize("signed_in", [True, False])
def test_the_language_menu_comes_back_to_each_page_s_own_address(
    django_app, report, password, signed_in
):
    if signed_in:
        log_in(django_app, report.email, password, status=302)
    for address in ["/no-such-page/?q=%3Cb%3E&n=1", "/another-missing-page/", "/no-such-page/"]:
        page = django_app.get(address, status=404)
        assert _language_form(page)["next"].value == address


def test_the_language_menu_and_sign_out_post_with_the_page_s_own_token(
    django_app, report, password
):
    log_in(django_app, report.email, password, status=302)
    django_app.get("/no-such-page/", status=404)  # the header is kept from here on
    form = _language_form(django_app.get(reverse("plans:my_objectives")))
    form["language"] = "zh-hans"
    switched = form.submit(status=302).follow()
    assert switched.html.html["lang"] == "zh-hans"
    assert switched.request.path == reverse("plans:my_objectives")

    page = django_app.get("/no-such-page/", status=404)
    token = page.html.select_one('input[name="csrfmiddlewaretoken"]')["value"]
    assert f'"X-CSRFToken": "{token}"' in page.text
    sign_out = next(form for form in page.forms.values() if "logout" in form.action)
    sign_out.submit(status=302)
    refused = django_app.get(reverse("home"), status=302)
    assert reverse("accounts:login") in refused.location


@pytest.mark.django_db(transaction=True)  # a second browser: its own requests, committed
def test_two_people_in_turn_each_see_only_their_own_header(django_app, manager, report, password):
    from webtest import TestApp

    other = TestApp(django_app.app)
    log_in(django_app, manager.email, password, status=302)
    log_in(other, report.email, password, status=302)
    for _ in range(2):
        managers_page = django_app.get("/no-such-page/", status=404)
        reports_page = other.get("/no-such-page/", status=404)
        assert _name_in_menu(managers_page) == manager.full_name
        assert _name_in_menu(reports_page) == "Rob Report"
        assert manager.full_name not in reports_page.text
        assert "Team" in managers_page.html.select_one(".main-nav-areas").get_text(" ")
        assert "Team" not in reports_page.html.select_one(".main-nav-areas").get_text(" ")


@pytest.mark.django_db(transaction=True)  # rows kept between requests only when committed
def test_a_change_to_what_the_header_shows_shows_on_the_next_page(
    django_app, report, password, sales
):
    from accounts.models import User
    from tests.factories import DepartmentFactory

    log_in(django_app, report.email, password, status=302)
    page = django_app.get("/no-such-page/", status=404)
    menus = page.html.select_one("#main-nav")
    assert "Administration" not in menus.get_text(" ")
    assert menus.select_one(f'a[href="{reverse("plans:department_objectives", args=[sales.pk])}"]')

    support = DepartmentFactory(name="Support")
    User.objects.filter(pk=report.pk).update(is_staff=True, department=support)

    menus = django_app.get("/no-such-page/", status=404).html.select_one("#main-nav")
    assert "Administration" in menus.get_text(" ")
    assert menus.select_one(
        f'a[href="{reverse("plans:department_objectives", args=[support.pk])}"]'
    )
    assert not menus.select_one(
        f'a[href="{reverse("plans:department_objectives", args=[sales.pk])}"]'
    )
