from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Q
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from accounts.models import Department
from plans.months import first_of_previous_month as previous_month
from reviews.models import ReviewRow
from tests.e2e.conftest import go_to, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _last_month_of_the_cycle(today: dt.date) -> dt.date:
    """Last month, or this one in January: the demo's cycle is the calendar year."""
    return max(previous_month(today.replace(day=1)), today.replace(month=1, day=1))


def _stored_rows(month: dt.date, department: str | None = None) -> list[tuple[str, str, str]]:
    """(subject, objective, status) of every row of the month's tables, from the database;
    with a department, those placed in it (or below) that month: a department's own
    table, or a person's recorded department of the time (today's where none was)."""
    rows = ReviewRow.objects.filter(table__month=month).select_related(
        "table__employee__department", "table__department"
    )
    if department is not None:
        names = {department}
        while True:  # the department and every department below it
            below = set(
                Department.objects.filter(parent__name__in=names).values_list("name", flat=True)
            )
            if below <= names:
                break
            names |= below
        rows = rows.filter(
            Q(table__department__name__in=names)
            | Q(table__department=None, table__home_department__name__in=names)
            | Q(
                table__department=None,
                table__home_department=None,
                table__employee__department__name__in=names,
            )
        )
    return sorted(
        (row.table.subject_name, row.title, row.table.get_status_display()) for row in rows
    )


def _export(page: Page, month: dt.date, export_format: str, department: str = "") -> None:
    form = page.get_by_test_id("export-form")
    form.get_by_label("From month").fill(month.strftime("%Y-%m"))
    choice = form.get_by_label("Department (with the departments below it)")
    if department:
        choice.select_option(label=department)
    else:
        choice.select_option("")  # every department
    form.get_by_label("Format").select_option(export_format)


def test_hr_exports_a_months_tables_as_xlsx_and_csv(
    live_server, sized_page, tmp_path, today, screenshot
) -> None:
    call_command("seed_demo")
    page, base = sized_page, live_server.url
    month = _last_month_of_the_cycle(today)
    everything, sales = _stored_rows(month), _stored_rows(month, "Sales")
    assert {"Emma Wilson", "Wang Fang", "Lucas Silva"} <= {subject for subject, *_ in sales}
    assert "Ravi Patel" not in {subject for subject, *_ in sales}  # Warehouse
    assert "Ravi Patel" in {subject for subject, *_ in everything}

    # Sofia (HR) finds the export page in the menu: Sales, as XLSX.
    log_in(page, base, "sofia.rossi@example.com")
    go_to(page, "Reviews", "Export review tables")
    expect(page.get_by_role("heading", name="Export review tables")).to_be_visible()
    _export(page, month, "xlsx", department="Sales")
    screenshot(page, "export-form")
    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name="Export").click()
    assert xlsx_download.value.suggested_filename == f"review-tables_{month:%Y-%m}_sales.xlsx"
    xlsx = tmp_path / "export.xlsx"
    xlsx_download.value.save_as(xlsx)
    sheet = load_workbook(xlsx)["Rows"]
    header, *lines = sheet.iter_rows(values_only=True)
    column = {name: index for index, name in enumerate(header)}
    exported = [
        tuple(line[column[name]] for name in ("Subject", "Objective", "Status")) for line in lines
    ]
    assert sorted(exported) == sales

    # The whole organisation's month, as CSV.
    _export(page, month, "csv")
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Export").click()
    assert csv_download.value.suggested_filename == f"review-tables_{month:%Y-%m}.csv"
    csv_download.value.save_as(tmp_path / "export.csv")
    with (tmp_path / "export.csv").open(encoding="utf-8-sig", newline="") as exported_csv:
        records = list(csv.DictReader(exported_csv))
    exported = [(r["Subject"], r["Objective"], r["Status"]) for r in records]
    assert sorted(exported) == everything
    assert {r["Month"] for r in records} == {f"{month:%Y-%m}"}
