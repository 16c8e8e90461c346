"""Review tables through the API, tried by every role: each gets what the table page
gives them, and a refused request writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from reviews.models import Inquiry, ReviewEvent, ReviewTable, WorkPlanItem
from tests.api_helpers import ROLES, client_for, outcome, problem
from tests.review_tables.conftest import fill_data, reach

pytestmark = pytest.mark.django_db
Status = ReviewTable.Status
LIST = "/api/v1/review-tables/"


def url(table, step=""):
    return f"{LIST}{table.pk}/{step + '/' if step else ''}"


def fill_body(table, **extra):
    """What Rob sends to fill his table completely."""
    return {
        "version": table.version,
        "summary": "A fair month: orders on plan.",
        "rows": [{"id": row.pk, "actual": str(row.planned or 0)} for row in table.rows.all()],
        "work_items": [
            {
                "title": "Visit three key accounts",
                "target": "3 visits",
                "due_date": (table.month + dt.timedelta(days=40)).replace(day=10).isoformat(),
            }
        ],
        **extra,
    }


def snapshot(table):
    """Everything a refused request must leave as it was."""
    table.refresh_from_db()
    return (
        table.status,
        table.version,
        table.summary,
        table.reviewer_summary,
        list(table.rows.values_list("actual", "gap_reason")),
        WorkPlanItem.objects.filter(table=table).count(),
        Inquiry.objects.count(),
        ReviewEvent.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
def test_a_table_reads_as_its_page_reads(client, request, table, role):
    reach(table, Status.SUBMITTED, assessee=table.employee, reviewer=table.employee.manager)
    person = request.getfixturevalue(role)
    client.force_login(person)
    page = client.get(reverse("reviews:table_detail", args=[table.pk]))
    response = client_for(person).get(url(table))
    assert outcome(response.status_code) == outcome(page.status_code)
    listed = [row["id"] for row in client_for(person).get(LIST).json()["results"]]
    assert (table.pk in listed) == (page.status_code == 200)
    if response.status_code == 200:
        body = response.json()
        assert [row["title"] for row in body["rows"]] == ["Orders won", "Quality score"]
        assert body["status"] == "submitted" and body["work_items"][0]["title"] == "Next thing"
    else:
        problem(response, 404)
        assert "Orders won" not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["table", "sales_table"])
def test_only_the_assessee_fills_a_draft_as_on_the_page(client, request, which, role):
    table = request.getfixturevalue(which)
    person = request.getfixturevalue(role)
    client.force_login(person)
    before = snapshot(table)
    page = client.post(reverse("reviews:table_detail", args=[table.pk]), fill_data(table))
    if outcome(page.status_code) == "ok":  # undone, for the API to do it again
        ReviewTable.objects.filter(pk=table.pk).update(version=before[1], summary="")
        for row, (actual, reason) in zip(table.rows.all(), before[4], strict=True):
            row.actual, row.gap_reason = actual, reason
            row.save(update_fields=["actual", "gap_reason"])
        WorkPlanItem.objects.filter(table=table).delete()
    assert snapshot(table) == before
    response = client_for(person).post(url(table, "fill"), fill_body(table), format="json")
    assert outcome(response.status_code) == outcome(page.status_code)
    if response.status_code == 200:
        assert response.json()["summary"] == "A fair month: orders on plan."
        assert response.json()["version"] == before[1] + 1
    else:
        problem(response, page.status_code)
        assert snapshot(table) == before


def test_the_assessee_submits_and_the_reviewer_is_the_page_s(report, manager, table):
    response = client_for(report).post(
        url(table, "fill"), fill_body(table, submit=True), format="json"
    )
    assert response.status_code == 200, response.json()
    table.refresh_from_db()
    assert table.status == Status.SUBMITTED and table.reviewer == manager
    assert response.json()["access"]["can_fill"] is False


def test_a_stale_version_is_a_409_and_nothing_is_written(report, table):
    api = client_for(report)
    assert api.post(url(table, "fill"), fill_body(table), format="json").status_code == 200
    before = snapshot(table)
    stale = fill_body(table, version=before[1] - 1, summary="Overwrites the other tab")
    body = problem(api.post(url(table, "fill"), stale, format="json"), 409)
    assert "Read it again (GET)" in body["detail"]
    assert snapshot(table) == before


def test_an_incomplete_submission_says_what_is_missing_and_saves_nothing(report, table):
    before = snapshot(table)
    body = fill_body(table, submit=True, summary="", work_items=[])
    body["rows"][0]["actual"] = None
    errors = problem(client_for(report).post(url(table, "fill"), body, format="json"), 400)[
        "errors"
    ]
    assert errors["rows.0.actual"] == ["Enter the actual value."]
    assert errors["summary"] == ["Summarise the month: overall completion and main gaps."]
    assert errors["work_items"] == ["Plan at least one piece of work for next month."]
    assert snapshot(table) == before


def test_the_fill_forms_messages_come_back_beside_the_fields(report, table):
    body = fill_body(table)
    body["rows"][1]["actual"] = "150"  # a percentage
    body["work_items"][0]["due_date"] = "2001-01-01"
    errors = problem(client_for(report).post(url(table, "fill"), body, format="json"), 400)[
        "errors"
    ]
    assert errors["rows.1.actual"] == ["A percentage is at most 100."]
    assert errors["work_items.0.due_date"][0].startswith("Pick a date in")


def test_rows_and_lines_not_sent_stay_as_stored(report, table):
    api = client_for(report)
    first = api.post(url(table, "fill"), fill_body(table), format="json").json()
    line = first["work_items"][0]
    table.refresh_from_db()
    second = api.post(
        url(table, "fill"),
        {"version": table.version, "rows": [{"id": first["rows"][0]["id"], "gap_reason": "x"}]},
        format="json",
    ).json()
    assert second["summary"] == first["summary"] and second["work_items"] == [line]
    assert second["rows"][0]["actual"] == first["rows"][0]["actual"]
    assert second["rows"][0]["gap_reason"] == "x"
    removed = api.post(
        url(table, "fill"),
        {"version": second["version"], "work_items": [{"id": line["id"], "delete": True}]},
        format="json",
    ).json()
    assert removed["work_items"] == []


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"version": "x"},
        {"version": 1, "rows": {"a": 1}},
        {"version": 1, "rows": [{"id": 999999}]},
        {"version": 1, "rows": [{"id": "1; drop"}]},
        {"version": 1, "work_items": [{"id": 99999999999999999999}]},
        {"version": 1, "work_items": [{"title": ["a"]}]},
        {"version": 1, "summary": "\x00"},
        {"version": 1, "surprise": True},
    ],
)
def test_garbage_in_a_fill_is_a_400_never_a_500(report, table, body):
    before = snapshot(table)
    problem(client_for(report).post(url(table, "fill"), body, format="json"), 400)
    assert snapshot(table) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("step", ["start_review", "return", "finalise", "save"])
def test_only_the_reviewer_takes_the_review_steps_as_on_the_page(
    client, request, table, role, step
):
    table = reach(table, Status.SUBMITTED, assessee=table.employee, reviewer=table.employee.manager)
    person = request.getfixturevalue(role)
    data = {
        "version": table.version,
        "action": step,
        "reviewer_summary": "Good month.",
        "comment": "Please add the reasons.",
    }
    client.force_login(person)
    before = snapshot(table)
    page = client.post(reverse("reviews:table_review", args=[table.pk]), data)
    page_after = snapshot(table)
    ReviewTable.objects.filter(pk=table.pk).update(
        status=before[0], version=before[1], reviewer_summary=before[3], finalised_at=None
    )
    ReviewEvent.objects.exclude(pk__in=ReviewEvent.objects.order_by("pk")[:1]).delete()
    assert snapshot(table) == before
    response = client_for(person).post(url(table, "review"), data, format="json")
    assert outcome(response.status_code) == outcome(page.status_code)
    if response.status_code == 200:
        assert response.json()["status"] == page_after[0]
    else:
        problem(response, page.status_code)
        assert snapshot(table) == before


def test_a_stale_review_is_a_409_and_nothing_is_written(manager, table):
    table = reach(table, Status.SUBMITTED, assessee=table.employee, reviewer=manager)
    before = snapshot(table)
    body = {"version": table.version - 1, "action": "finalise", "reviewer_summary": "Late"}
    problem(client_for(manager).post(url(table, "review"), body, format="json"), 409)
    assert snapshot(table) == before


def test_returning_needs_a_comment_with_the_pages_message(manager, table):
    table = reach(table, Status.SUBMITTED, assessee=table.employee, reviewer=manager)
    before = snapshot(table)
    body = {"version": table.version, "action": "return"}
    errors = problem(client_for(manager).post(url(table, "review"), body, format="json"), 400)
    assert errors["errors"] == {"comment": ["Say what needs revising."]}
    assert snapshot(table) == before


def test_a_step_on_a_table_that_moved_on_is_a_409(manager, table):
    table = reach(table, Status.FINALISED, assessee=table.employee, reviewer=manager)
    body = {"version": table.version, "action": "return", "comment": "x"}
    problem(client_for(manager).post(url(table, "review"), body, format="json"), 409)
    problem(
        client_for(table.employee).post(url(table, "fill"), fill_body(table), format="json"), 409
    )


def test_a_read_only_token_writes_nothing(report, manager, table):
    before = snapshot(table)
    problem(
        client_for(report, ApiToken.Scope.READ).post(
            url(table, "fill"), fill_body(table), format="json"
        ),
        403,
    )
    review = {"version": table.version, "action": "save", "reviewer_summary": "x"}
    problem(
        client_for(manager, ApiToken.Scope.READ).post(url(table, "review"), review, format="json"),
        403,
    )
    assert snapshot(table) == before


def test_the_list_filters_by_month_status_person_and_department(
    hr, report, table, sales_table, sales
):
    api = client_for(hr)
    month = table.month.strftime("%Y-%m")
    ids = lambda **q: sorted(r["id"] for r in api.get(LIST, q).json()["results"])  # noqa: E731
    assert ids(month=month) == sorted([table.pk, sales_table.pk])
    assert ids(employee=report.pk) == [table.pk]
    assert ids(department=sales.pk) == sorted([table.pk, sales_table.pk])
    assert ids(status="submitted") == []
    assert ids(month="2001-01") == []
    for bad in (
        {"month": "March"},
        {"status": "lost"},
        {"employee": "-1"},
        {"department": "9" * 30},
    ):
        problem(api.get(LIST, bad), 400)


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_for_3_or_30_tables(
    hr, cycle, count, django_assert_max_num_queries
):
    from reviews.services import review_tables_generate
    from tests.factories import UserFactory, make_objective

    people = [UserFactory() for _ in range(count)]
    for person in people:
        make_objective(cycle, employee=person, monthly=False)
    review_tables_generate(
        cycle=cycle, month=cycle.start_date, employee_ids=[p.pk for p in people], department_ids=[]
    )
    api = client_for(hr)
    with django_assert_max_num_queries(8):
        response = api.get(LIST)
    assert len(response.json()["results"]) == count
