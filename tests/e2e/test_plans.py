from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_manager_sets_a_plan_employee_checks_in_below_it_team_page_shows_lagging(
    live_server, desktop_page
) -> None:
    call_command("seed_demo")
    page, base = desktop_page, live_server.url

    # Priya gives Chloé, who has no objectives yet, one with monthly targets.
    log_in(page, base, "priya.nair@example.com")
    page.goto(base + "/team/")
    page.locator("tr", has_text="Chloé Martin").get_by_role("link", name="Add one").click()
    page.get_by_label("Title").fill("Book discovery calls")
    page.get_by_label("Weight").fill("100")
    page.get_by_label("Measure").select_option("number")
    page.get_by_label("Target").fill("1200")
    page.get_by_label("Unit").fill("calls")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Monthly targets").wait_for()
    page.get_by_role("link", name="Spread evenly").click()
    expect(page.get_by_text("Filled in for you")).to_be_visible()  # swapped in by htmx
    page.get_by_role("button", name="Save targets").click()
    expect(page.get_by_test_id("objective-targets")).to_contain_text("1200 calls")
    log_out(page)

    # Chloé records progress below the plan for today (on the cycle's first day
    # the plan is a few calls, so only nothing at all is behind it on any day).
    log_in(page, base, "chloe.martin@example.com")
    page.goto(base + "/objectives/")
    page.get_by_role("link", name="Book discovery calls").click()
    page.get_by_label("Where it stands now (calls)").fill("0")
    page.get_by_label("2", exact=True).check()
    page.get_by_label("Note").fill("Slow start: still learning the product.")
    page.get_by_role("button", name="Record check-in").click()
    expect(page.get_by_test_id("checkins")).to_contain_text(re.compile(r"\b0 calls"))
    expect(page.get_by_test_id("actual")).to_contain_text(re.compile(r"\b0 calls"))
    log_out(page)

    # Priya's Team page shows Chloé lagging.
    log_in(page, base, "priya.nair@example.com")
    page.goto(base + "/team/?state=lagging")
    row = page.locator("tr", has_text="Book discovery calls")
    expect(row.locator("[data-state]")).to_have_attribute("data-state", "lagging")
    expect(page.get_by_test_id("team")).to_contain_text("Chloé Martin")
