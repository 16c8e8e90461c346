from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from coaching.models import CoachingSession
from tests.e2e.conftest import log_in, log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_coaching_on_a_phone_from_a_one_minute_note_to_a_ticked_step(live_server, page) -> None:
    call_command("seed_demo")
    base = live_server.url
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()

    # Priya logs a one-minute note about Chloé on her phone.
    log_in(page, base, "priya.nair@example.com")
    page.goto(base + "/coaching/sessions/quick/")
    page.get_by_label("Person").select_option(label="Chloé Martin")
    page.get_by_label("Type of coaching").select_option("encouragement")
    page.get_by_label("Note").fill("Handled the angry customer calmly.")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Handled the angry customer calmly.")).to_be_visible()

    # Then a full specific-instruction session with three steps.
    chloe = User.objects.get(email="chloe.martin@example.com")
    assert CoachingSession.objects.get(note__startswith="Handled").employee == chloe
    page.goto(f"{base}/coaching/sessions/new/?employee={chloe.pk}")
    expect(page.get_by_test_id("suggestion")).to_be_visible()
    page.get_by_label("Specific instruction").check()
    page.get_by_label("Duration (minutes)").fill("50")
    page.get_by_label("Note", exact=True).fill("First month in sales: we planned the calling work.")
    steps = ["Read the call script", "Shadow Emma on five calls", "Make twenty calls"]
    for index, step in enumerate(steps):
        page.locator(f"[name=items-{index}-title]").fill(step)
        page.locator(f"[name=items-{index}-owner]").select_option(str(chloe.pk))
        page.locator(f"[name=items-{index}-due_date]").fill(due)
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_test_id("action-items").get_by_test_id("action-item")).to_have_count(3)
    log_out(page, base)

    # Chloé sees it, acknowledges it and ticks a step off.
    log_in(page, base, "chloe.martin@example.com")
    page.get_by_test_id("recent-sessions").get_by_role("link").first.click()
    expect(page.get_by_test_id("session-content")).to_contain_text("planned the calling work")
    page.get_by_label("Your comment (optional)").fill("Thanks, clear plan.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_test_id("acknowledged")).to_contain_text("Chloé Martin")
    page.get_by_role("button", name="Mark as done: Read the call script").click()
    expect(
        page.get_by_role("button", name="Mark as not done: Read the call script")
    ).to_be_visible()
    session = CoachingSession.objects.get(type="instruction", employee=chloe)
    assert session.action_items.get(title="Read the call script").done_by == chloe
    assert session.acknowledged_by == chloe
