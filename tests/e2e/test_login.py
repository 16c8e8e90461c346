from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import go_to, log_in, open_navigation

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


def test_the_keyboard_browses_the_languages_and_enter_chooses_one(
    live_server, desktop_page
) -> None:
    """An arrow key on the closed language list only moves the choice (it used to reload
    the page in the next language at once); Enter switches."""
    page = desktop_page
    call_command("seed_demo")
    log_in(page, live_server.url, "emma.wilson@example.com")
    page.get_by_role("heading", name="Hello, Emma").wait_for()
    choice = page.get_by_label("Language")
    choice.focus()
    choice.press("ArrowDown")
    expect(choice).to_have_value("zh-hans")
    expect(page.get_by_role("heading", name="Hello, Emma")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "en"

    choice.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
