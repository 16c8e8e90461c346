"""Last year's results in the demo, calibrated and published (issue 17 §3–§4): the
manager reads her team's result with the calibration's adjustment and can no longer
change it; the person reads her final rating — never the proposal or the adjustment —
and acknowledges it, on a phone and a desktop. Screenshots in var/screenshots/."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from reviews.models import CycleResult
from tests.e2e.conftest import log_in, log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_priya_reads_the_calibrated_result_and_emma_acknowledges_hers(
    live_server, sized_page, screenshot
) -> None:
    call_command("seed_demo")
    page, base = sized_page, live_server.url
    emma = CycleResult.objects.get(employee__email="emma.wilson@example.com")
    assert emma.adjustments.exists()  # the demo's calibration adjusted Emma's rating

    log_in(page, base, "priya.nair@example.com")
    page.goto(base + "/reviews/results/")
    screenshot(page, "list")
    page.get_by_role("link", name="Emma Wilson").click()
    expect(page.get_by_test_id("completion")).to_contain_text("%")
    expect(page.get_by_test_id("adjustments")).to_contain_text("Marcus Lee")
    expect(page.get_by_test_id("proposal-closed")).to_be_visible()
    expect(page.get_by_test_id("propose-form")).to_have_count(0)
    screenshot(page, "manager")
    log_out(page)

    log_in(page, base, "emma.wilson@example.com")
    page.goto(base + "/")
    page.get_by_role("link", name="Your result").first.click()
    expect(page.get_by_test_id("final-rating")).to_contain_text(emma.final_rating)
    expect(page.get_by_test_id("proposed-rating")).to_have_count(0)
    expect(page.get_by_test_id("adjustments")).to_have_count(0)
    page.get_by_label("Your comment").fill("Thank you: the pipeline work counted.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_test_id("acknowledged")).to_contain_text("the pipeline work counted")
    screenshot(page, "person")
    emma.refresh_from_db()
    assert emma.acknowledged_at is not None
