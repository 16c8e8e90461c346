"""Issue 20 §1: the whole navigation on one line from 992 px; on a phone, the key
lists are cards with their action on the screen, and no page scrolls sideways."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from plans.models import AppraisalCycle
from tests.e2e.conftest import go_to, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PRIYA = "priya.nair@example.com"  # a manager
EMMA = "emma.wilson@example.com"  # her report
SOFIA = "sofia.rossi@example.com"  # HR: the most menus


def _fits_the_screen(page: Page) -> None:
    wide, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide <= screen, f"{page.url} scrolls sideways ({wide} > {screen} px)"


def _on_screen(control: Locator, page: Page) -> None:
    """Visible, and wholly inside the screen's width (not in a scrolled-away column)."""
    expect(control).to_be_visible()
    box, screen = control.bounding_box(), page.viewport_size
    assert box is not None and screen is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= screen["width"], box


def _is_a_card(row: Locator) -> None:
    assert row.evaluate("r => getComputedStyle(r).display") == "block"


def test_a_manager_on_a_phone_reads_each_person_as_a_card(live_server, page, screenshot) -> None:
    call_command("seed_demo")
    base = live_server.url
    log_in(page, base, PRIYA)
    _on_screen(page.get_by_test_id("home-quick-note"), page)

    go_to(page, "Coaching", "Coaching overview")
    rows = page.get_by_test_id("overview").locator("tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 3
    for index in range(rows.count()):
        row = rows.nth(index)
        _is_a_card(row)
        _on_screen(row.get_by_role("link", name="Log session"), page)
        _on_screen(row.get_by_test_id("overview-trajectory"), page)
    screenshot(page, "overview")
    _fits_the_screen(page)

    go_to(page, "Objectives", "Team")
    people = page.get_by_test_id("team").locator("tbody")
    expect(people.first).to_be_visible()
    for index in range(people.count()):
        card = people.nth(index)
        _is_a_card(card.locator("tr").first)
        _on_screen(card.locator("td").first.get_by_role("link").first, page)
    for state in page.get_by_test_id("team").locator(".badge.progress-lagging").all():
        _on_screen(state, page)
    screenshot(page, "team")
    _fits_the_screen(page)

    go_to(page, "Reviews", "To review")
    tables = page.get_by_test_id("review-tables").locator("tbody tr")
    expect(tables.first).to_be_visible()
    first = tables.first
    _is_a_card(first)
    _on_screen(first.locator(".badge").first, page)  # the state
    _on_screen(first.get_by_role("link").first, page)  # the way in
    screenshot(page, "to-review")
    _fits_the_screen(page)
    first.get_by_role("link").first.click()
    objectives = page.get_by_test_id("review-rows").locator("tbody tr")
    expect(objectives.first).to_be_visible()
    for index in range(objectives.count()):
        _is_a_card(objectives.nth(index))
        _on_screen(objectives.nth(index).locator("td").first, page)
    screenshot(page, "table")
    _fits_the_screen(page)


def test_an_employee_on_a_phone_fills_her_table_from_cards(live_server, page, screenshot) -> None:
    call_command("seed_demo")
    base = live_server.url
    log_in(page, base, EMMA)
    go_to(page, "Objectives", "My objectives")
    objectives = page.get_by_test_id("objectives").locator("tbody tr")
    expect(objectives.first).to_be_visible()
    _is_a_card(objectives.first)
    _on_screen(objectives.first.locator("td").last, page)  # its state
    _fits_the_screen(page)
    go_to(page, "Reviews", "My review tables")
    tables = page.get_by_test_id("review-tables").locator("tbody tr")
    expect(tables.first).to_be_visible()
    _is_a_card(tables.first)
    _fits_the_screen(page)
    page.locator("[data-testid=review-tables] .review-draft").first.locator(
        "xpath=ancestor::tr"
    ).get_by_role("link").first.click()
    rows = page.get_by_test_id("review-rows").locator("tbody tr")
    expect(rows.first).to_be_visible()
    for index in range(rows.count()):
        _on_screen(rows.nth(index).locator("[name$=-actual]"), page)  # the actual to give
    screenshot(page, "my-table")
    _fits_the_screen(page)


def test_the_session_form_stacks_its_steps_and_folds_its_parts_on_a_phone(
    live_server, page, screenshot
) -> None:
    call_command("seed_demo")
    base = live_server.url
    log_in(page, base, PRIYA)
    go_to(page, "Coaching", "Coaching overview")
    page.get_by_test_id("overview").get_by_role("link", name="Log session").first.click()
    expect(page.get_by_role("heading", name="Log a coaching session")).to_be_visible()
    step = page.get_by_label("Step 1", exact=True)
    _on_screen(step, page)
    width = step.bounding_box()["width"]
    assert width >= 250, f"the step box is {width} px wide"
    strengths = page.get_by_test_id("part-strengths")
    expect(strengths.get_by_role("textbox").first).to_be_hidden()  # folded
    strengths.locator("summary").click()
    expect(strengths.get_by_role("textbox").first).to_be_visible()
    screenshot(page, "session-form")
    _fits_the_screen(page)


@pytest.mark.parametrize("width", [992, 1366])
def test_hr_sees_the_whole_navigation_on_one_line(live_server, desktop_page, width) -> None:
    call_command("seed_demo")
    page, base = desktop_page, live_server.url
    page.set_viewport_size({"width": width, "height": 768})
    log_in(page, base, SOFIA)
    expect(page.get_by_role("button", name="Toggle navigation")).to_be_hidden()
    navigation = page.get_by_role("navigation").first
    entries = [
        navigation.get_by_role("link", name="Home", exact=True),
        navigation.get_by_role("link", name="Organisation", exact=True),
        navigation.get_by_test_id("bell"),
        navigation.get_by_label("Language"),
        navigation.get_by_test_id("user-menu"),
    ] + [
        navigation.get_by_role("button", name=menu, exact=True)
        for menu in ("Objectives", "Coaching", "Reviews", "HR")
    ]
    middles = set()
    for entry in entries:
        _on_screen(entry, page)
        box = entry.bounding_box()
        middles.add(round(box["y"] + box["height"] / 2))
    assert max(middles) - min(middles) <= 4, f"the navigation wraps at {width} px: {middles}"
    nav_height = navigation.bounding_box()["height"]
    assert nav_height < 70, f"the navigation is {nav_height} px high at {width} px"
    _fits_the_screen(page)
    # A menu opens where it is, without a toggler.
    go_to(page, "HR", "Background jobs")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Background jobs")


def _rows_are_cards(page: Page, testid: str, key: str) -> Locator:
    """The list ``testid``'s rows are cards, each with its title and its key cell
    (``key``: a CSS selector inside the row) wholly on the screen; its box does not
    scroll sideways. Returns the rows."""
    table = page.get_by_test_id(testid)
    rows = table.locator("tbody tr")
    expect(rows.first).to_be_visible()
    for index in range(min(rows.count(), 6)):
        row = rows.nth(index)
        _is_a_card(row)
        _on_screen(row.locator("td").first, page)
        _on_screen(row.locator(key).first, page)
    box = table.locator("xpath=ancestor::div[contains(@class, 'table-responsive')][1]")
    wide, inside = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
    assert wide <= inside, f"the {testid} box scrolls sideways ({wide} > {inside} px)"
    return rows


def test_hr_on_a_phone_reads_the_tables_results_and_calibration_as_cards(
    live_server, page, screenshot
) -> None:
    call_command("seed_demo")
    base = live_server.url
    log_in(page, base, SOFIA)

    go_to(page, "HR", "All review tables")
    _rows_are_cards(page, "table-index", "td:nth-child(6) .badge")  # the status
    _on_screen(page.get_by_test_id("table-index").locator("tbody tr td:nth-child(7)").first, page)
    screenshot(page, "table-index")
    _fits_the_screen(page)

    go_to(page, "Reviews", "Results of the cycles")
    _rows_are_cards(page, "results", "td:last-child .badge")  # the state
    rating = page.get_by_test_id("results").locator("tbody tr td:nth-child(4)").first
    _on_screen(rating, page)
    screenshot(page, "results")
    _fits_the_screen(page)
    page.get_by_test_id("results").locator("tbody tr td a").first.click()
    _rows_are_cards(page, "breakdown", "td:last-child")  # the completion
    screenshot(page, "result-breakdown")
    _fits_the_screen(page)

    go_to(page, "HR", "Calibrations")
    page.get_by_test_id("calibrations").get_by_role("link", name="Open").first.click()
    people = _rows_are_cards(page, "people", "td.card-action a")  # Adjust or Details
    _on_screen(people.first.get_by_test_id("final-rating"), page)
    screenshot(page, "calibration-people")
    _fits_the_screen(page)

    go_to(page, "HR", "Objective templates")
    _rows_are_cards(page, "template-sets", "td:last-child")
    _fits_the_screen(page)
    page.get_by_test_id("template-sets").locator("tbody tr td a").first.click()
    templates = _rows_are_cards(page, "templates", "td.card-action a")  # Edit
    _on_screen(templates.first.get_by_role("button", name="Remove"), page)
    screenshot(page, "templates")
    _fits_the_screen(page)

    # Closing a cycle: the demo's ended cycle still has open tables to withdraw.
    for cycle in AppraisalCycle.objects.order_by("pk"):
        page.goto(f"{base}{reverse('reviews:cycle_close', args=[cycle.pk])}")
        if page.get_by_test_id("open-tables").count():
            break
    open_tables = _rows_are_cards(page, "open-tables", "td:nth-child(4) .badge")  # the status
    _on_screen(open_tables.first.get_by_role("checkbox"), page)
    screenshot(page, "open-tables")
    _fits_the_screen(page)


def test_a_manager_on_a_phone_reads_checkpoints_and_improvement_plans_as_cards(
    live_server, page, screenshot
) -> None:
    call_command("seed_demo")
    base = live_server.url
    log_in(page, base, PRIYA)

    go_to(page, "Coaching", "Checkpoints")
    _rows_are_cards(page, "checkpoints", "td:last-child")  # the status
    _on_screen(page.get_by_test_id("checkpoints").locator("tbody tr td a").first, page)
    screenshot(page, "checkpoints")
    _fits_the_screen(page)

    go_to(page, "Coaching", "Improvement plans")
    _rows_are_cards(page, "plans", "td:nth-child(4)")  # the status
    screenshot(page, "improvement-plans")
    _fits_the_screen(page)

    go_to(page, "Reviews", "Results of the cycles")
    _rows_are_cards(page, "results", "td:last-child .badge")
    _fits_the_screen(page)
