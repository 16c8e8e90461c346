"""The page cache and the review table page (accounts/page_cache.py): a message after a
save shows once, never kept in a cached page, and the people the table is shown to see
the change at once."""

from __future__ import annotations

import pytest

from reviews.models import ReviewTable
from tests.review_tables.conftest import reach
from tests.webtest_helpers import another_browser, choose, messages, press

pytestmark = pytest.mark.django_db


def test_a_suggestion_shows_its_message_once_and_at_once_to_the_head(
    django_app, sales_table, manager, hr, peer
):
    table = reach(sales_table, ReviewTable.Status.IN_REVIEW, assessee=manager, reviewer=hr)
    head = another_browser(django_app)
    head.get(table.get_absolute_url(), user=manager)
    head.get(table.get_absolute_url())  # the first page set the CSRF cookie
    assert head.get(table.get_absolute_url()).headers["X-Page-Cache"] == "hit"

    django_app.get(table.get_absolute_url(), user=peer)
    page = django_app.get(table.get_absolute_url())
    assert django_app.get(table.get_absolute_url()).headers["X-Page-Cache"] == "hit"
    form = page.forms["inquiry-form"]
    choose(form, "kind", "Suggestion for improvement")
    form["question"] = "Share the lapsed-customer list with Finance each week."
    after = press(form, "Send").follow()
    assert messages(after) == ["Your suggestion has been sent."]
    again = django_app.get(table.get_absolute_url())
    assert messages(again) == []
    assert "Share the lapsed-customer list" in again.text
    assert django_app.get(table.get_absolute_url()).headers["X-Page-Cache"] == "hit"

    seen = head.get(table.get_absolute_url())
    assert seen.headers["X-Page-Cache"] == "miss"
    assert "Share the lapsed-customer list" in seen.text
