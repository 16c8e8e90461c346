"""Writes to monthly review tables: creation, and the assessee's and reviewer's parts.

The workflow steps and the questions are in ``reviews.workflow``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils.translation import gettext as _

from accounts.models import Department, User
from plans.cycles import active_cycles_for
from plans.models import AppraisalCycle, CheckIn, Objective, PhaseTarget
from plans.months import first_of_previous_month, month_end
from reviews.change_labels import ADDED, OUTCOME, REMOVED, WORK_PLAN, change_key
from reviews.models import JobSettings, ReviewEvent, ReviewRow, ReviewTable, WorkPlanItem
from reviews.reviewers import department_reviewer_ids, employee_reviewer_ids

Status = ReviewTable.Status


class StaleTableError(Exception):
    """The table was saved by someone else since this form was loaded."""


def default_deadline(month: dt.date) -> dt.date:
    """Tables are due a few days after the month ends (HR sets how many)."""
    return month_end(month) + dt.timedelta(days=JobSettings.current().deadline_days)


# --- Creation ---------------------------------------------------------------


@dataclass
class GenerationResult:
    tables_created: int = 0
    rows_created: int = 0
    items_carried: int = 0


def _subjects(
    cycle: AppraisalCycle,
    employee_ids: Iterable[int] | None,
    department_ids: Iterable[int] | None,
) -> tuple[list[int], list[int]]:
    # The jobs page counts people missing a table by this rule too (people_without_table).
    objectives = Objective.objects.filter(cycle=cycle).exclude(status=Objective.Status.DROPPED)
    employees = objectives.filter(employee__isnull=False, employee__is_active=True)
    departments = objectives.filter(department__isnull=False)
    if employee_ids is not None:
        employees = employees.filter(employee_id__in=list(employee_ids))
    if department_ids is not None:
        departments = departments.filter(department_id__in=list(department_ids))
    return (
        sorted({pk for pk in employees.values_list("employee_id", flat=True) if pk}),
        sorted({pk for pk in departments.values_list("department_id", flat=True) if pk}),
    )


def review_tables_generate(
    *,
    cycle: AppraisalCycle,
    month: dt.date,
    employee_ids: Iterable[int] | None = None,
    department_ids: Iterable[int] | None = None,
    batch_size: int = 500,
) -> GenerationResult:
    """Create the month's tables, with their rows and last month's carried plan.

    Safe to run twice or concurrently: the database allows one table per subject
    and month, one row per objective and one carried copy per item, and every
    insert skips what exists. Each batch is its own transaction.
    """
    month = month.replace(day=1)
    if not (cycle.start_date.replace(day=1) <= month <= cycle.end_date):
        raise ValidationError(_("The month is outside the cycle."))
    employee_list, department_list = _subjects(cycle, employee_ids, department_ids)
    subjects = [("employee", pk) for pk in employee_list] + [
        ("department", pk) for pk in department_list
    ]
    result = GenerationResult()
    for start in range(0, len(subjects), batch_size):
        with transaction.atomic():
            if not _cycle_still_open(cycle):
                break
            _generate_batch(cycle, month, subjects[start : start + batch_size], result)
    return result


def _new_tables(
    cycle: AppraisalCycle,
    month: dt.date,
    deadline: dt.date,
    employee_ids: list[int],
    department_ids: list[int],
) -> list[ReviewTable]:
    """Unsaved tables for these subjects, each with its place in the organisation and
    its reviewer as they are now (issue 15, sections 1 and 5)."""
    places = {
        pk: (department_id, manager_id)
        for pk, department_id, manager_id in User.objects.filter(pk__in=employee_ids).values_list(
            "pk", "department_id", "manager_id"
        )
    }
    heads = dict(Department.objects.filter(pk__in=department_ids).values_list("pk", "head_id"))
    employee_reviewers = employee_reviewer_ids(employee_ids)
    department_reviewers = department_reviewer_ids(department_ids) if department_ids else {}
    return [
        ReviewTable(
            cycle=cycle,
            month=month,
            deadline=deadline,
            employee_id=pk,
            home_department_id=places.get(pk, (None, None))[0],
            line_manager_id=places.get(pk, (None, None))[1],
            reviewer_id=employee_reviewers.get(pk),
        )
        for pk in employee_ids
    ] + [
        ReviewTable(
            cycle=cycle,
            month=month,
            deadline=deadline,
            department_id=pk,
            home_department_id=pk,
            line_manager_id=heads.get(pk),
            reviewer_id=department_reviewers.get(pk),
        )
        for pk in department_ids
    ]


def _cycle_still_open(cycle: AppraisalCycle) -> bool:
    """Hold the cycle for this batch, and say whether it is still open: a close
    (``reviews.cycles.cycle_close``, which locks the cycle) waits for the batch, and a
    batch after a close adds nothing to the closed cycle (issue 15 §4)."""
    states = (
        AppraisalCycle.objects.select_for_update(no_key=True)
        .filter(pk=cycle.pk)
        .values_list("state", flat=True)
    )
    return any(state != AppraisalCycle.State.CLOSED for state in states)


def month_tables_generate(
    *,
    month: dt.date,
    cycles: Iterable[AppraisalCycle] | None = None,
    employee_ids: Iterable[int] | None = None,
    department_ids: Iterable[int] | None = None,
) -> list[tuple[AppraisalCycle, GenerationResult]]:
    """The month's tables for every active cycle covering it (``active_cycles_for``), or for
    those of ``cycles`` among them: the one way HR's *Create tables* page, the
    ``generate_reviews`` command and the month-end job make tables (issue 15 §4), so a
    cycle starting mid-month gets its first month's tables from each alike.

    ``employee_ids``/``department_ids`` narrow the subjects as in
    ``review_tables_generate``. Returns each cycle with what was created; empty when
    no active cycle covers the month.
    """
    active = active_cycles_for(month)
    if cycles is not None:
        active = active.filter(pk__in=[cycle.pk for cycle in cycles])
    employee_list = None if employee_ids is None else list(employee_ids)
    department_list = None if department_ids is None else list(department_ids)
    return [
        (
            cycle,
            review_tables_generate(
                cycle=cycle,
                month=month,
                employee_ids=employee_list,
                department_ids=department_list,
            ),
        )
        for cycle in active
    ]


def _generate_batch(
    cycle: AppraisalCycle,
    month: dt.date,
    subjects: list[tuple[str, int]],
    result: GenerationResult,
) -> None:
    deadline = default_deadline(month)
    employee_ids = [pk for kind, pk in subjects if kind == "employee"]
    department_ids = [pk for kind, pk in subjects if kind == "department"]
    new_tables = _new_tables(cycle, month, deadline, employee_ids, department_ids)
    before = ReviewTable.objects.filter(month=month).count()
    ReviewTable.objects.bulk_create(new_tables, ignore_conflicts=True)
    result.tables_created += ReviewTable.objects.filter(month=month).count() - before

    # Only this cycle's tables: a subject whose table of the month belongs to another
    # cycle gets none of this cycle's rows (two cycles' objectives never share a table).
    tables = list(
        ReviewTable.objects.filter(cycle=cycle, month=month, employee_id__in=employee_ids)
        | ReviewTable.objects.filter(cycle=cycle, month=month, department_id__in=department_ids)
    )
    # Rows only for tables still being filled: a submitted table is not rewritten.
    open_tables = [t for t in tables if t.status == Status.DRAFT]
    by_employee: dict[int, ReviewTable] = {t.employee_id: t for t in open_tables if t.employee_id}
    by_department: dict[int, ReviewTable] = {
        t.department_id: t for t in open_tables if t.department_id
    }
    objectives = (
        (
            Objective.objects.filter(cycle=cycle)
            .exclude(status=Objective.Status.DROPPED)
            .filter(employee_id__in=list(by_employee))
            | Objective.objects.filter(cycle=cycle)
            .exclude(status=Objective.Status.DROPPED)
            .filter(department_id__in=list(by_department))
        )
        .annotate(
            month_planned=Subquery(
                PhaseTarget.objects.filter(objective=OuterRef("pk"), month__lte=month)
                .order_by("-month")
                .values("planned")[:1]
            ),
            month_actual=Subquery(
                CheckIn.objects.filter(objective=OuterRef("pk"), recorded_on__lte=month_end(month))
                .order_by("-recorded_on", "-created_at")
                .values("value")[:1]
            ),
        )
        .order_by("-weight", "title")
    )
    rows = []
    for position, objective in enumerate(objectives):
        table = (
            by_employee.get(objective.employee_id)
            if objective.employee_id
            else by_department.get(objective.department_id or 0)
        )
        if table is None:
            continue
        rows.append(
            ReviewRow(
                table=table,
                objective=objective,
                title=objective.title,
                weight=objective.weight,
                measure=objective.measure,
                unit=objective.unit,
                planned=objective.month_planned,
                actual=objective.month_actual,
                position=position,
            )
        )
    table_ids = [t.pk for t in open_tables]
    rows_before = ReviewRow.objects.filter(table_id__in=table_ids).count()
    ReviewRow.objects.bulk_create(rows, ignore_conflicts=True)
    result.rows_created += ReviewRow.objects.filter(table_id__in=table_ids).count() - rows_before

    # Last month's plan for this month starts this month's table.
    previous = WorkPlanItem.objects.filter(
        kind=WorkPlanItem.Kind.NEXT, table__month=first_of_previous_month(month)
    ).filter(table__employee_id__in=list(by_employee)) | WorkPlanItem.objects.filter(
        kind=WorkPlanItem.Kind.NEXT, table__month=first_of_previous_month(month)
    ).filter(table__department_id__in=list(by_department))
    carried = []
    for item in previous.select_related("table"):
        table = (
            by_employee.get(item.table.employee_id)
            if item.table.employee_id
            else by_department.get(item.table.department_id or 0)
        )
        if table is not None:
            carried.append(
                WorkPlanItem(
                    table=table,
                    kind=WorkPlanItem.Kind.CARRIED,
                    title=item.title,
                    target=item.target,
                    due_date=item.due_date,
                    carried_from=item,
                    position=item.position,
                )
            )
    carried_before = WorkPlanItem.objects.filter(
        table_id__in=table_ids, kind=WorkPlanItem.Kind.CARRIED
    ).count()
    WorkPlanItem.objects.bulk_create(carried, ignore_conflicts=True)
    result.items_carried += (
        WorkPlanItem.objects.filter(table_id__in=table_ids, kind=WorkPlanItem.Kind.CARRIED).count()
        - carried_before
    )


def review_table_for(
    *,
    cycle: AppraisalCycle,
    month: dt.date,
    employee: User | None = None,
    department: Department | None = None,
) -> ReviewTable:
    """The subject's table for the month, created (with rows) if missing."""
    review_tables_generate(
        cycle=cycle,
        month=month,
        employee_ids=[employee.pk] if employee else [],
        department_ids=[department.pk] if department else [],
    )
    if employee is not None:
        return ReviewTable.objects.get(employee=employee, month=month.replace(day=1))
    return ReviewTable.objects.get(department=department, month=month.replace(day=1))


# --- Filling ----------------------------------------------------------------


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def table_version_bump(table: ReviewTable, version: int, **fields: Any) -> None:
    """Save ``fields`` only if nobody saved the table since ``version`` was read.

    Raises ``StaleTableError`` otherwise; on success ``table`` holds the new
    version and values.
    """
    updated = ReviewTable.objects.filter(pk=table.pk, version=version).update(
        version=F("version") + 1, **fields
    )
    if updated != 1:
        raise StaleTableError
    table.version = version + 1
    for name, value in fields.items():
        setattr(table, name, value)


@dataclass
class RowInput:
    row: ReviewRow
    actual: Decimal | None
    gap_reason: str
    gap_reason_outside: str = ""


@dataclass
class WorkItemInput:
    """One line of next month's plan as the page sent it.

    ``item_id`` names an item the page showed; ``form_key`` is the key of a new
    line, so that the same line sent twice updates what it created the first
    time. Neither may point outside the table: such a line is a new item.
    """

    item_id: int | None
    form_key: uuid.UUID | None
    title: str
    target: str
    due_date: dt.date | None
    delete: bool = False


@transaction.atomic
def review_table_fill(
    *,
    actor: User,
    table: ReviewTable,
    version: int,
    summary: str,
    rows: list[RowInput],
    work_items: list[WorkItemInput],
    outcomes: dict[int, str],
) -> ReviewTable:
    """The assessee's part, saved whole or not at all.

    Raises ``StaleTableError`` if the table was saved since ``version`` was
    read. Saving the same screen twice changes nothing the second time: new
    plan lines are matched by their form key.
    """
    old_summary = ReviewTable.objects.values_list("summary", flat=True).get(pk=table.pk)
    table_version_bump(table, version, summary=summary)
    changes: dict[str, list[object]] = {}
    if old_summary != summary:
        changes[change_key("summary")] = [old_summary, summary]
    changed_rows = []
    for row_input in rows:
        row = row_input.row
        for field, value in (
            ("actual", row_input.actual),
            ("gap_reason", row_input.gap_reason),
            ("gap_reason_outside", row_input.gap_reason_outside),
        ):
            if getattr(row, field) != value:
                changes[change_key(field, row.title)] = [_plain(getattr(row, field)), _plain(value)]
                setattr(row, field, value)
                if field != "actual":
                    row.gap_reason_unsplit = False  # its reasons given in the split form
                if row not in changed_rows:
                    changed_rows.append(row)
    ReviewRow.objects.bulk_update(
        changed_rows, ["actual", "gap_reason", "gap_reason_outside", "gap_reason_unsplit"]
    )
    existing = {item.pk: item for item in table.work_items.all()}
    planned = {pk: item for pk, item in existing.items() if item.kind == WorkPlanItem.Kind.NEXT}
    by_key = {item.form_key: item for item in planned.values() if item.form_key}
    for entry in work_items:
        item = planned.get(entry.item_id or 0) or (
            by_key.get(entry.form_key) if entry.form_key else None
        )
        if item is None:
            if entry.delete or not entry.title:
                continue
            item = WorkPlanItem.objects.create(
                table=table,
                kind=WorkPlanItem.Kind.NEXT,
                title=entry.title,
                target=entry.target,
                due_date=entry.due_date,
                position=len(existing) + 1,
                form_key=entry.form_key,
            )
            existing[item.pk] = planned[item.pk] = item
            if entry.form_key:
                by_key[entry.form_key] = item
            changes[change_key(WORK_PLAN, entry.title)] = [None, ADDED]
        elif entry.delete or not entry.title:
            planned.pop(item.pk, None)
            if item.form_key:
                by_key.pop(item.form_key, None)
            item.delete()
            changes[change_key(WORK_PLAN, item.title)] = [REMOVED, None]
        else:
            before = (item.title, item.target, item.due_date)
            after = (entry.title, entry.target, entry.due_date)
            if before != after:
                item.title, item.target, item.due_date = after
                item.save(update_fields=["title", "target", "due_date"])
                changes[change_key(WORK_PLAN, item.title)] = [
                    " / ".join(str(_plain(v) or "") for v in before),
                    " / ".join(str(_plain(v) or "") for v in after),
                ]
    for pk, outcome in outcomes.items():
        carried = existing.get(pk)
        if carried and carried.kind == WorkPlanItem.Kind.CARRIED and carried.outcome != outcome:
            changes[change_key(OUTCOME, carried.title)] = [carried.outcome, outcome]
            carried.outcome = outcome
            carried.save(update_fields=["outcome"])
    if table.submitted_at and changes:
        ReviewEvent.objects.create(
            table=table, kind=ReviewEvent.Kind.CHANGE, actor=actor, changes=changes
        )
    return table


REVIEWER_FIELDS = ("reviewer_summary", "suggestions", "expectations", "rating")


@transaction.atomic
def review_table_review(
    *, actor: User, table: ReviewTable, version: int, **fields: str
) -> ReviewTable:
    """The reviewer's part; kept in the history like every change after submission."""
    old = ReviewTable.objects.values(*REVIEWER_FIELDS).get(pk=table.pk)
    new = {name: fields[name] for name in REVIEWER_FIELDS if name in fields}
    table_version_bump(table, version, **new)
    changes = {
        change_key(name): [old[name], value] for name, value in new.items() if old[name] != value
    }
    if changes:
        ReviewEvent.objects.create(
            table=table, kind=ReviewEvent.Kind.CHANGE, actor=actor, changes=changes
        )
    return table
