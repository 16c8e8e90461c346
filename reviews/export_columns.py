"""The columns of the review-table exports, as a person reads them (issue 20 §3).

Headers, states and kinds are words in the requester's language (the active one:
the request's, or the one an export job recorded); a milestone reads *done* or
*not done*; completion is a percentage (a real percentage cell in XLSX); every
moment is in the organisation's time zone (``settings.TIME_ZONE``), as on the
pages; every rounded figure goes through ``accounts.rounding``.

A cell's value is a plain ``str``/``int``/``Decimal``, a ``dt.date`` (a day), a
``dt.datetime`` (a moment), or one of the two markers below; ``csv_cell`` and
the XLSX writer (``reviews.exports``) each write the kinds their own way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.rounding import round_half_up
from plans.models import Measure
from reviews.models import CycleResult, Inquiry, ReviewRow, ReviewTable, rating_label


@dataclass(frozen=True)
class Month:
    """A month (its first day), written ``2026-03``."""

    day: dt.date


@dataclass(frozen=True)
class Percent:
    """A percentage already rounded half up (``80`` is 80 %; ``82.5`` is 82.5 %)."""

    value: Decimal
    places: int = 0


def local_moment(moment: dt.datetime) -> dt.datetime:
    """``moment`` in the organisation's time zone, without its zone (as a spreadsheet keeps it)."""
    return timezone.localtime(moment).replace(tzinfo=None)


def moment_text(moment: dt.datetime) -> str:
    """``2026-03-31 08:30``: the organisation's local time, as a CSV cell."""
    return f"{local_moment(moment):%Y-%m-%d %H:%M}"


def number_text(value: Decimal) -> str:
    """``30``, ``12.5``: a number without trailing zeros."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def csv_cell(value: object) -> str:
    """One value as CSV text (formula-looking text is neutralised by the caller)."""
    if value is None:
        return ""
    if isinstance(value, Percent):
        return f"{number_text(value.value)}%"
    if isinstance(value, Month):
        return f"{value.day:%Y-%m}"
    if isinstance(value, dt.datetime):
        return moment_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return number_text(value)
    return str(value)


def kind_text(table: ReviewTable | CycleResult) -> str:
    if table.department_id:
        return pgettext("subject kind", "Department")
    return pgettext("subject kind", "Employee")


def status_text(table: ReviewTable) -> str:
    return str(ReviewTable.Status(table.status).label)


def milestone_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return _("done") if value >= 1 else _("not done")


def unit_text(row: ReviewRow) -> str:
    """The unit of the row's planned and actual values: its unit, "%" or nothing."""
    if row.measure == Measure.PERCENT:
        return "%"
    if row.measure == Measure.MILESTONE:
        return ""
    return row.unit


def row_measured(row: ReviewRow, value: Decimal | None) -> str | Decimal | None:
    """A planned or actual value: *done*/*not done* for a milestone, else the number."""
    if row.measure == Measure.MILESTONE:
        return milestone_text(value)
    return None if value is None else round_half_up(value, 2)


def completion_cell(row: ReviewRow) -> Percent | None:
    completion = row.completion
    return None if completion is None else Percent(Decimal(completion))


def row_headers() -> list[str]:
    return [
        _("Subject"),
        pgettext("export column", "Kind"),
        _("Department"),
        _("Manager"),
        _("Month"),
        _("Status"),
        _("Objective"),
        _("Weight"),
        pgettext("export column", "Unit"),
        _("Planned"),
        _("Actual"),
        _("Completion"),
        pgettext("export column", "Own reasons for the gap"),
        pgettext("export column", "Outside reasons for the gap"),
        pgettext("export column", "Submitted at"),
        pgettext("export column", "Finalised at"),
    ]


def row_values(table: ReviewTable, row: ReviewRow, *, department: str, manager: str) -> list[Any]:
    """One objective row's cells, in ``row_headers`` order."""
    return [
        table.subject_name,
        kind_text(table),
        department,
        manager,
        Month(table.month),
        status_text(table),
        row.title,
        row.weight,
        unit_text(row),
        row_measured(row, row.planned),
        row_measured(row, row.actual),
        completion_cell(row),
        row.gap_reason,
        row.gap_reason_outside,
        table.submitted_at,
        table.finalised_at,
    ]


def table_headers() -> list[str]:
    return [
        _("Subject"),
        pgettext("export column", "Kind"),
        _("Department"),
        _("Manager"),
        _("Month"),
        _("Status"),
        _("Deadline"),
        pgettext("export column", "Submitted at"),
        pgettext("export column", "Finalised at"),
        _("Summary"),
        _("Summary of completion"),
        _("Improvement suggestions"),
        _("Expectations and requirements for next month"),
        _("Rating"),
    ]


def table_values(table: ReviewTable, *, department: str, manager: str) -> list[Any]:
    """One table's cells, in ``table_headers`` order."""
    return [
        table.subject_name,
        kind_text(table),
        department,
        manager,
        Month(table.month),
        status_text(table),
        table.deadline,
        table.submitted_at,
        table.finalised_at,
        table.summary,
        table.reviewer_summary,
        table.suggestions,
        table.expectations,
        table.rating_label,
    ]


def inquiry_headers() -> list[str]:
    return [
        _("Subject"),
        _("Month"),
        pgettext("export column", "Asked by"),
        pgettext("export column", "Asked at"),
        _("Question"),
        _("Answer"),
        pgettext("export column", "Answered by"),
        pgettext("export column", "Kind"),
    ]


def inquiry_values(inquiry: Inquiry) -> list[Any]:
    return [
        inquiry.table.subject_name,
        Month(inquiry.table.month),
        inquiry.asked_by.full_name,
        inquiry.asked_at,
        inquiry.question,
        inquiry.answer,
        inquiry.answered_by.full_name if inquiry.answered_by else "",
        str(Inquiry.Kind(inquiry.kind).label),
    ]


def result_headers() -> list[str]:
    return [
        _("Cycle"),
        _("Subject"),
        pgettext("export column", "Kind"),
        _("Department"),
        _("Manager"),
        _("Weighted completion"),
        _("State"),
        _("Proposed rating"),
        _("Final rating"),
        pgettext("export column", "Proposed by"),
        pgettext("export column", "Proposed at"),
        _("Comment"),
        pgettext("export column", "Acknowledged at"),
        pgettext("export column", "Person's comment"),
        _("Published"),
    ]


def result_values(result: CycleResult, *, ratings: bool) -> list[Any]:
    """One *Results* line in words; the rating columns empty unless ``ratings``."""
    calibration = getattr(result.cycle, "calibration", None)
    published = calibration is not None and calibration.published_at is not None
    department = result.home_department or result.department
    if result.acknowledged_at is not None:
        state = _("Acknowledged")
    elif result.proposed_at is not None:
        state = _("Proposed")
    else:
        state = _("Not proposed")
    completion = result.completion
    return [
        result.cycle.name,
        result.employee.full_name if result.employee else str(result.department),
        kind_text(result),
        department.name if department else "",
        result.line_manager.full_name if result.line_manager else "",
        None if completion is None else Percent(round_half_up(completion, 1), places=1),
        state,
        rating_label(result.proposed_rating) if ratings else "",
        rating_label(result.final_rating) if ratings else "",
        result.proposed_by.full_name if result.proposed_by else "",
        result.proposed_at,
        result.proposed_comment if ratings else "",
        result.acknowledged_at,
        result.person_comment,
        _("Yes") if published else pgettext("answer", "No"),
    ]
