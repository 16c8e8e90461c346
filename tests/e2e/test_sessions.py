from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from coaching.models import CoachingSession
from tests.e2e.conftest import go_to, log_in, log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_manager_logs_a_quick_note_and_a_session_with_steps_and_her_report_reads_it(
    live_server, sized_page, today, screenshot
) -> None:
    call_command("seed_demo")
    page, base = sized_page, live_server.url
    priya = User.objects.get(email="priya.nair@example.com")
    chloe = User.objects.get(email="chloe.martin@example.com")
    soon, later = today + dt.timedelta(days=7), today + dt.timedelta(days=14)

    # Priya logs a one-minute note about Chloé, from the menu.
    log_in(page, base, priya.email)
    go_to(page, "Coaching", "Quick note")
    expect(page.get_by_role("heading", name="Quick coaching note")).to_be_visible()
    page.get_by_label("Person").select_option(label="Chloé Martin")
    page.get_by_label("Type of coaching").select_option("encouragement")
    page.get_by_label("Note").fill("Handled the angry customer calmly.")
    screenshot(page, "quick-note")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Note saved.")).to_be_visible()
    expect(page.get_by_test_id("session-content")).to_contain_text(
        "Handled the angry customer calmly."
    )

    # Then, from Chloé's timeline, a full specific-instruction session with two steps.
    page.get_by_label("breadcrumb").get_by_role("link", name="Chloé Martin").click()
    expect(page.get_by_role("heading", name="Timeline of Chloé Martin")).to_be_visible()
    page.get_by_role("link", name="Log session").click()
    expect(page.get_by_test_id("suggestion")).to_be_visible()
    page.get_by_label("Specific instruction").check()
    page.get_by_label("Duration (minutes)").fill("50")
    page.get_by_label("Note", exact=True).fill("First month in sales: we planned the calling work.")
    page.get_by_label("Private note").fill("Ask Emma whether Chloé needs more shadowing.")
    steps = [
        ("Shadow Emma on five calls", "Chloé Martin (coachee)", soon),
        ("Book Chloé a seat on the product course", "Priya Nair (coach)", later),
    ]
    for number, (title, owner, due) in enumerate(steps, start=1):
        page.get_by_label(f"Step {number}", exact=True).fill(title)
        page.get_by_label(f"Owner {number}", exact=True).select_option(label=owner)
        page.get_by_label(f"Due date {number}", exact=True).fill(due.isoformat())
    screenshot(page, "session-form")
    page.get_by_role("button", name="Save session").click()
    items = page.get_by_test_id("action-items").get_by_test_id("action-item")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("Shadow Emma on five calls")
    screenshot(page, "session-saved")
    log_out(page)

    note = CoachingSession.objects.get(coach=priya, employee=chloe, duration_minutes=1)
    assert (note.type, note.note, note.held_on) == (
        "encouragement",
        "Handled the angry customer calmly.",
        today,
    )
    session = CoachingSession.objects.get(coach=priya, employee=chloe, type="instruction")
    assert session.duration_minutes == 50
    assert session.held_on == today
    assert [
        (item.title, item.owner, item.due_date, item.done_at)
        for item in session.action_items.order_by("position")
    ] == [
        ("Shadow Emma on five calls", chloe, soon, None),
        ("Book Chloé a seat on the product course", priya, later, None),
    ]

    # Chloé reads the shared part (not the private note), acknowledges, ticks her step.
    log_in(page, base, chloe.email)
    go_to(page, "Coaching", "My coaching")
    page.get_by_test_id("timeline").get_by_role("link", name="Specific instruction").click()
    content = page.get_by_test_id("session-content")
    expect(content).to_contain_text("we planned the calling work")
    expect(content).not_to_contain_text("shadowing")
    expect(page.get_by_test_id("private-note")).to_have_count(0)
    page.get_by_label("Your comment (optional)").fill("Thanks, clear plan.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_test_id("acknowledged")).to_contain_text("Chloé Martin")
    page.get_by_role("button", name="Mark as done: Shadow Emma on five calls").click()
    expect(
        page.get_by_role("button", name="Mark as not done: Shadow Emma on five calls")
    ).to_be_visible()
    screenshot(page, "coachee-view")

    session.refresh_from_db()
    assert session.acknowledged_by == chloe
    assert session.coachee_comment == "Thanks, clear plan."
    shadowing = session.action_items.get(title="Shadow Emma on five calls")
    assert shadowing.done_by == chloe
    assert session.action_items.get(owner=priya).done_at is None
