"""Review tables out of the app: XLSX, CSV (streamed) and PDF, and the large exports
the worker builds.

Every export starts from ``tables_reported_to`` (or everything, for a command
run by an administrator), so each row is checked against who asks for it, and a
manager's file covers each person for the months they were in that manager's
chain. Past months are placed under the department and line manager recorded on
the table, not where the person is today (issue 15, section 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

import xlsxwriter  # type: ignore[import-untyped]
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import pgettext

from accounts.models import Department, User
from accounts.selectors import department_subtree_ids
from accounts.services import enqueue_on_commit
from plans.models import AppraisalCycle
from reviews.export_columns import (
    INQUIRY_FIELDS,
    ROW_FIELDS,
    TABLE_FIELDS,
    ExportWords,
    Month,
    Percent,
    RowValues,
    csv_cell,
    inquiry_headers,
    inquiry_values,
    local_moment,
    result_headers,
    result_values,
    row_headers,
    table_headers,
    table_values,
)
from reviews.file_storage import export_storage
from reviews.models import CycleResult, ExportJob, Inquiry, ReviewRow, ReviewTable
from reviews.permissions import tables_reported_to
from reviews.result_selectors import export_results, export_sees_ratings
from reviews.selectors import in_departments_then, late_tables
from reviews.webhook_events import export_ready_webhook

# Spreadsheet programs treat a cell starting with these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportFilter:
    month_from: dt.date
    month_to: dt.date
    cycle_id: int | None = None
    department_id: int | None = None
    status: str = ""
    late: bool = False

    @classmethod
    def from_form(cls, data: dict[str, Any]) -> ExportFilter:
        """The filter of a valid ``ExportForm``'s ``cleaned_data``."""
        return cls(
            month_from=data["month_from"],
            month_to=data["month_to"],
            cycle_id=data["cycle"].pk if data["cycle"] else None,
            department_id=data["department"].pk if data["department"] else None,
            status=data["status"],
            late=bool(data.get("late")),
        )

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> ExportFilter:
        """The filter an export job keeps (``params``)."""
        return cls(
            month_from=dt.date.fromisoformat(params["month_from"]),
            month_to=dt.date.fromisoformat(params["month_to"]),
            cycle_id=params.get("cycle_id"),
            department_id=params.get("department_id"),
            status=params.get("status", ""),
            late=bool(params.get("late")),
        )

    def file_name(self, extension: str) -> str:
        """The file's name: the whole period and the filter, in the active language.

        ``review-tables_2026-09_to_2026-11_sales.xlsx``; one month:
        ``review-tables_2026-11_sales.xlsx``; no filter, no suffix. The department,
        the cycle and the state are slugified (Chinese letters kept); up to two queries.
        """
        period = f"{self.month_from:%Y-%m}"
        if self.month_to != self.month_from:
            period += f"_to_{self.month_to:%Y-%m}"
        parts = ["review-tables", period]
        if self.department_id:
            department = Department.objects.filter(pk=self.department_id)
            name = department.values_list("name", flat=True).first() or ""
            parts.append(slugify(name, allow_unicode=True))
        if self.cycle_id:
            cycle = AppraisalCycle.objects.filter(pk=self.cycle_id)
            name = cycle.values_list("name", flat=True).first() or ""
            parts.append(slugify(name, allow_unicode=True))
        if self.status in ReviewTable.Status.values:
            parts.append(slugify(str(ReviewTable.Status(self.status).label), allow_unicode=True))
        if self.late:
            parts.append(slugify(pgettext("file name", "late"), allow_unicode=True))
        return "_".join(part for part in parts if part) + "." + extension

    def params(self) -> dict[str, Any]:
        """As an export job keeps it (``ExportJob.params``, read by ``export_job_build``)."""
        return {
            "month_from": self.month_from.isoformat(),
            "month_to": self.month_to.isoformat(),
            "cycle_id": self.cycle_id,
            "department_id": self.department_id,
            "status": self.status,
            "late": self.late,
        }


def export_tables(user: User | None, spec: ExportFilter) -> QuerySet[ReviewTable]:
    """The tables ``spec`` asks for in ``user``'s reports scope (``None``: all), in file order.

    The department filter (with the departments below it) takes each table's
    department of the time: a month someone spent in the department is in, a
    month they spent elsewhere is not (issue 15, section 1).
    """
    tables = (
        tables_reported_to(user)
        if user is not None
        else ReviewTable.objects.select_related("employee", "department", "cycle")
    )
    tables = tables.filter(month__gte=spec.month_from, month__lte=spec.month_to)
    if spec.cycle_id:
        tables = tables.filter(cycle_id=spec.cycle_id)
    if spec.department_id:
        tables = tables.filter(in_departments_then(department_subtree_ids(spec.department_id)))
    if spec.status:
        tables = tables.filter(status=spec.status)
    if spec.late:
        tables = tables.filter(late_tables(timezone.localdate()))
    return tables.select_related(
        "employee__department", "department", "home_department", "line_manager"
    ).order_by("month", "department__name", "employee__full_name", "pk")


def safe_cell(value: object) -> object:
    """Neutralise text that a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _rows(tables: QuerySet[ReviewTable], words: ExportWords) -> Iterator[list[Any]]:
    """The cells of the tables' objective rows (``row_headers`` order), in file order,
    streamed from the database in chunks as plain values (no model instances)."""
    rows = (
        ReviewRow.objects.filter(table_id__in=tables.values("pk"))
        .order_by("table__month", "table_id", "position", "pk")
        .values_list(*ROW_FIELDS)
    )
    row_values = RowValues(words)
    for values in rows.iterator(chunk_size=2000):
        yield row_values(values)


def csv_lines(tables: QuerySet[ReviewTable]) -> Iterator[str]:
    """CSV text, one objective row per line, UTF-8 with BOM so Excel reads Chinese.

    Headers and states in the active language, completion as ``80%``, moments in
    the organisation's time zone (``export_columns``).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return value

    yield "\ufeff"
    writer.writerow(row_headers())
    yield flush()
    for cells in _rows(tables, ExportWords.active()):
        writer.writerow([csv_cell(safe_cell(value)) for value in cells])
        yield flush()


class _SheetWriter:
    """Writes ``export_columns`` cells into an XlsxWriter workbook with their formats:
    months ``yyyy-mm``, days ``yyyy-mm-dd``, moments local ``yyyy-mm-dd hh:mm``, and
    percentages as numbers shown with ``%``."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.bold = workbook.add_format({"bold": True, "bg_color": "#E9ECEF", "border": 1})
        self.month = workbook.add_format({"num_format": "yyyy-mm"})
        self.day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.number = workbook.add_format({"num_format": "#,##0.##"})
        self.percent = {
            0: workbook.add_format({"num_format": "0%"}),
            1: workbook.add_format({"num_format": "0.0%"}),
        }
        # Each kind of cell's writer, by the value's type. Where one kind derives from
        # another (``bool`` from ``int``, ``datetime`` from ``date``), the derived one
        # comes first, as ``other`` tries them in order.
        self.writers: dict[type, Callable[[Any, int, int, Any], None]] = {
            str: self.text,
            type(None): self.nothing,
            Decimal: self.number_cell,
            bool: self.flag,
            int: self.number_cell,
            float: self.number_cell,
            Percent: self.percent_cell,
            Month: self.month_cell,
            dt.datetime: self.moment_cell,
            dt.date: self.day_cell,
        }

    def sheet(self, name: str, headers: list[str], widths: Iterable[int]) -> Any:
        sheet = self.workbook.add_worksheet(name)
        for column, (title, width) in enumerate(zip(headers, widths, strict=True)):
            sheet.write_string(0, column, title, self.bold)
            sheet.set_column(column, column, width)
        sheet.freeze_panes(1, 0)
        return sheet

    def cells(self, sheet: Any, line: int, values: list[Any]) -> None:
        # Looked up by the value's own type (~700,000 cells in a 10,000-person month).
        writers, other = self.writers, self.other
        for column, value in enumerate(values):
            writers.get(type(value), other)(sheet, line, column, value)

    def other(self, sheet: Any, line: int, column: int, value: Any) -> None:
        """A value of a type derived from one of ``writers`` (a ``str`` subclass, say) is
        written as that kind; anything else as its text."""
        for kind, write in self.writers.items():
            if isinstance(value, kind):
                write(sheet, line, column, value)
                return
        self.text(sheet, line, column, str(value))

    def nothing(self, sheet: Any, line: int, column: int, value: None) -> None:
        pass

    def text(self, sheet: Any, line: int, column: int, value: str) -> None:
        if value:
            sheet.write_string(line, column, str(safe_cell(value)))

    def flag(self, sheet: Any, line: int, column: int, value: bool) -> None:
        sheet.write_string(line, column, str(value))

    def number_cell(self, sheet: Any, line: int, column: int, value: int | Decimal) -> None:
        sheet.write_number(line, column, float(value), self.number)

    def percent_cell(self, sheet: Any, line: int, column: int, value: Percent) -> None:
        # The rounded percentage itself, so the cell shows what the page shows.
        share = float(value.value / 100)
        sheet.write_number(line, column, share, self.percent[min(value.places, 1)])

    def month_cell(self, sheet: Any, line: int, column: int, value: Month) -> None:
        sheet.write_datetime(line, column, dt.datetime.combine(value.day, dt.time()), self.month)

    def moment_cell(self, sheet: Any, line: int, column: int, value: dt.datetime) -> None:
        sheet.write_datetime(line, column, local_moment(value), self.moment)

    def day_cell(self, sheet: Any, line: int, column: int, value: dt.date) -> None:
        sheet.write_datetime(line, column, dt.datetime.combine(value, dt.time()), self.day)


# Up to this many objective rows a workbook is built in memory with one table of shared
# strings (names, departments and states repeat on every row): a 10,000-person month
# (49,684 rows) in 4.5 s against 5.3 s row by row, at a peak of ~180 MB against ~90 MB.
# Larger exports (a year of such months) are written row by row in constant memory.
IN_MEMORY_ROWS = 60_000


def write_xlsx(
    tables: QuerySet[ReviewTable],
    target: IO[bytes] | str,
    on_progress: Callable[[int], None] | None = None,
    *,
    results: QuerySet[CycleResult] | None = None,
    reader: User | None = None,
    rows_expected: int | None = None,
) -> int:
    """The Rows, Tables, Inquiries and Results sheets; returns the number of rows written.

    Headers and states in the active language (``export_columns``). The first three
    sheets are read as plain values (``ROW_FIELDS``, ``TABLE_FIELDS``,
    ``INQUIRY_FIELDS``), one query each, whatever the number of tables. ``on_progress``
    is told how many objective rows are written, every 2,000. ``results``
    (``result_selectors.export_results``) fill the Results sheet, one line per cycle
    result, their rating columns only where ``reader`` may export them
    (``export_sees_ratings``; ``None``: a command, everything). ``rows_expected``, the
    number of objective rows if the caller counted them, else counted here (one query),
    chooses how the workbook is built (``IN_MEMORY_ROWS``).
    """
    if rows_expected is None:
        rows_expected = ReviewRow.objects.filter(table_id__in=tables.values("pk")).count()
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": rows_expected > IN_MEMORY_ROWS,
            "strings_to_formulas": False,
            "in_memory": False,
        },
    )
    writer = _SheetWriter(workbook)
    words = ExportWords.active()
    headers = row_headers()
    rows_sheet = writer.sheet(
        "Rows", headers, (24, 11, 20, 20, 9, 14, 36, 8, 8, 12, 12, 12, 48, 48, 17, 17)
    )
    count = 0
    for count, cells in enumerate(_rows(tables, words), start=1):
        if on_progress is not None and count % 2000 == 0:
            on_progress(count)
        writer.cells(rows_sheet, count, cells)
    rows_sheet.autofilter(0, 0, max(count, 1), len(headers) - 1)

    headers = table_headers()
    tables_sheet = writer.sheet(
        "Tables", headers, (24, 11, 20, 20, 9, 14, 11, 17, 17, 48, 48, 40, 40, 18)
    )
    index = 0
    for index, values in enumerate(
        tables.values_list(*TABLE_FIELDS).iterator(chunk_size=2000), start=1
    ):
        writer.cells(tables_sheet, index, table_values(words, values))
    tables_sheet.autofilter(0, 0, max(index, 1), len(headers) - 1)

    headers = inquiry_headers()
    inquiries_sheet = writer.sheet("Inquiries", headers, (24, 9, 20, 17, 48, 48, 20, 16))
    inquiries = (
        Inquiry.objects.filter(table__in=tables.values("pk"))
        .order_by("table__month", "table_id", "asked_at")
        .values_list(*INQUIRY_FIELDS)
    )
    line = 0
    for line, values in enumerate(inquiries.iterator(chunk_size=2000), start=1):
        writer.cells(inquiries_sheet, line, inquiry_values(words, values))
    inquiries_sheet.autofilter(0, 0, max(line, 1), len(headers) - 1)

    headers = result_headers()
    results_sheet = writer.sheet(
        "Results", headers, (10, 24, 11, 20, 20, 12, 13, 20, 20, 20, 17, 48, 17, 48, 9)
    )
    line = 0
    for line, result in enumerate(
        results.iterator(chunk_size=2000) if results is not None else [], start=1
    ):
        cells = result_values(result, ratings=export_sees_ratings(reader, result))
        writer.cells(results_sheet, line, cells)
    results_sheet.autofilter(0, 0, max(line, 1), len(headers) - 1)
    workbook.close()
    return count


# --- Large exports, built by the worker ---------------------------------------------

EXPORT_DAYS = 2


def export_job_request(*, actor: User, params: dict[str, Any], total: int) -> ExportJob:
    """Record a large export and hand it to the worker once the transaction commits.

    The job keeps the requester's language of the moment (``params["language"]``):
    the worker writes the file's headers, states and name in it.
    """
    language = params.get("language") or translation.get_language() or actor.preferred_language
    job = ExportJob.objects.create(
        requester=actor, params={**params, "language": language}, total=total
    )
    enqueue_on_commit("reviews.tasks.export_build", job.pk)
    return job


# A build shows life at least every 2,000 rows; silent this long, its worker is gone.
EXPORT_STALLED_AFTER = dt.timedelta(minutes=10)


def export_job_stalled(job: ExportJob) -> bool:
    """Whether ``job`` says it is running but its worker has not shown life for a while."""
    beat = job.heartbeat_at or job.created_at
    return job.status == ExportJob.Status.RUNNING and beat < timezone.now() - EXPORT_STALLED_AFTER


def export_job_build(*, job_id: int) -> None:
    """Build the XLSX of an export job; safe to run twice (a finished job is left alone).

    A job another worker is building is left to it; one whose worker stopped
    showing life (``export_job_stalled``) is taken over and built again.
    """
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
            return
        if job.status == ExportJob.Status.RUNNING and not export_job_stalled(job):
            return  # another worker is building it
        job.status = ExportJob.Status.RUNNING
        job.attempts += 1
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "attempts", "heartbeat_at"])
    with translation.override(job.params.get("language") or job.requester.preferred_language):
        _export_job_write(job)


def _export_job_write(job: ExportJob) -> None:
    params = job.params
    spec = ExportFilter.from_params(params)
    name = f"review-tables-{job.pk}-{timezone.now():%Y%m%d%H%M%S}.xlsx"
    tables = export_tables(job.requester, spec)
    total = ReviewRow.objects.filter(table__in=tables.values("pk")).count()
    ExportJob.objects.filter(pk=job.pk).update(total=total, progress=0)

    def progress(rows: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(progress=rows, heartbeat_at=timezone.now())

    try:
        results = export_results(
            job.requester,
            cycle_id=spec.cycle_id,
            month_from=spec.month_from,
            month_to=spec.month_to,
            department_id=spec.department_id,
        )
        # Built in a scratch file of this worker, then saved once whole into the shared
        # storage (``STORAGES["exports"]``), where any web node serves it from.
        with tempfile.TemporaryFile() as scratch:
            rows = write_xlsx(
                tables,
                scratch,
                on_progress=progress,
                results=results,
                reader=job.requester,
                rows_expected=total,
            )
            scratch.seek(0)
            name = export_storage().save(name, File(scratch, name=name))
    except Exception as error:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    expires_at = timezone.now() + dt.timedelta(days=EXPORT_DAYS)
    with transaction.atomic():
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.DONE,
            progress=rows,
            total=max(rows, 1),
            file_name=name,
            params={**params, "download_name": spec.file_name("xlsx")},
            finished_at=timezone.now(),
            expires_at=expires_at,
        )
        export_ready_webhook(job, rows=rows, expires_at=expires_at).emit()


def export_jobs_purge() -> int:
    """Delete expired export files and their jobs."""
    expired = ExportJob.objects.filter(expires_at__lt=timezone.now())
    count = 0
    for job in expired:
        if job.file_name:
            export_storage().delete(job.file_name)
        count += 1
    expired.delete()
    return count
