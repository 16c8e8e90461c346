"""A person's page on a phone (issue 20 §1): reached from the coaching overview, read
without a sideways scroll, and the coach's *Quick note* written from it."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_manager_opens_her_report_s_page_on_a_phone_and_writes_a_quick_note_from_it(
    live_server, page, screenshot
) -> None:
    call_command("seed_demo")
    base = live_server.url
    priya = User.objects.get(email="priya.nair@example.com")
    log_in(page, base, priya.email)
    page.goto(base + reverse("coaching:overview"))
    page.get_by_role("link", name=re.compile(r"Person's page\W+Emma Wilson")).click()
    expect(page.get_by_role("heading", name="Emma Wilson", exact=True)).to_be_visible()
    for section in ("person-objectives", "person-coaching", "person-review-tables"):
        expect(page.get_by_test_id(section)).to_be_visible()
    screenshot(page, "person-page")  # and no sideways scroll at 390 px

    page.get_by_test_id("person-actions").get_by_role("link", name="Quick note").click()
    expect(page.get_by_label("Person")).to_have_value(
        str(User.objects.get(email="emma.wilson@example.com").pk)
    )
    page.get_by_label("Type of coaching").select_option("encouragement")
    page.get_by_label("Note").fill("Closed the Lyon renewal on her own.")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Note saved.")).to_be_visible()

    page.go_back()
    page.go_back()
    page.reload()
    expect(page.get_by_test_id("person-coaching")).to_contain_text(
        "Closed the Lyon renewal on her own."
    )
