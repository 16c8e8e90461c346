"""Creating the month's review tables: exactly one per subject and month, ever.

The month-end job, HR's *Create tables* page and the ``generate_reviews`` command all
create tables through ``month_tables_generate``; ``reviews.services`` re-exports these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from accounts.models import Department, User
from plans.cycles import active_cycles_for
from plans.models import AppraisalCycle, CheckIn, Objective, PhaseTarget
from plans.months import first_of_previous_month, month_end
from reviews.models import JobSettings, ReviewRow, ReviewTable, WorkPlanItem
from reviews.reviewers import department_reviewer_ids, employee_reviewer_ids

Status = ReviewTable.Status


def default_deadline(month: dt.date) -> dt.date:
    """Tables are due a few days after the month ends (HR sets how many)."""
    return month_end(month) + dt.timedelta(days=JobSettings.current().deadline_days)


@dataclass
class GenerationResult:
    tables_created: int = 0
    rows_created: int = 0
    items_carried: int = 0


def _subjects(
    cycle: AppraisalCycle,
    month: dt.date,
    employee_ids: Iterable[int] | None,
    department_ids: Iterable[int] | None,
) -> tuple[list[int], list[int]]:
    """The cycle's subjects that a generation of ``month`` still has work for: four
    queries, however large the organisation, so a re-run that creates nothing costs
    next to nothing (issue 21 §5)."""
    # The jobs page counts people missing a table by this rule too (people_without_table).
    objectives = Objective.objects.filter(cycle=cycle).exclude(status=Objective.Status.DROPPED)
    employees = objectives.filter(employee__isnull=False, employee__is_active=True)
    departments = objectives.filter(department__isnull=False)
    if employee_ids is not None:
        employees = employees.filter(employee_id__in=list(employee_ids))
    if department_ids is not None:
        departments = departments.filter(department_id__in=list(department_ids))
    return (
        _subjects_with_work(employees, "employee_id", cycle, month),
        _subjects_with_work(departments, "department_id", cycle, month),
    )


def _subjects_with_work(
    objectives: QuerySet[Objective], subject: str, cycle: AppraisalCycle, month: dt.date
) -> list[int]:
    """The ``subject`` ids (``employee_id`` or ``department_id``) of ``objectives`` whose
    table of ``month`` is missing, or is this cycle's draft and lacks a row for one of
    them or a carried copy of last month's plan: what ``_generate_batch`` would add.

    The month's table is joined (a ``LEFT JOIN`` on subject and month), not looked up
    per objective: right after a generation the planner's statistics know nothing of
    the month's new tables, and a per-row lookup then scans them all for each objective.
    Only which subjects to visit is decided here; the inserts still skip what exists
    (``ignore_conflicts``), so a run at the same time creates nothing twice.
    """
    relation = subject.removesuffix("_id")
    here = FilteredRelation(
        f"{relation}__review_tables", condition=Q(**{f"{relation}__review_tables__month": month})
    )
    row = ReviewRow.objects.filter(table=OuterRef("month_table"), objective=OuterRef("pk"))
    due = set(
        objectives.annotate(month_table=here)
        .filter(
            Q(month_table__isnull=True)
            | Q(~Exists(row), month_table__cycle=cycle, month_table__status=Status.DRAFT)
        )
        .order_by()
        .values_list(subject, flat=True)
        .distinct()
    )
    carried = WorkPlanItem.objects.filter(
        table=OuterRef("month_table"), carried_from=OuterRef("pk")
    )
    due.update(
        WorkPlanItem.objects.filter(
            kind=WorkPlanItem.Kind.NEXT,
            table__month=first_of_previous_month(month),
            **{f"table__{subject}__in": objectives.values(subject)},
        )
        .annotate(
            month_table=FilteredRelation(
                f"table__{relation}__review_tables",
                condition=Q(**{f"table__{relation}__review_tables__month": month}),
            )
        )
        .filter(~Exists(carried), month_table__cycle=cycle, month_table__status=Status.DRAFT)
        .order_by()
        .values_list(f"table__{subject}", flat=True)
        .distinct()
    )
    return sorted(pk for pk in due if pk)


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
    employee_list, department_list = _subjects(cycle, month, employee_ids, department_ids)
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
