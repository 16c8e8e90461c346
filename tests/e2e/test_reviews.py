from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from reviews.models import ReviewTable
from reviews.services import next_month
from tests.e2e.conftest import log_in, log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_department_month_is_filled_questioned_answered_summarised_and_locked(
    live_server, desktop_page, today
) -> None:
    call_command("seed_demo")
    page, base = desktop_page, live_server.url
    month = today.replace(day=1)
    table = ReviewTable.objects.get(department__name="Sales East", month=month)
    url = f"{base}/reviews/{table.pk}/"
    due = next_month(month).replace(day=15).isoformat()

    # Priya, head of Sales East, fills the department's table and submits it.
    log_in(page, base, "priya.nair@example.com")
    page.goto(url)
    for row in table.rows.all():
        page.get_by_label(f"Actual · {row.title}").fill("1")
        page.get_by_label(f"Reason for the gap · {row.title}").fill("Holiday season started early.")
    page.get_by_label("Summary of the month").fill("A slow month: both objectives are behind.")
    page.locator("[name=work-0-title]").fill("Win back two lapsed customers")
    page.locator("[name=work-0-target]").fill("2 orders")
    page.locator("[name=work-0-due_date]").fill(due)
    page.get_by_role("button", name="Save and submit").click()
    expect(page.get_by_text("Submitted. Your reviewer has been told.")).to_be_visible()
    log_out(page)

    # Marcus, head of Sales above it, opens it for questions.
    log_in(page, base, "marcus.lee@example.com")
    page.goto(base + "/accounts/notifications/")
    expect(page.get_by_test_id("notifications").locator("li").first).to_contain_text(
        f"Priya Nair submitted the review table Sales East · {month:%Y-%m}"
    )
    page.goto(url)
    page.get_by_role("button", name="Open for questions").click()
    expect(page.get_by_text("In review").first).to_be_visible()
    log_out(page)

    # Daniel, head of Finance (another department), asks a question.
    log_in(page, base, "daniel.kim@example.com")
    page.goto(base + "/reviews/questions/")
    page.get_by_role("link", name=month.strftime("%B %Y")).first.click()
    page.get_by_label("Your question").fill("Which customers lapsed?")
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_test_id("inquiries")).to_contain_text("Which customers lapsed?")
    log_out(page)

    # Priya answers it.
    log_in(page, base, "priya.nair@example.com")
    page.goto(url)
    page.get_by_label("Your answer").fill("Lakeside Retail and Northwind Foods.")
    page.get_by_role("button", name="Answer").click()
    expect(page.get_by_test_id("inquiries")).to_contain_text("Lakeside Retail")
    log_out(page)

    # Marcus writes the summary and finalises.
    log_in(page, base, "marcus.lee@example.com")
    page.goto(url)
    page.get_by_label("Summary of completion").fill("Behind plan, with a credible recovery plan.")
    page.get_by_label("Expectations and requirements for next month").fill("Both orders in.")
    page.get_by_role("button", name="Save review").click()
    page.get_by_role("button", name="Finalise and lock").click()
    expect(page.get_by_test_id("locked")).to_be_visible()
    log_out(page)

    # Read-only for everybody now.
    for email in ("priya.nair@example.com", "marcus.lee@example.com", "daniel.kim@example.com"):
        log_in(page, base, email)
        page.goto(url)
        expect(page.get_by_test_id("locked")).to_be_visible()
        expect(page.locator("form[data-testid=fill-form]")).to_have_count(0)
        expect(page.locator("form[data-testid=reviewer-form]")).to_have_count(0)
        expect(page.get_by_role("button", name="Ask")).to_have_count(0)
        expect(page.get_by_test_id("summary")).to_contain_text("A slow month")
        log_out(page)
