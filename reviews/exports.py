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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import xlsxwriter  # type: ignore[import-untyped]
from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import department_subtree_ids
from accounts.services import enqueue_on_commit
from reviews.models import CycleResult, ExportJob, Inquiry, ReviewRow, ReviewTable
from reviews.permissions import tables_reported_to
from reviews.result_selectors import (
    RESULT_HEADERS,
    export_results,
    export_sees_ratings,
    result_export_values,
)
from reviews.selectors import in_departments_then
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

    @classmethod
    def from_form(cls, data: dict[str, Any]) -> ExportFilter:
        """The filter of a valid ``ExportForm``'s ``cleaned_data``."""
        return cls(
            month_from=data["month_from"],
            month_to=data["month_to"],
            cycle_id=data["cycle"].pk if data["cycle"] else None,
            department_id=data["department"].pk if data["department"] else None,
            status=data["status"],
        )

    def params(self) -> dict[str, Any]:
        """As an export job keeps it (``ExportJob.params``, read by ``export_job_build``)."""
        return {
            "month_from": self.month_from.isoformat(),
            "month_to": self.month_to.isoformat(),
            "cycle_id": self.cycle_id,
            "department_id": self.department_id,
            "status": self.status,
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
    return tables.select_related(
        "employee__department", "department", "home_department", "line_manager"
    ).order_by("month", "department__name", "employee__full_name", "pk")


def safe_cell(value: object) -> object:
    """Neutralise text that a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _department_of(table: ReviewTable) -> str:
    """The department of the time: a department's table, itself; a person's, the one
    recorded on the table (the present one where none was recorded)."""
    if table.department is not None:
        return table.department.name
    department = table.home_department or (table.employee.department if table.employee else None)
    return department.name if department else ""


def _manager_of(table: ReviewTable) -> str:
    """The line manager recorded on the table (a department's: its head of the time)."""
    return table.line_manager.full_name if table.line_manager else ""


ROW_HEADERS = (
    "subject",
    "kind",
    "department",
    "manager",
    "month",
    "status",
    "objective",
    "weight",
    "planned",
    "actual",
    "completion_percent",
    "gap_reason",
    "gap_reason_outside",
)


def _row_values(table: ReviewTable, row: ReviewRow) -> tuple[Any, ...]:
    return (
        table.subject_name,
        "department" if table.department_id else "employee",
        _department_of(table),
        _manager_of(table),
        table.month,
        table.status,
        row.title,
        row.weight,
        float(row.planned) if row.planned is not None else None,
        float(row.actual) if row.actual is not None else None,
        row.completion,
        row.gap_reason,
        row.gap_reason_outside,
    )


def _rows(tables: QuerySet[ReviewTable]) -> Iterator[tuple[ReviewTable, ReviewRow]]:
    """Rows of the tables in order, streamed from the database in chunks."""
    rows = (
        ReviewRow.objects.filter(table_id__in=tables.values("pk"))
        .select_related(
            "table__employee__department",
            "table__department",
            "table__home_department",
            "table__line_manager",
        )
        .order_by("table__month", "table_id", "position", "pk")
    )
    for row in rows.iterator(chunk_size=2000):
        yield row.table, row


def csv_lines(tables: QuerySet[ReviewTable]) -> Iterator[str]:
    """CSV text, one objective row per line, UTF-8 with BOM so Excel reads Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return value

    yield "\ufeff"
    writer.writerow(ROW_HEADERS)
    yield flush()
    for table, row in _rows(tables):
        values = _row_values(table, row)
        writer.writerow(
            [
                v.isoformat() if isinstance(v, dt.date) else safe_cell("" if v is None else v)
                for v in values
            ]
        )
        yield flush()


def write_xlsx(
    tables: QuerySet[ReviewTable],
    target: IO[bytes] | str,
    on_progress: Callable[[int], None] | None = None,
    *,
    results: QuerySet[CycleResult] | None = None,
    reader: User | None = None,
) -> int:
    """The Rows, Tables, Inquiries and Results sheets; returns the number of rows written.

    ``on_progress`` is told how many objective rows are written, every 2,000.
    ``results`` (``result_selectors.export_results``) fill the Results sheet, one
    line per cycle result, their rating columns only where ``reader`` may export
    them (``export_sees_ratings``; ``None``: a command, everything).
    """
    workbook = xlsxwriter.Workbook(
        target, {"constant_memory": True, "strings_to_formulas": False, "in_memory": False}
    )
    bold = workbook.add_format({"bold": True, "bg_color": "#E9ECEF", "border": 1})
    month_format = workbook.add_format({"num_format": "yyyy-mm"})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    number_format = workbook.add_format({"num_format": "#,##0.00"})

    def header(sheet: Any, names: Iterable[str], widths: Iterable[int]) -> None:
        for column, (name, width) in enumerate(zip(names, widths, strict=True)):
            sheet.write_string(0, column, name, bold)
            sheet.set_column(column, column, width)
        sheet.freeze_panes(1, 0)

    rows_sheet = workbook.add_worksheet("Rows")
    header(rows_sheet, ROW_HEADERS, (24, 11, 20, 20, 9, 11, 36, 8, 12, 12, 12, 48, 48))
    count = 0
    for count, (table, row) in enumerate(_rows(tables), start=1):
        if on_progress is not None and count % 2000 == 0:
            on_progress(count)
        for column, value in enumerate(_row_values(table, row)):
            if value is None:
                continue
            if isinstance(value, dt.date):
                rows_sheet.write_datetime(
                    count, column, dt.datetime.combine(value, dt.time()), month_format
                )
            elif isinstance(value, float):
                rows_sheet.write_number(count, column, value, number_format)
            elif isinstance(value, int):
                rows_sheet.write_number(count, column, value)
            else:
                rows_sheet.write_string(count, column, str(safe_cell(value)))
    rows_sheet.autofilter(0, 0, max(count, 1), len(ROW_HEADERS) - 1)

    tables_sheet = workbook.add_worksheet("Tables")
    table_headers = (
        "subject",
        "kind",
        "department",
        "manager",
        "month",
        "status",
        "deadline",
        "submitted_at",
        "finalised_at",
        "summary",
        "reviewer_summary",
        "suggestions",
        "expectations",
        "rating",
    )
    header(tables_sheet, table_headers, (24, 11, 20, 20, 9, 11, 11, 17, 17, 48, 48, 40, 40, 18))
    index = 0
    for index, table in enumerate(tables.iterator(chunk_size=2000), start=1):
        values: list[Any] = [
            table.subject_name,
            "department" if table.department_id else "employee",
            _department_of(table),
            _manager_of(table),
            table.month,
            table.status,
            table.deadline,
            table.submitted_at,
            table.finalised_at,
            table.summary,
            table.reviewer_summary,
            table.suggestions,
            table.expectations,
            table.rating,
        ]
        for column, value in enumerate(values):
            if value in (None, ""):
                continue
            if isinstance(value, dt.datetime):
                naive = value.astimezone(dt.UTC).replace(tzinfo=None)
                tables_sheet.write_datetime(index, column, naive, date_format)
            elif isinstance(value, dt.date):
                fmt = month_format if column == table_headers.index("month") else date_format
                tables_sheet.write_datetime(
                    index, column, dt.datetime.combine(value, dt.time()), fmt
                )
            else:
                tables_sheet.write_string(index, column, str(safe_cell(value)))
    tables_sheet.autofilter(0, 0, max(index, 1), len(table_headers) - 1)

    inquiries_sheet = workbook.add_worksheet("Inquiries")
    inquiry_headers = (
        "subject",
        "month",
        "asked_by",
        "asked_at",
        "question",
        "answer",
        "answered_by",
        "kind",
    )
    header(inquiries_sheet, inquiry_headers, (24, 9, 20, 17, 48, 48, 20, 12))
    inquiries = (
        Inquiry.objects.filter(table__in=tables.values("pk"))
        .select_related("table__employee", "table__department", "asked_by", "answered_by")
        .order_by("table__month", "table_id", "asked_at")
    )
    line = 0
    for line, inquiry in enumerate(inquiries.iterator(chunk_size=2000), start=1):
        inquiries_sheet.write_string(line, 0, inquiry.table.subject_name)
        inquiries_sheet.write_datetime(
            line, 1, dt.datetime.combine(inquiry.table.month, dt.time()), month_format
        )
        inquiries_sheet.write_string(line, 2, inquiry.asked_by.full_name)
        inquiries_sheet.write_datetime(
            line, 3, inquiry.asked_at.astimezone(dt.UTC).replace(tzinfo=None), date_format
        )
        inquiries_sheet.write_string(line, 4, str(safe_cell(inquiry.question)))
        if inquiry.answer:
            inquiries_sheet.write_string(line, 5, str(safe_cell(inquiry.answer)))
        if inquiry.answered_by:
            inquiries_sheet.write_string(line, 6, inquiry.answered_by.full_name)
        inquiries_sheet.write_string(line, 7, inquiry.kind)  # question / suggestion
    inquiries_sheet.autofilter(0, 0, max(line, 1), len(inquiry_headers) - 1)

    results_sheet = workbook.add_worksheet("Results")
    widths = (10, 24, 11, 20, 20, 12, 13, 20, 20, 20, 17, 48, 17, 48, 9)
    header(results_sheet, RESULT_HEADERS, widths)
    line = 0
    for line, result in enumerate(
        results.iterator(chunk_size=2000) if results is not None else [], start=1
    ):
        cells = result_export_values(result, ratings=export_sees_ratings(reader, result))
        for column, value in enumerate(cells):
            if value in (None, ""):
                continue
            if isinstance(value, dt.datetime):
                naive = value.astimezone(dt.UTC).replace(tzinfo=None)
                results_sheet.write_datetime(line, column, naive, date_format)
            elif isinstance(value, float):
                results_sheet.write_number(line, column, value)
            else:
                results_sheet.write_string(line, column, str(safe_cell(value)))
    results_sheet.autofilter(0, 0, max(line, 1), len(RESULT_HEADERS) - 1)
    workbook.close()
    return count


def pdf_bytes(pages: list[dict[str, Any]]) -> bytes:
    """One PDF of one or more printable tables, one table per page."""
    return html_pdf_bytes(render_to_string("reviews/tables_pdf.html", {"pages": pages}))


def pdf_missing_reason() -> str | None:
    """Why this server cannot make PDFs (translated, for the page), or ``None`` if it can.

    WeasyPrint loads the system's Pango library when imported; without it (or without
    WeasyPrint) the import fails, and the export pages say so instead of failing.
    """
    try:
        import weasyprint  # type: ignore[import-untyped]  # noqa: F401, PLC0415
    except (OSError, ImportError):
        return _(
            "PDF export is not available on this server: it needs the Pango text "
            "library (on Debian or Ubuntu: apt-get install libpango-1.0-0 "
            "libpangoft2-1.0-0). Ask your administrator; XLSX and CSV work without it."
        )
    return None


def html_pdf_bytes(html: str) -> bytes:
    """The PDF of a printable page's HTML (WeasyPrint); ``RuntimeError`` with
    ``pdf_missing_reason`` when this server cannot make PDFs (no Pango)."""
    reason = pdf_missing_reason()
    if reason is not None:
        raise RuntimeError(reason)
    from weasyprint import HTML  # noqa: PLC0415 - loads Pango: only when a PDF is made

    return bytes(HTML(string=html).write_pdf())


# --- Large exports, built by the worker ---------------------------------------------

EXPORT_DAYS = 2


def export_job_request(*, actor: User, params: dict[str, Any], total: int) -> ExportJob:
    """Record a large export and hand it to the worker once the transaction commits."""
    job = ExportJob.objects.create(requester=actor, params=params, total=total)
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
    params = job.params
    spec = ExportFilter(
        month_from=dt.date.fromisoformat(params["month_from"]),
        month_to=dt.date.fromisoformat(params["month_to"]),
        cycle_id=params.get("cycle_id"),
        department_id=params.get("department_id"),
        status=params.get("status", ""),
    )
    folder = Path(django_settings.MEDIA_ROOT) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
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
        rows = write_xlsx(
            tables,
            str(folder / name),
            on_progress=progress,
            results=results,
            reader=job.requester,
        )
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
            (Path(django_settings.MEDIA_ROOT) / "exports" / job.file_name).unlink(missing_ok=True)
        count += 1
    expired.delete()
    return count
