"""Ticking an action item says which state it wants: a "Done" button on a page opened
before someone else ticked the step leaves it done (and says by whom), an "Undo" on a
stale page leaves an open step open. On the session page, on the home page and in
place with htmx."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from coaching.models import ActionItem, CoachingSession
from tests.webtest_helpers import HTMX, another_browser, form_with_button, messages, press

pytestmark = pytest.mark.django_db

DONE = "Mark as done: Book meetings"
UNDO = "Mark as not done: Book meetings"


@pytest.fixture
def item(manager, report):
    session = CoachingSession.objects.create(
        coach=manager, employee=report, type="instruction", held_on=timezone.localdate()
    )
    return ActionItem.objects.create(
        session=session, title="Book meetings", owner=report, due_date=timezone.localdate()
    )


def tick_elsewhere(django_app, user, item, label=DONE):
    """The other person presses the button on their own screen meanwhile."""
    page = another_browser(django_app).get(item.session.get_absolute_url(), user=user)
    press(form_with_button(page, label), label)


def done_by_note(item) -> str:
    item.refresh_from_db()
    when = date_format(timezone.localtime(item.done_at), "DATETIME_FORMAT")
    return f"“Book meetings” was already marked done by Maria Manager on {when}."


def test_done_on_a_stale_session_page_leaves_the_step_done_and_says_by_whom(
    django_app, item, manager, report
):
    page = django_app.get(item.session.get_absolute_url(), user=report)
    tick_elsewhere(django_app, manager, item)
    after = press(form_with_button(page, DONE), "Done").follow()
    item.refresh_from_db()
    assert item.is_done and item.done_by == manager
    assert messages(after) == [done_by_note(item)]
    assert UNDO in after.text  # the page now shows it done


def test_done_on_a_stale_home_page_with_htmx_leaves_the_step_done(
    django_app, item, manager, report
):
    home = django_app.get(reverse("home"), user=report)
    tick_elsewhere(django_app, manager, item)
    swapped = press(form_with_button(home, DONE), "Done", headers=HTMX)
    item.refresh_from_db()
    assert item.is_done and item.done_by == manager
    assert swapped.html.select_one("[data-testid=tick-note]").get_text() == done_by_note(item)
    assert form_with_button(swapped, UNDO)  # swapped in place, now done


def test_undo_on_a_stale_page_leaves_an_open_step_open(django_app, item, manager, report):
    item.done_at, item.done_by = timezone.now() - dt.timedelta(hours=1), report
    item.save()
    page = django_app.get(item.session.get_absolute_url(), user=report)
    tick_elsewhere(django_app, manager, item, label=UNDO)
    after = press(form_with_button(page, UNDO), "Undo").follow()
    item.refresh_from_db()
    assert not item.is_done
    assert messages(after) == ["“Book meetings” was already marked as not done: nothing changed."]


def test_done_pressed_twice_keeps_the_first_tick(django_app, item, report):
    page = django_app.get(item.session.get_absolute_url(), user=report)
    form = form_with_button(page, DONE)
    press(form, "Done").follow()
    item.refresh_from_db()
    first = item.done_at
    press(form, "Done").follow()  # the same page, pressed again (a double click)
    item.refresh_from_db()
    assert item.done_at == first and item.done_by == report


def test_a_tick_without_the_state_it_wants_is_refused(client, item, report):
    # An attack, or a page from before the buttons said what they want.
    client.force_login(report)
    response = client.post(reverse("coaching:action_item_toggle", args=[item.pk]))
    assert response.status_code == 400
    item.refresh_from_db()
    assert not item.is_done
