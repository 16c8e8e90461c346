from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in, log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The navigation folds below 992 px; a person logs out at every width.
WIDTHS = [390, 991, 992, 1366, 1920]

# The state of the folded menu when the user menu is pressed, kept across the
# navigation that logging out causes.
RECORD_MENU_AT_PRESS = """
document.addEventListener("mousedown", (event) => {
  if (event.target.closest("[data-testid=user-menu]")) {
    const menu = document.querySelector(".navbar-collapse");
    sessionStorage.setItem("menu-at-press", menu ? menu.className : "");
  }
}, true);
"""


def test_log_out_goes_through_the_user_menu_once_the_menu_is_open_at_every_width(
    live_server, desktop_page: Page, manager, password
) -> None:
    """Fault 11: pressed while Bootstrap was still unfolding the menu, the click
    could end on another control and "Log out" never showed. The press must wait
    for the menu to be open, whatever the width."""
    page, base = desktop_page, live_server.url
    page.add_init_script(RECORD_MENU_AT_PRESS)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        log_in(page, base, manager.email, password)
        log_out(page)
        expect(page.get_by_label("E-mail address")).to_be_visible()
        state = page.evaluate("sessionStorage.getItem('menu-at-press')")
        assert state is not None, width
        assert "collapsing" not in state, f"pressed mid-animation at {width} px: {state}"
        if width < 992:
            assert "show" in state.split(), f"pressed on a folded menu at {width} px: {state}"
