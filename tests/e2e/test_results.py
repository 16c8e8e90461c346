"""A manager changes a proposed rating on a phone and a desktop; the person sees no rating
before publication (issue 17 §3). Screenshots in var/screenshots/ (no sideways scroll)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from reviews.models import CycleResult
from tests.e2e.conftest import log_in, log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_priya_changes_a_proposal_and_emma_sees_no_rating_yet(
    live_server, sized_page, screenshot
) -> None:
    call_command("seed_demo")
    page, base = sized_page, live_server.url

    log_in(page, base, "priya.nair@example.com")
    page.goto(base + "/reviews/results/")
    screenshot(page, "list")
    page.get_by_role("link", name="Wang Fang").click()
    expect(page.get_by_test_id("completion")).to_contain_text("%")
    page.get_by_label("Proposed rating").select_option(label="Meets expectations")
    page.get_by_label("Comment").fill("Behind on revenue, but the pipeline is strong.")
    page.get_by_role("button", name="Save the proposal").click()
    expect(page.get_by_test_id("proposed-rating")).to_contain_text("Meets expectations")
    screenshot(page, "proposed")
    log_out(page)

    emma = CycleResult.objects.get(employee__email="emma.wilson@example.com")
    log_in(page, base, "emma.wilson@example.com")
    page.goto(base + emma.get_absolute_url())
    expect(page.get_by_test_id("rating-not-published")).to_be_visible()
    expect(page.get_by_text("Exceeds expectations")).to_have_count(0)
    screenshot(page, "person")
