from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reviews.models import ReviewTable, WorkPlanItem
from reviews.services import review_table_for
from tests.factories import check_in, make_cycle, make_objective


@pytest.fixture
def cycle(db):
    return make_cycle(timezone.localdate().year)


@pytest.fixture
def month(cycle):
    return cycle.start_date.replace(month=3, day=1)


@pytest.fixture
def robs_objectives(cycle, report):
    orders = make_objective(cycle, employee=report, title="Orders won", weight=60, target=120)
    quality = make_objective(
        cycle,
        employee=report,
        title="Quality score",
        weight=40,
        measure="percent",
        target=90,
        unit="",
    )
    check_in(orders, 25, on=cycle.start_date.replace(month=3, day=20), author=report)
    return orders, quality


@pytest.fixture
def table(cycle, month, report, robs_objectives):
    return review_table_for(cycle=cycle, month=month, employee=report)


@pytest.fixture
def sales_table(cycle, month, sales, manager):
    make_objective(cycle, department=sales, title="Sales revenue", weight=100, target=1200)
    return review_table_for(cycle=cycle, month=month, department=sales)


def fill_data(table, **overrides):
    """A complete fill POST for ``table``, built by hand: for attacks only.

    Tests of what a person does fill the page's own form (``fill_form``).
    """
    data = {
        "version": table.version,
        "summary": "A fair month: orders on plan, quality behind.",
        "work-TOTAL_FORMS": 1,
        "work-INITIAL_FORMS": 0,
        "work-0-title": "Visit three key accounts",
        "work-0-target": "3 visits",
        "work-0-due_date": (table.month + dt.timedelta(days=40)).replace(day=10).isoformat(),
    }
    for row in table.rows.all():
        data[f"row-{row.pk}-actual"] = str(row.planned or 0)
        data[f"row-{row.pk}-gap_reason"] = ""
    data.update(overrides)
    return data


def field_by_label(page, label: str) -> str:
    """The name of the form field whose <label> reads ``label``, as a person finds it."""
    wanted = " ".join(label.split())
    for tag in page.html.find_all("label"):
        shown = " ".join(tag.get_text(" ", strip=True).split()).removesuffix("*").strip()
        if shown == wanted and tag.get("for"):
            field = page.html.find(id=tag["for"])
            assert field is not None and field.get("name"), f"label {label!r} names no field"
            return str(field["name"])
    raise AssertionError(f"no field labelled {label!r} on the page")


def fill(page, form, values: dict[str, str]) -> None:
    """Type ``values`` into the fields of ``form`` found by their labels."""
    for label, value in values.items():
        form[field_by_label(page, label)] = value


def text(page, css: str):
    """The visible text of the elements matching ``css``, joined by spaces."""
    return " ".join(" ".join(e.get_text(" ", strip=True).split()) for e in page.html.select(css))


def next_month_day(table, day=10):
    return (table.month + dt.timedelta(days=40)).replace(day=day).isoformat()


def submit(table, actor):
    from reviews.workflow import review_table_transition

    table.refresh_from_db()
    for row in table.rows.all():
        row.actual = row.planned
        row.save()
    table.summary = "Done."
    table.save()
    WorkPlanItem.objects.create(table=table, title="Next thing")
    return review_table_transition(actor=actor, table=table, action="submit")


def reach(table, status, *, assessee, reviewer):
    from reviews.workflow import review_table_transition

    if status == ReviewTable.Status.DRAFT:
        return table
    table = submit(table, assessee)
    if status == ReviewTable.Status.SUBMITTED:
        return table
    if status == ReviewTable.Status.RETURNED:
        return review_table_transition(actor=reviewer, table=table, action="return", comment="x")
    table = review_table_transition(actor=reviewer, table=table, action="start_review")
    if status == ReviewTable.Status.IN_REVIEW:
        return table
    ReviewTable.objects.filter(pk=table.pk).update(reviewer_summary="Good.")
    table.refresh_from_db()
    return review_table_transition(actor=reviewer, table=table, action="finalise")
