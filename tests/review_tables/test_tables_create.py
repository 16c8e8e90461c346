"""Reviews → To review → Create tables, filled and submitted as the page renders it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews.models import ReviewTable
from tests.factories import make_objective
from tests.webtest_helpers import choose, errors_beside, form_with_button, messages, press

pytestmark = pytest.mark.django_db


def create_form(django_app, user):
    page = django_app.get(reverse("reviews:to_review"), user=user).click(
        description="Create tables"
    )
    return form_with_button(page, "Create")


def test_a_manager_creates_a_months_table_for_one_report(
    django_app, manager, report, robs_objectives, month
):
    form = create_form(django_app, manager)
    form["month"] = f"{month:%Y-%m}"  # what a month picker sends
    choose(form, "scope", "One person")
    choose(form, "employee", "Rob Report")
    response = press(form, "Create")
    assert response.location == reverse("reviews:to_review") + "?all=1"  # drafts included
    table = ReviewTable.objects.get()
    assert (table.employee, table.month, table.rows.count()) == (report, month, 2)
    shown = response.follow()
    assert messages(shown) == [
        "1 table created; tables that already existed were left as they are."
    ]
    assert "Rob Report" in shown.text


def test_a_manager_creates_tables_for_the_whole_team_and_a_second_time_nothing(
    django_app, manager, report, indirect_report, cycle, month, robs_objectives
):
    make_objective(cycle, employee=indirect_report, title="Calls made")
    for expected in ("2 tables", "0 tables"):
        form = create_form(django_app, manager)
        form["month"] = f"{month:%Y-%m}"
        choose(form, "scope", "My whole team")
        shown = press(form, "Create").follow()
        assert messages(shown) == [
            f"{expected} created; tables that already existed were left as they are."
        ]
    assert set(ReviewTable.objects.values_list("employee__full_name", flat=True)) == {
        "Rob Report",
        "Ivy Indirect",
    }


def test_hr_creates_a_department_table(django_app, hr, sales, cycle, month):
    make_objective(cycle, department=sales, title="Sales revenue", weight=100)
    page = django_app.get(reverse("home"), user=hr).click(description="Create review tables")
    form = form_with_button(page, "Create")
    form["month"] = f"{month:%Y-%m}"
    choose(form, "scope", "One department")
    choose(form, "department", "Sales")
    response = press(form, "Create")
    assert response.location == reverse("reviews:create")
    assert ReviewTable.objects.get().department == sales


@pytest.mark.parametrize(
    ("month_typed", "scope", "field", "message"),
    [
        ("", "One person", "month", "This field is required."),
        ("2001-03", "My whole team", "month", "No active appraisal cycle covers this month."),
        (None, "One person", "employee", "Choose the person."),
        (None, "One department", "department", "Choose the department."),
        (None, "Everyone in the cycle (HR)", "scope", "Only HR creates tables for everyone."),
    ],
)
def test_a_refused_request_says_why_beside_the_field_and_creates_nothing(
    django_app, manager, robs_objectives, month, month_typed, scope, field, message
):
    form = create_form(django_app, manager)
    form["month"] = f"{month:%Y-%m}" if month_typed is None else month_typed
    choose(form, "scope", scope)
    refused = press(form, "Create")
    assert refused.status_code == 200
    assert errors_beside(refused, field) == [message]
    again = form_with_button(refused, "Create")
    assert again["month"].value == form["month"].value  # kept as typed
    assert not ReviewTable.objects.exists()


def test_a_manager_is_offered_only_her_own_people(django_app, manager, report, peer):
    from tests.webtest_helpers import options

    people = options(create_form(django_app, manager), "employee")
    assert "Rob Report" in people and "Paul Peer" not in people
