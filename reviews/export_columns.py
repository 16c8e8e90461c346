"""The columns of the review-table exports, as a person reads them (issue 20 §3).

Headers, states and kinds are words in the requester's language (the active one:
the request's, or the one an export job recorded); a milestone reads *done* or
*not done*; completion is a percentage (a real percentage cell in XLSX); every
moment is in the organisation's time zone (``settings.TIME_ZONE``), as on the
pages; every rounded figure goes through ``accounts.rounding``.

A cell's value is a plain ``str``/``int``/``Decimal``, a ``dt.date`` (a day), a
``dt.datetime`` (a moment), or one of the two markers below; ``csv_cell`` and
the XLSX writer (``reviews.exports``) each write the kinds their own way.

The review sheets are made from ``values_list`` tuples (``ROW_FIELDS``,
``TABLE_FIELDS``, ``INQUIRY_FIELDS``), not model instances: a 10,000-person
month has ~50,000 rows, and loading each with its table, person, departments
and manager cost a quarter of the export's time (issue 21 §5). Their words are
translated once per export (``ExportWords``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.rounding import percent_of, round_half_up
from plans.models import Measure
from reviews.models import DEFAULT_RATING_SCALE, CycleResult, Inquiry, ReviewTable, rating_label


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


@dataclass(frozen=True)
class ExportWords:
    """The words an export repeats on every line, translated once in the active language."""

    statuses: dict[str, str]
    employee: str
    department: str
    done: str
    not_done: str
    inquiry_kinds: dict[str, str]
    ratings: dict[str, str]

    @classmethod
    def active(cls) -> ExportWords:
        return cls(
            statuses={status.value: str(status.label) for status in ReviewTable.Status},
            employee=pgettext("subject kind", "Employee"),
            department=pgettext("subject kind", "Department"),
            done=_("done"),
            not_done=_("not done"),
            inquiry_kinds={kind.value: str(kind.label) for kind in Inquiry.Kind},
            ratings={key: rating_label(key) for key in DEFAULT_RATING_SCALE},
        )

    def milestone(self, value: Decimal | None) -> str | None:
        """A milestone's planned or actual value: *done* from 1 up, else *not done*."""
        if value is None:
            return None
        return self.done if value >= 1 else self.not_done

    def rating(self, value: str) -> str:
        """As ``models.rating_label``: a default-scale key translated, a cycle's own label as is."""
        return self.ratings.get(value, value)


# A table's place and state, read with ``values_list`` (``table__``-prefixed from a row):
# the subject's names, the departments the department of the time is chosen from
# (``head_values``), the manager of the time, the month and the state.
HEAD_FIELDS = (
    "employee__full_name",
    "department__name",
    "home_department__name",
    "employee__department__name",
    "line_manager__full_name",
    "month",
    "status",
)


def head_values(words: ExportWords, values: Sequence[Any]) -> list[Any]:
    """The six cells every sheet of tables starts with (subject, kind, department, manager,
    month, state) from ``HEAD_FIELDS`` values.

    The subject is the person (a person's table) or the department (a department's); the
    department is the one of the time: a department's table, itself; a person's, the one
    recorded on the table, else the person's present one; the manager, the line manager
    recorded on the table (issue 15, section 1).
    """
    employee, department, home_department, present_department, manager, month, status = values
    if department is not None:
        subject, kind, place = department, words.department, department
    else:
        subject, kind = employee, words.employee
        place = home_department if home_department is not None else present_department or ""
    return [
        subject,
        kind,
        place,
        manager if manager is not None else "",
        Month(month),
        words.statuses[status],
    ]


def row_completion(planned: Decimal | None, actual: Decimal | None) -> Percent | None:
    """``ReviewRow.completion`` as a cell: actual as a share of the plan, in whole percent
    (rounded half up, then cut to an integer as the row does)."""
    if actual is None or not planned:
        return None
    share = percent_of(actual, planned)
    return None if share is None else Percent(Decimal(int(share)))


_PERCENT = str(Measure.PERCENT.value)
_MILESTONE = str(Measure.MILESTONE.value)


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


ROW_FIELDS = (
    "table_id",
    *(f"table__{field}" for field in HEAD_FIELDS),
    "title",
    "weight",
    "measure",
    "unit",
    "planned",
    "actual",
    "gap_reason",
    "gap_reason_outside",
    "table__submitted_at",
    "table__finalised_at",
)


class RowValues:
    """Objective rows' cells, in ``row_headers`` order, from ``ROW_FIELDS`` values.

    A table's leading cells (``head_values``) are made once for its rows, which an
    export reads one after another.
    """

    def __init__(self, words: ExportWords) -> None:
        self.words = words
        self.table_id: int | None = None
        self.head: list[Any] = []

    def __call__(self, values: Sequence[Any]) -> list[Any]:
        table_id = values[0]
        if table_id != self.table_id:
            self.table_id = table_id
            self.head = head_values(self.words, values[1:8])
        row = values[8:]
        title, weight, measure, unit, planned, actual, own, outside, submitted, finalised = row
        planned_cell: str | Decimal | None
        actual_cell: str | Decimal | None
        if measure == _MILESTONE:
            unit = ""
            planned_cell = self.words.milestone(planned)
            actual_cell = self.words.milestone(actual)
        else:
            if measure == _PERCENT:
                unit = "%"
            planned_cell = None if planned is None else round_half_up(planned, 2)
            actual_cell = None if actual is None else round_half_up(actual, 2)
        return [
            *self.head,
            title,
            weight,
            unit,
            planned_cell,
            actual_cell,
            row_completion(planned, actual),
            own,
            outside,
            submitted,
            finalised,
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


TABLE_FIELDS = (
    *HEAD_FIELDS,
    "deadline",
    "submitted_at",
    "finalised_at",
    "summary",
    "reviewer_summary",
    "suggestions",
    "expectations",
    "rating",
)


def table_values(words: ExportWords, values: Sequence[Any]) -> list[Any]:
    """One table's cells, in ``table_headers`` order, from ``TABLE_FIELDS`` values."""
    *cells, rating = values[7:]
    return [*head_values(words, values[:7]), *cells, words.rating(rating)]


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


INQUIRY_FIELDS = (
    "table__employee__full_name",
    "table__department__name",
    "table__month",
    "asked_by__full_name",
    "asked_at",
    "question",
    "answer",
    "answered_by__full_name",
    "kind",
)


def inquiry_values(words: ExportWords, values: Sequence[Any]) -> list[Any]:
    """One question's cells, in ``inquiry_headers`` order, from ``INQUIRY_FIELDS`` values."""
    employee, department, month, asked_by, asked_at, question, answer, answered_by, kind = values
    return [
        employee if employee is not None else department,
        Month(month),
        asked_by,
        asked_at,
        question,
        answer,
        answered_by if answered_by is not None else "",
        words.inquiry_kinds[kind],
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
