"""Accessible pages (issue 20 §2), checked in Chromium with axe-core.

``test_every_page_pattern_has_no_serious_axe_violation`` seeds the demo, finds one
URL per page pattern that an employee, a manager and HR reach by following links
(tests/e2e/page_patterns.py, after the demo crawl), and opens each at 1366×768 and
390×844 in one browser, with one signed-in context per role and size (and, on the
home page, the navigation unfolded with all its menus open). On every page
axe-core (bundled by axe-playwright-python: no CDN or npm at test time) must find no
*serious* or *critical* violation, a phone-sized page must not scroll sideways, and
every chart must have its table beside it. All failures are listed at the end, by
page, rule and element.

``test_keyboard_alone_skips_to_content_and_submits_a_form`` signs in, skips the
navigation and ticks an action item with the keyboard only; every control it stops
on shows a focus ring.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from importlib.resources import files
from typing import Any, cast

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, ConsoleMessage, Page, ViewportSize, expect

from accounts.models import User
from coaching.models import ActionItem
from tests.e2e.conftest import DESKTOP, PHONE, _chromium_page, log_in, open_navigation
from tests.e2e.page_patterns import page_patterns

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLES = {
    "employee": "emma.wilson@example.com",
    "manager": "priya.nair@example.com",
    "HR": "sofia.rossi@example.com",
}
SIZES = {"laptop": DESKTOP, "phone": PHONE}
FAILING_IMPACTS = {"serious", "critical"}

# axe-core's source, added to every page a context opens (before the page's own scripts).
AXE_SOURCE = files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
AXE_RUN = "(context) => axe.run(context, {resultTypes: ['violations']})"
# Every menu of the navigation open at once (as a person opens them one by one).
OPEN_MENUS = """() => document.querySelectorAll("nav .dropdown-menu")
  .forEach((menu) => menu.classList.add("show"))"""
# [page width, window width, canvases without a table in their row or section]
PAGE_FACTS = """() => [
  document.documentElement.scrollWidth,
  window.innerWidth,
  [...document.querySelectorAll("canvas")]
    .filter((c) => !(c.closest(".row") || c.closest("section"))?.querySelector("table"))
    .map((c) => c.getAttribute("aria-label") || c.outerHTML.slice(0, 80)),
]"""


def _axe_problems(page: Page, where: str, context: str = "html") -> Iterator[str]:
    """axe-core's serious and critical violations inside ``context`` (a CSS selector)."""
    results = page.evaluate(AXE_RUN, context)
    for violation in results["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        targets = ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:5])
        more = len(violation["nodes"]) - 5
        yield (
            f"{where}: {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"    on {targets}{f' and {more} more' if more > 0 else ''}"
        )


def _problems_on(page: Page, where: str, *, phone: bool) -> Iterator[str]:
    """What is wrong with the page open in ``page``: one line per problem."""
    yield from _axe_problems(page, where)
    width, window, lonely_charts = page.evaluate(PAGE_FACTS)
    if phone and width > window + 1:
        yield f"{where}: scrolls sideways ({width} px wide in a {window} px window)"
    for chart in lonely_charts:
        yield f"{where}: the chart {chart!r} has no table beside it"


def _note_csp(into: list[str], message: ConsoleMessage) -> None:
    if "Content Security Policy" in message.text:
        into.append(message.text)


def _check_role(browser: Browser, base: str, role: str, paths: list[str]) -> Iterator[str]:
    for size_name, viewport in SIZES.items():
        context = browser.new_context(viewport=cast(ViewportSize, viewport), locale="en-GB")
        context.add_init_script(AXE_SOURCE)
        page = context.new_page()
        page.set_default_timeout(15_000)
        csp: list[str] = []
        page.on("console", partial(_note_csp, csp))
        log_in(page, base, ROLES[role])
        # The navigation, unfolded where the screen folds it, with its menus open.
        open_navigation(page)
        page.evaluate(OPEN_MENUS)
        yield from _axe_problems(page, f"[{role}, {size_name}] the open navigation", "nav")
        for path in paths:
            where = f"[{role}, {size_name}] {path}"
            response = page.goto(base + path)
            if response is None or response.status != 200:
                yield f"{where}: answered {response and response.status}"
                continue
            yield from _problems_on(page, where, phone=viewport is PHONE)
        yield from (f"[{role}, {size_name}] {message}" for message in csp)
        context.close()


def test_every_page_pattern_has_no_serious_axe_violation(
    live_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    call_command("seed_demo")
    patterns = {role: page_patterns(User.objects.get(email=email)) for role, email in ROLES.items()}
    # A lost navigation cannot make the check pass by visiting nothing.
    assert {role: len(paths) >= 25 for role, paths in patterns.items()} == dict.fromkeys(
        ROLES, True
    ), {role: len(paths) for role, paths in patterns.items()}
    problems: list[str] = []
    with _chromium_page(monkeypatch, DESKTOP) as first:
        browser = first.context.browser
        assert browser is not None
        for role, paths in patterns.items():
            problems.extend(_check_role(browser, live_server.url, role, paths))
    assert not problems, f"{len(problems)} accessibility problem(s):\n" + "\n".join(problems)


def _focused(page: Page) -> dict[str, Any]:
    """The focused element: its tag, accessible text, and whether a focus ring shows."""
    facts: dict[str, Any] = page.evaluate(
        """() => {
          const e = document.activeElement, s = getComputedStyle(e);
          return {
            tag: e.tagName, id: e.id,
            text: (e.getAttribute("aria-label") || e.innerText || "").trim(),
            ring: (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2)
              || s.boxShadow !== "none",
            onScreen: e.getBoundingClientRect().top >= 0,
          };
        }"""
    )
    return facts


def test_keyboard_alone_skips_to_content_and_submits_a_form(live_server, desktop_page) -> None:
    call_command("seed_demo")
    page, base = desktop_page, live_server.url
    emma = User.objects.get(email=ROLES["employee"])

    # Sign in without the mouse: the e-mail field has the focus, Enter submits.
    page.goto(base + "/accounts/login/")
    expect(page.get_by_label("E-mail address")).to_be_focused()
    page.keyboard.type(emma.email)
    page.keyboard.press("Tab")
    page.keyboard.type("coaching-demo")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, Emma")

    # The first Tab stop is the skip link, shown on screen with a focus ring.
    page.keyboard.press("Tab")
    focused = _focused(page)
    assert focused["text"] == "Skip to main content", focused
    assert focused["ring"] and focused["onScreen"], focused
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "main-content"

    # From the main content, Tab reaches the page's main action, then the item's "Done".
    page.keyboard.press("Tab")
    focused = _focused(page)
    assert focused["text"] == "Open my objectives" and focused["ring"], focused
    for _ in range(20):
        page.keyboard.press("Tab")
        focused = _focused(page)
        assert focused["ring"], focused
        if focused["text"].startswith("Mark as done: "):
            break
    else:
        pytest.fail("Tab never reached an action item's Done button")
    title = focused["text"].removeprefix("Mark as done: ")
    page.keyboard.press("Enter")
    # htmx swapped the row in place; the focus stays on it (now its "Undo").
    expect(page.get_by_role("button", name=f"Mark as not done: {title}")).to_be_focused()
    assert ActionItem.objects.get(owner=emma, title=title).done_at is not None

    # Back up to the main action and open it with the keyboard too.
    for _ in range(20):
        page.keyboard.press("Shift+Tab")
        if _focused(page)["text"] == "Open my objectives":
            break
    page.keyboard.press("Enter")
    expect(page).to_have_url(base + "/objectives/")
