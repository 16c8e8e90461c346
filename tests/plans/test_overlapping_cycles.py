"""One active cycle per subject (issue 15 §4): overlapping cycles never share a subject,
so one table per subject and month holds, and a table never mixes two cycles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from plans.models import AppraisalCycle, Objective
from plans.services import cycle_nodes
from reviews.models import ReviewTable
from reviews.services import month_tables_generate
from tests.factories import UserFactory, make_cycle, make_objective
from tests.plans.test_plan_editing import fill_objective, new_objective_form
from tests.webtest_helpers import form_errors, form_with_button, messages, press

pytestmark = pytest.mark.django_db


def fiscal(state: str = "planning") -> AppraisalCycle:
    """FY27: December 2026 to November 2027, sharing December with the year 2026."""
    start, end = dt.date(2026, 12, 1), dt.date(2027, 11, 30)
    return AppraisalCycle.objects.create(
        name="FY27",
        start_date=start,
        end_date=end,
        state=state,
        time_nodes=cycle_nodes(start_date=start, end_date=end, frequency="monthly"),
    )


def test_starting_a_cycle_that_shares_subjects_and_months_is_refused_naming_them(
    django_app, hr, report, peer
):
    year = make_cycle(2026)
    fy27 = fiscal()
    crowd = [UserFactory(full_name=f"Zed {i:02d}") for i in range(12)]
    for person in [report, peer, *crowd]:
        make_objective(year, employee=person)
        make_objective(fy27, employee=person)
    page = django_app.get(fy27.get_absolute_url(), user=hr)
    shown = press(form_with_button(page, "Start the cycle"), "Start the cycle").follow()
    (message,) = messages(shown)
    assert message.startswith(
        "14 subjects already have objectives in an active cycle covering the same months (2026): "
        "Paul Peer, Rob Report, Zed 00, Zed 01"
    )
    assert "Zed 07 and 4 more." in message
    fy27.refresh_from_db()
    assert fy27.state == "planning" and not fy27.events.exists()


def test_a_cycle_sharing_no_subject_or_no_month_starts(django_app, hr, report, peer):
    year = make_cycle(2026)
    make_objective(year, employee=report)
    fy27 = fiscal()
    make_objective(fy27, employee=peer)  # another person: fine
    make_objective(make_cycle(2027, state="planning"), employee=report)  # no month shared
    page = django_app.get(fy27.get_absolute_url(), user=hr)
    shown = press(form_with_button(page, "Start the cycle"), "Start the cycle").follow()
    assert messages(shown) == ["The cycle's state has been changed."]


def test_an_objective_for_a_subject_of_an_overlapping_active_cycle_is_refused(
    django_app, manager, report
):
    make_objective(make_cycle(2026), employee=report)
    fy27 = fiscal(state="active")
    form = new_objective_form(django_app, manager, report, fy27)
    fill_objective(form, weight="100")
    shown = press(form, "Save")
    assert form_errors(shown) == [
        "This person or department already has objectives in the cycle “2026”, which covers "
        "some of the same months. A subject belongs to one active cycle at a time: add the "
        "objective there, or drop those objectives first."
    ]
    assert not Objective.objects.filter(cycle=fy27).exists()


def test_two_cycles_in_planning_may_share_a_subject_until_one_starts(django_app, manager, report):
    make_objective(make_cycle(2026, state="planning"), employee=report)
    fy27 = fiscal()
    form = new_objective_form(django_app, manager, report, fy27)
    fill_objective(form, weight="100")
    assert press(form, "Save").status_code == 302  # the second to start will be refused


def test_an_active_cycle_takes_no_objective_for_a_subject_of_a_planned_overlapping_one(
    django_app, manager, report
):
    make_objective(fiscal(), employee=report)  # FY27 in planning, sharing December
    year = make_cycle(2026)
    form = new_objective_form(django_app, manager, report, year)
    fill_objective(form, weight="100")
    assert "“FY27”" in form_errors(press(form, "Save"))[0]


def test_the_december_table_never_holds_two_cycles(report):
    """The issue's December: objectives of 2026 and FY27 (weights 100 each) for one person,
    left by the time before the rule (both cycles active). The table takes one cycle's."""
    year = make_cycle(2026)
    fy27 = fiscal(state="active")
    make_objective(year, employee=report, title="Orders 2026", weight=100)
    make_objective(fy27, employee=report, title="Orders FY27", weight=100)
    december = dt.date(2026, 12, 1)
    month_tables_generate(month=december)
    month_tables_generate(month=december)
    table = ReviewTable.objects.get(employee=report, month=december)
    assert sum(table.rows.values_list("weight", flat=True)) == 100
    assert set(table.rows.values_list("objective__cycle", flat=True)) == {table.cycle_id}


def test_garbage_to_the_state_page_is_refused(client, hr, outsider):
    fy27 = fiscal()
    url = reverse("plans:cycle_state", args=[fy27.pk])
    client.force_login(outsider)
    assert client.post(url, {"state": "active"}).status_code == 403
    client.force_login(hr)
    for data in ({"state": "x"}, {"state": "active", "seen_state": "zz"}, {}):
        assert client.post(url, data).status_code == 400
    big = {"state": "active", "seen_state": "closed", "reason": "y" * 900}
    assert client.post(url, big).status_code in (200, 302)
