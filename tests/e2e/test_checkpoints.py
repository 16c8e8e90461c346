"""Issue 16 §1 in the browser, at laptop and phone size: the coach finds a missed phase
target on the home page, talks it through on its checkpoint and decides; the person
reads it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from coaching.models import Checkpoint
from tests.e2e.conftest import log_in, log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_manager_talks_a_missed_target_through_and_the_person_reads_it(
    live_server, sized_page, screenshot
) -> None:
    call_command("seed_demo")
    page, base = sized_page, live_server.url
    log_in(page, base, "priya.nair@example.com")
    waiting = page.get_by_test_id("home-checkpoints")
    expect(waiting).to_contain_text("Jack Turner · Outbound calls")
    screenshot(page, "home-checkpoints")
    waiting.get_by_role("link", name="Jack Turner · Outbound calls").click()
    expect(page.get_by_test_id("checkpoint-state")).to_have_text("To talk through")
    page.get_by_label("Their own reasons").fill("New to outbound: the calling script took weeks.")
    page.get_by_label("Outside reasons").fill("The dialler was down for four days.")
    page.get_by_label("Give support").check()
    page.get_by_label("What you decided").fill("Daily 15-minute call review with Emma.")
    screenshot(page, "checkpoint-form")
    page.get_by_role("button", name="Save the checkpoint").click()
    expect(page.get_by_text("The checkpoint is saved.")).to_be_visible()
    expect(page.get_by_test_id("checkpoint-state")).to_have_text("Answered")
    checkpoint = Checkpoint.objects.get(objective__title="Outbound calls")
    assert checkpoint.decision == "support" and checkpoint.outside_reasons.startswith("The dialler")
    log_out(page)

    log_in(page, base, "jack.turner@example.com")
    page.goto(base + checkpoint.get_absolute_url())
    answer = page.get_by_test_id("checkpoint-answer")
    expect(answer).to_contain_text("The dialler was down for four days.")
    expect(answer).to_contain_text("Daily 15-minute call review with Emma.")
    expect(page.get_by_test_id("checkpoint-form")).to_have_count(0)
    screenshot(page, "checkpoint-read")
