"""What each export line says of its table, read from the files the export functions write
(the Export page's buttons have their own tests in test_exports and test_history).

The lines are made from plain column values, not model instances (issue 21 §5), so
these tests pin the rules those values go through: the department and manager of the
time, a department's own table, the fallback to the person's present department, the
completion of a row, and a query count that does not grow with the tables.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accounts.models import Department, User
from reviews.export_columns import row_completion
from reviews.exports import IN_MEMORY_ROWS, ExportFilter, csv_lines, export_tables, write_xlsx
from reviews.lifecycle import person_move
from reviews.models import Inquiry, ReviewRow, ReviewTable
from reviews.services import review_table_for, review_tables_generate
from tests.factories import UserFactory, make_cycle, make_objective

pytestmark = pytest.mark.django_db
MARCH = dt.date(2026, 3, 1)


def _march_tables() -> ExportFilter:
    return ExportFilter(month_from=MARCH, month_to=MARCH)


def sheet_records(content: bytes, sheet: str) -> list[dict[str, object]]:
    lines = load_workbook(io.BytesIO(content))[sheet].iter_rows(values_only=True)
    header = next(lines)
    return [dict(zip(map(str, header), line, strict=True)) for line in lines]


def xlsx_of(user: User | None) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(export_tables(user, _march_tables()), buffer, reader=user)
    return buffer.getvalue()


def csv_of(user: User | None) -> list[dict[str, str]]:
    text = "".join(csv_lines(export_tables(user, _march_tables())))
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.fixture
def march(time_machine, report: User, manager: User, sales: Department) -> ReviewTable:
    """Sales' own March table (Maria heads Sales) with one question put on it."""
    time_machine.move_to(dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC), tick=False)
    cycle = make_cycle(2026)
    make_objective(cycle, department=sales, title="Sales revenue", target=1200, unit="k€")
    make_objective(cycle, employee=report, title="Orders won", target=120)
    review_table_for(cycle=cycle, month=MARCH, employee=report)
    table = review_table_for(cycle=cycle, month=MARCH, department=sales)
    Inquiry.objects.create(
        table=table, asked_by=manager, question="Which region?", kind=Inquiry.Kind.SUGGESTION
    )
    return table


def test_a_departments_table_is_the_department_under_its_head_of_the_time(
    hr, march, sales, other_manager
):
    sales.head = other_manager  # a new head since March
    sales.save(update_fields=["head"])
    content = xlsx_of(hr)
    lines = {
        sheet: [record for record in sheet_records(content, sheet) if record["Subject"] == "Sales"]
        for sheet in ("Rows", "Tables", "Inquiries")
    }
    for sheet in ("Rows", "Tables"):
        (line,) = lines[sheet]
        assert (line["Kind"], line["Department"], line["Manager"]) == (
            "Department",
            "Sales",
            "Maria Manager",
        )
    (inquiry,) = lines["Inquiries"]
    assert inquiry["Question"] == "Which region?"
    assert inquiry["Kind"] == "Suggestion for improvement"
    assert inquiry["Answered by"] is None  # an empty cell
    (line,) = [line for line in csv_of(hr) if line["Subject"] == "Sales"]
    assert (line["Kind"], line["Department"], line["Manager"]) == (
        "Department",
        "Sales",
        "Maria Manager",
    )


def test_a_table_with_no_place_recorded_is_under_the_persons_present_department(
    hr, march, report, finance
):
    ReviewTable.objects.filter(employee=report).update(home_department=None, line_manager=None)
    report.department = finance
    report.save(update_fields=["department"])
    (row,) = [r for r in sheet_records(xlsx_of(hr), "Rows") if r["Subject"] == "Rob Report"]
    assert (row["Kind"], row["Department"], row["Manager"]) == ("Employee", "Finance", None)
    (line,) = [line for line in csv_of(hr) if line["Subject"] == "Rob Report"]
    assert (line["Department"], line["Manager"]) == ("Finance", "")


@pytest.mark.parametrize(
    ("planned", "actual"),
    [
        (None, None),
        (Decimal(8), None),
        (None, Decimal(5)),
        (Decimal(0), Decimal(5)),
        (Decimal(-3), Decimal(1)),
        (Decimal(3), Decimal(1)),  # 33.33… %
        (Decimal(8), Decimal("6.96")),  # 87.0 %
        (Decimal(200), Decimal(1)),  # 0.5 %: rounded up to 1
        (Decimal("7.01"), Decimal("2.67")),
        (Decimal(1), Decimal(0)),
        (Decimal(80), Decimal(96)),
    ],
)
def test_a_rows_completion_cell_is_the_rows_completion(planned, actual):
    completion = ReviewRow(planned=planned, actual=actual).completion
    cell = row_completion(planned, actual)
    assert (None if cell is None else cell.value) == completion


@pytest.mark.parametrize("size", [2, 20])
def test_a_past_months_export_is_placed_then_and_reads_a_few_queries_whatever_its_size(
    hr, manager, other_manager, sales, finance, size, time_machine, django_assert_max_num_queries
):
    """March's people moved to Finance in April: March's lines stay in Sales under Maria,
    and the export reads the same few queries for 2 people as for 20."""
    time_machine.move_to(dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC), tick=False)
    cycle = make_cycle(2026)
    movers = UserFactory.create_batch(size, manager=manager, department=sales)
    for person in movers:
        make_objective(cycle, employee=person, title="Orders won")
        make_objective(cycle, employee=person, title="Visits", measure="milestone", unit="")
    review_tables_generate(cycle=cycle, month=MARCH, employee_ids=[p.pk for p in movers])
    time_machine.move_to(dt.datetime(2026, 4, 10, 9, tzinfo=dt.UTC), tick=False)
    for person in movers:
        person_move(person=person, manager=other_manager, department=finance, by=hr)

    for reader in (hr, manager):
        tables = export_tables(reader, _march_tables())
        buffer = io.BytesIO()
        # The rows' count (it chooses how the workbook is built), the rows, the tables
        # and the questions: one query each.
        with django_assert_max_num_queries(4):
            written = write_xlsx(tables, buffer)
        assert written == 2 * size
        rows = sheet_records(buffer.getvalue(), "Rows")
        assert {(r["Department"], r["Manager"]) for r in rows} == {("Sales", "Maria Manager")}
        with django_assert_max_num_queries(1):
            lines = list(csv.DictReader(io.StringIO("".join(csv_lines(tables)).lstrip("\ufeff"))))
        assert len(lines) == 2 * size
        assert {(line["Department"], line["Manager"]) for line in lines} == {
            ("Sales", "Maria Manager")
        }
    # Their new manager's export holds none of March: it was not in her chain then.
    assert csv_of(other_manager) == []


def test_a_large_export_written_row_by_row_says_what_a_small_one_built_in_memory_says(march, hr):
    """Up to ``IN_MEMORY_ROWS`` rows the workbook is built in memory with shared strings;
    above, row by row in constant memory: the same cells either way, on every sheet."""
    files = []
    for expected in (1, IN_MEMORY_ROWS + 1):
        buffer = io.BytesIO()
        tables = export_tables(hr, _march_tables())
        write_xlsx(tables, buffer, reader=hr, rows_expected=expected)
        files.append(buffer.getvalue())
    in_memory, row_by_row = files
    for sheet in ("Rows", "Tables", "Inquiries"):
        assert sheet_records(in_memory, sheet) == sheet_records(row_by_row, sheet), sheet
    assert sheet_records(in_memory, "Rows")  # not two empty files
    # Shared strings in the one, strings inline in the other: really two ways of writing.
    assert b"sharedStrings" in in_memory and b"sharedStrings" not in row_by_row
