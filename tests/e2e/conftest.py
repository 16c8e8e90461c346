"""Browser journeys: Debian's Chromium driven by Playwright against the live server.

Two rules keep these tests from depending on luck:

- **The clock is pinned.** The demo is seeded relative to today, so a journey
  could pass on the 15th and fail on the 1st of January (no earlier month in
  the cycle) or on a weekend. Every test here runs at ``E2E_TODAY`` (a fixed
  ordinary day unless the environment names another date, e.g.
  ``E2E_TODAY=2027-01-01``, or ``E2E_TODAY=real`` for the real clock).
  time-machine moves the clock of the whole process, so the live server
  thread sees the same day as the test.
- **Wait for what a person waits for**: the page to finish loading, the folded
  menu to finish opening, a control to be visible; Playwright's ``expect``
  retries until then. Never a sleep.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]

# An ordinary mid-month Wednesday with two earlier months in the demo's cycle.
PINNED_TODAY = "2027-03-10"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _pinned_moment() -> dt.datetime | None:
    """10:00 on ``E2E_TODAY`` in the organisation's time zone (None: the real clock).

    ``E2E_TODAY`` may also carry a time (``2027-01-31T23:30``) to try the edge of a day.
    """
    value = os.environ.get("E2E_TODAY", PINNED_TODAY)
    if value == "real":
        return None
    moment = dt.datetime.fromisoformat(value if "T" in value else value + "T10:00")
    return moment.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


@pytest.fixture(autouse=True)
def today() -> Iterator[dt.date]:
    """The day every journey runs on; the clock ticks on from there."""
    moment = _pinned_moment()
    if moment is None:
        from django.utils import timezone

        yield timezone.localdate()
        return
    import time_machine

    with time_machine.travel(moment, tick=True):
        yield moment.date()


@contextmanager
def _chromium_page(monkeypatch: pytest.MonkeyPatch, viewport: Any) -> Iterator[Page]:
    """A page in Debian's Chromium.

    Playwright's sync API runs an event loop in this thread while it is open, so
    the browser lives for one test only (a session-wide one would make every
    later ORM call look async), and the ORM calls around it are allowed.
    """
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI") or os.environ.get("COACHING_REQUIRE_REAL_SERVICES"):
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport=viewport, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(15_000)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        yield page
        context.close()
        browser.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    """A phone-sized page."""
    with _chromium_page(monkeypatch, PHONE) as page:
        yield page


@pytest.fixture
def desktop_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    """A laptop-sized page (1366×768: the whole navigation shows; it folds below 992 px)."""
    with _chromium_page(monkeypatch, DESKTOP) as page:
        yield page


@pytest.fixture(params=VIEWPORTS)
def sized_page(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    """The same journey on a laptop and on a phone."""
    with _chromium_page(monkeypatch, request.param) as page:
        yield page


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], None]:
    """``screenshot(page, "step")`` keeps a full-page picture in var/screenshots/ to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "-", request.node.name.removeprefix("test_")).strip("-")
    taken = 0

    def take(page: Page, step: str) -> None:
        nonlocal taken
        taken += 1
        page.screenshot(path=SCREENSHOTS / f"{stem}-{taken:02d}-{step}.png", full_page=True)
        wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert wide[0] <= wide[1], f"{step}: the page scrolls sideways ({wide[0]} > {wide[1]} px)"

    return take


def log_in(page: Page, base_url: str, email: str, password: str = "coaching-demo") -> None:  # noqa: S107
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(base_url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def open_navigation(page: Page) -> None:
    """Unfold the navigation where the screen folds it, and wait until it is open.

    Bootstrap animates the folded menu open (0.35 s, ``overflow: hidden``). A
    click during the animation can miss: Playwright scrolls the half-open menu
    to bring the target into view, the menu grows between mouse-down and
    mouse-up, the browser pulls the content back down, and the mouse-up lands
    on the control above (this lost the "Log out" click, fault 11). So wait
    for the page's scripts (``load``) and then for the menu to be fully open.
    """
    page.wait_for_load_state("load")
    toggler = page.get_by_role("button", name="Toggle navigation")
    if not toggler.is_visible():
        return  # wide enough: the navigation is not folded
    if toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
    # Bootstrap adds "show" once the opening animation has finished.
    expect(page.locator(".navbar-collapse")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))


def go_to(page: Page, menu: str, item: str | None = None) -> None:
    """Follow the navigation as a person does: a top-level link, or a menu and its item."""
    open_navigation(page)
    navigation = page.get_by_role("navigation").first
    if item is None:
        navigation.get_by_role("link", name=menu, exact=True).click()
        return
    navigation.get_by_role("button", name=menu, exact=True).click()
    link = navigation.get_by_role("link", name=item, exact=True)
    expect(link).to_be_visible()
    link.click()


def log_out(page: Page) -> None:
    """Log out through the user menu, at any screen width."""
    open_navigation(page)
    page.get_by_test_id("user-menu").click()
    button = page.get_by_role("button", name="Log out")
    expect(button).to_be_visible()
    button.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
