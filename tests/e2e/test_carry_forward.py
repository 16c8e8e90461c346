"""In a browser on a phone: HR reads the carry preview of next year's demo cycle and
carries it again (nothing twice); Emma finds "carried from" on next year's plan."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from plans.models import AppraisalCycle
from tests.e2e.conftest import log_in, log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_hr_previews_and_carries_on_a_phone_and_emma_sees_where_her_objectives_came_from(
    live_server, page, screenshot
) -> None:
    call_command("seed_demo")
    base, year = live_server.url, timezone.localdate().year
    cycle = AppraisalCycle.objects.get(name=str(year + 1))

    log_in(page, base, "sofia.rossi@example.com")
    page.goto(base + cycle.get_absolute_url())
    expect(page.get_by_test_id("carried-summary")).to_contain_text(
        f"Carried forward from {year} on"
    )
    page.get_by_role("link", name="Carry forward").click()
    page.get_by_label("Unfinished ones (in progress)").check()
    page.get_by_role("button", name="Show what would be copied").click()
    expect(page.get_by_test_id("carry-objectives")).to_have_text("0")
    expect(page.get_by_test_id("carry-skipped")).to_contain_text("has left the organisation")
    # Everything was carried already (the demo carried it): nothing to press.
    expect(page.get_by_test_id("carry-nothing")).to_have_text("Nothing to carry forward.")
    expect(page.get_by_role("button", name="Carry forward")).to_have_count(0)
    screenshot(page, "preview")
    log_out(page)

    log_in(page, base, "emma.wilson@example.com")
    page.goto(base + f"/objectives/?cycle={cycle.pk}")
    badge = page.get_by_test_id("carried-from").first
    expect(badge).to_have_text(f"carried from {year}")
    screenshot(page, "emma-plan")
    badge.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("New-customer revenue")
