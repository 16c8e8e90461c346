from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import go_to, open_navigation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_demo_employee_logs_in_on_a_phone_and_switches_language(live_server, page) -> None:
    call_command("seed_demo")
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url
    page.get_by_label("E-mail address").fill("emma.wilson@example.com")
    page.get_by_label("Password").fill("coaching-demo")
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("heading", name="Hello, Emma").wait_for()
    go_to(page, "Organisation")  # phone-sized: the menu folds
    page.get_by_role("heading", name="Organisation").wait_for()

    page.get_by_label("Find people").fill("Priya")
    expect(page.locator("#people-results tbody tr")).to_have_count(1)  # htmx swapped the results
    expect(page.locator("#people-results")).to_contain_text("Priya Nair")

    open_navigation(page)
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("heading", name="组织").wait_for()
