"""The demo's calibration in a browser (issue 17 §4): the page fits a phone and a laptop,
its charts draw under the Content-Security-Policy, and a participant adjusts a rating."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from plans.models import AppraisalCycle
from reviews.calibration_services import calibration_start
from reviews.models import Calibration
from tests.e2e.conftest import go_to, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_published_calibration_fits_every_screen(live_server, sized_page, screenshot) -> None:
    call_command("seed_demo")
    page, base = sized_page, live_server.url
    log_in(page, base, "sofia.rossi@example.com")
    go_to(page, "HR", "Calibrations")
    page.get_by_role("link", name="Open").first.click()
    expect(page.get_by_test_id("calibration-state")).to_have_text("Published")
    expect(page.get_by_test_id("people")).to_contain_text("Emma Wilson")
    # Chart.js drew the department chart (a canvas it has sized).
    expect(page.locator("canvas[data-chart=by_department]")).to_have_attribute(
        "style", re.compile("box-sizing")
    )
    screenshot(page, "published")


def test_participant_adjusts_a_rating_by_keyboard_and_form(live_server, desktop_page) -> None:
    call_command("seed_demo")
    # An open calibration of an older ended cycle, with Marcus taking part.
    year = timezone.localdate().year - 2
    cycle = AppraisalCycle.objects.create(
        name=f"Calibration {year}",
        start_date=f"{year}-01-01",
        end_date=f"{year}-12-31",
        state=AppraisalCycle.State.CLOSED,
    )
    from accounts.models import User
    from tests.calibration.factories import make_result

    emma = User.objects.get(email="emma.wilson@example.com")
    make_result(cycle, emma, completion=64, proposed="Exceeds expectations")
    calibration_start(
        actor=User.objects.get(email="sofia.rossi@example.com"),
        cycle=cycle,
        participants=[User.objects.get(email="marcus.lee@example.com")],
    )
    page, base = desktop_page, live_server.url
    log_in(page, base, "marcus.lee@example.com")
    page.goto(base + f"/reviews/cycles/{cycle.pk}/calibration/")
    row = page.locator("tr", has_text="Emma Wilson")
    expect(row).to_contain_text("High rating, low completion")
    row.get_by_role("link", name="Adjust").click()
    page.get_by_label("New rating").select_option(label="Meets expectations")
    page.get_by_label("Reason").fill("Completion 64 %: meets, not exceeds.")
    page.get_by_role("button", name="Adjust").click()
    expect(page.locator("main")).to_contain_text("Emma Wilson's rating is now Meets expectations.")
    assert Calibration.objects.get(cycle=cycle).done_at is None
