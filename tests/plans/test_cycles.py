"""HR runs appraisal cycles in the browser: new, edit, start, close, reopen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from plans.models import AppraisalCycle
from reviews.services import review_table_for
from tests.factories import UserFactory, make_cycle, make_hr, make_objective
from tests.webtest_helpers import choose, errors_beside, form_with_button, messages, press

pytestmark = pytest.mark.django_db


def new_cycle_form(django_app, hr):
    page = django_app.get(reverse("plans:cycle_list"), user=hr).click(description="New cycle")
    return form_with_button(page, "Save")


def test_hr_opens_a_quarterly_cycle_with_its_own_rating_scale(django_app, hr):
    form = new_cycle_form(django_app, hr)
    form["name"] = "2027"
    form["start_date"] = "2027-01-01"
    form["end_date"] = "2027-12-31"
    choose(form, "frequency", "Every quarter")
    form["rating_labels"] = "Not yet\nSolid\n\nOutstanding\n"
    response = press(form, "Save")
    cycle = AppraisalCycle.objects.get()
    assert response.location == cycle.get_absolute_url()
    assert (cycle.name, cycle.start_date, cycle.end_date, cycle.state, cycle.created_by) == (
        "2027",
        dt.date(2027, 1, 1),
        dt.date(2027, 12, 31),
        "planning",
        hr,
    )
    assert [node.month for node in cycle.nodes] == [3, 6, 9, 12]
    assert cycle.rating_scale == ["Not yet", "Solid", "Outstanding"]
    shown = response.follow()
    assert messages(shown) == ["The cycle has been saved."]
    assert "Start the cycle" in shown.text


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"end_date": "2026-12-31"}, "end_date", "The end date must be after the start date."),
        ({"end_date": "2029-06-30"}, "end_date", "A cycle can last at most 24 months."),
        ({"start_date": "the first"}, "start_date", "Enter a valid date."),
        ({"name": ""}, "name", "This field is required."),
        ({"name": "2026"}, "name", "Appraisal cycle with this Name already exists."),
        ({"rating_labels": "Good\nGood"}, "rating_labels", "Each rating must be different."),
    ],
)
def test_bad_cycle_input_is_refused_next_to_the_field(django_app, hr, typed, field, message):
    make_cycle(2026)
    form = new_cycle_form(django_app, hr)
    form["name"] = "2027"
    form["start_date"] = "2027-01-01"
    form["end_date"] = "2027-12-31"
    for name, value in typed.items():
        form[name] = value
    refused = press(form, "Save")
    assert refused.status_code == 200
    assert errors_beside(refused, field) == [message]
    assert AppraisalCycle.objects.count() == 1


def test_a_planned_cycle_is_edited_dates_and_all(django_app, hr):
    cycle = make_cycle(2027, state="planning")
    page = django_app.get(cycle.get_absolute_url(), user=hr).click(description="Edit")
    form = form_with_button(page, "Save")
    assert form["start_date"].value == "2027-01-01" and form["frequency"].value == "monthly"
    form["start_date"] = "2027-04-01"
    form["end_date"] = "2028-03-31"
    choose(form, "frequency", "Every half year")
    press(form, "Save").follow()
    cycle.refresh_from_db()
    assert cycle.start_date == dt.date(2027, 4, 1) and cycle.end_date == dt.date(2028, 3, 31)
    assert [(node.year, node.month) for node in cycle.nodes] == [(2027, 9), (2028, 3)]


def test_once_started_a_cycle_keeps_its_dates_and_can_be_renamed(django_app, hr):
    cycle = make_cycle(2026, state="active")
    page = django_app.get(reverse("plans:cycle_edit", args=[cycle.pk]), user=hr)
    form = form_with_button(page, "Save")
    assert "Fixed once the cycle has started." in page.text
    assert all("disabled" in form[name].attrs for name in ("start_date", "end_date", "frequency"))
    form["name"] = "Year 2026"
    shown = press(form, "Save").follow()  # the browser sends no disabled field
    cycle.refresh_from_db()
    assert cycle.name == "Year 2026"
    assert (cycle.start_date, cycle.end_date) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert len(cycle.nodes) == 12
    assert messages(shown) == ["The cycle has been saved."]


def test_a_closed_cycle_is_shown_read_only_with_nothing_to_press(django_app, hr):
    cycle = make_cycle(2025, state="closed")
    page = django_app.get(reverse("plans:cycle_edit", args=[cycle.pk]), user=hr)
    assert "This cycle is closed and read-only." in page.text
    form = next(f for f in page.forms.values() if "name" in f.fields)
    assert "disabled" in form["name"].attrs
    assert not form.html.select("[type=submit], button")  # no Save that would do nothing


def test_hr_starts_closes_and_reopens_a_cycle_and_its_history_says_who_and_why(django_app, hr):
    cycle = make_cycle(2027, state="planning")
    page = django_app.get(cycle.get_absolute_url(), user=hr)
    page = press(form_with_button(page, "Start the cycle"), "Start the cycle").follow()
    assert messages(page) == ["The cycle's state has been changed."]
    close_page = page.click(description="Close the cycle…")
    form = form_with_button(close_page, "Close the cycle and its open tables")
    form["reason"] = "The year is over."
    page = press(form, "Close the cycle and its open tables").follow()
    cycle.refresh_from_db()
    assert cycle.state == "closed"
    assert messages(page) == ["The cycle is closed; 0 open tables were closed unfinished."]
    form = form_with_button(page, "Reopen")
    form["reason"] = "Two late reviews."
    page = press(form, "Reopen").follow()
    cycle.refresh_from_db()
    assert cycle.state == "active"
    assert messages(page) == ["The cycle's state has been changed."]
    history = [
        (e.actor, e.from_state, e.to_state, e.reason) for e in cycle.events.order_by("at", "pk")
    ]
    assert history == [
        (hr, "planning", "active", ""),
        (hr, "active", "closed", "The year is over."),
        (hr, "closed", "active", "Two late reviews."),
    ]
    shown = page.html.select_one("[data-testid=cycle-history]").get_text(" ", strip=True)
    assert "Two late reviews." in shown and "The year is over." in shown
    assert hr.full_name in shown


def test_reopening_without_a_reason_is_refused_next_to_the_field(django_app, hr):
    cycle = make_cycle(2025, state="closed")
    page = django_app.get(cycle.get_absolute_url(), user=hr)
    shown = press(form_with_button(page, "Reopen"), "Reopen")
    assert errors_beside(shown, "reason") == ["This field is required."]
    cycle.refresh_from_db()
    assert cycle.state == "closed" and not cycle.events.exists()


def test_the_state_page_does_not_close_a_cycle_past_its_tables(client, hr):
    # An attack: closing goes through the close page, which deals with the open tables.
    cycle = make_cycle(2026)
    client.force_login(hr)
    response = client.post(reverse("plans:cycle_state", args=[cycle.pk]), {"state": "closed"})
    assert response.status_code == 400
    cycle.refresh_from_db()
    assert cycle.state == "active"


def test_a_button_pressed_on_a_stale_page_changes_nothing(django_app, hr):
    cycle = make_cycle(2027, state="planning")
    page = django_app.get(cycle.get_absolute_url(), user=hr)
    AppraisalCycle.objects.filter(pk=cycle.pk).update(state="closed")  # in another tab
    shown = press(form_with_button(page, "Start the cycle"), "Start the cycle").follow()
    assert messages(shown) == [
        "This cycle was changed in the meantime and is now Closed: nothing was changed."
    ]
    cycle.refresh_from_db()
    assert cycle.state == "closed"  # not reopened by a "Start" button
    assert "Reopen" in shown.text


def test_a_forbidden_state_change_is_refused_with_a_message(client, hr):
    # An attack: the page never offers to go back from closed to planning.
    cycle = make_cycle(2026, state="closed")
    client.force_login(hr)
    response = client.post(
        reverse("plans:cycle_state", args=[cycle.pk]), {"state": "planning"}, follow=True
    )
    assert "A cycle cannot go from Closed to Planning." in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.state == "closed"


def test_the_cycle_history_reads_right_in_chinese(django_app, hr):
    """Its columns say who acted and which change: not "对象" (the object, a table's
    subject) for the person who acted, nor "步骤" (an action item's step)."""
    cycle = make_cycle(2026)
    cycle.events.create(actor=hr, from_state="planning", to_state="active")
    hr.language = "zh-hans"
    hr.save(update_fields=["language"])
    page = django_app.get(cycle.get_absolute_url(), user=hr)
    history = page.html.select_one("[data-testid=cycle-history]")
    assert [th.get_text(strip=True) for th in history.select("thead th")] == [
        "时间",
        "变更人",
        "状态变更",
        "原因",
    ]
    assert [td.get_text(strip=True) for td in history.select("tbody td")][1:3] == [
        "Hana HR",
        "规划中 → 进行中",
    ]
    # The close page names whose table each row is: the assessee, not a vague "对象".
    make_objective(cycle, employee=hr)
    review_table_for(cycle=cycle, month=dt.date(2026, 3, 1), employee=hr)
    close_page = django_app.get(reverse("reviews:cycle_close", args=[cycle.pk]), user=hr)
    columns = close_page.html.select("[data-testid=open-tables] thead th")
    assert [th.get_text(strip=True) for th in columns][1:] == [
        "月份",
        "考核对象",
        "状态",
        "截止日期",
    ]
    colleague = make_hr(UserFactory(full_name="Henry HR"))
    english = django_app.get(cycle.get_absolute_url(), user=colleague)
    headers = english.html.select("[data-testid=cycle-history] thead th")
    assert [th.get_text(strip=True) for th in headers] == [
        "When",
        "Changed by",
        "Status change",
        "Reason",
    ]
