from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@contextmanager
def _chromium_page(monkeypatch, viewport: Any) -> Iterator[Any]:
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
        page.csp_errors = errors  # type: ignore[attr-defined]
        yield page
        context.close()
        browser.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors


@pytest.fixture
def page(monkeypatch):
    """A phone-sized page."""
    with _chromium_page(monkeypatch, PHONE) as page:
        yield page


@pytest.fixture
def desktop_page(monkeypatch):
    with _chromium_page(monkeypatch, DESKTOP) as page:
        yield page


def log_in(page, base_url: str, email: str, password: str = "coaching-demo") -> None:  # noqa: S107
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base_url + "/")


def log_out(page, base_url: str) -> None:
    page.goto(base_url + "/")
    toggler = page.get_by_role("button", name="Toggle navigation")
    if toggler.is_visible():  # a phone-sized screen folds the menu
        toggler.click()
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")
