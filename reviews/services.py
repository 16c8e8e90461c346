"""Writes to monthly review tables: creation, filling, workflow, inquiries."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Department, User
from accounts.selectors import manager_chain_ids
from accounts.services import notify
from plans.models import AppraisalCycle, CheckIn, Objective, PhaseTarget
from plans.months import first_of_previous_month, month_end
from reviews.models import Inquiry, ReviewEvent, ReviewRow, ReviewTable, WorkPlanItem

Status = ReviewTable.Status


class StaleTableError(Exception):
    """The table was saved by someone else since this form was loaded."""


def default_deadline(month: dt.date) -> dt.date:
    """Tables are due a few days after the month ends (HR sets how many)."""
    from reviews.models import JobSettings

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
            _generate_batch(cycle, month, subjects[start : start + batch_size], result)
    return result


def _generate_batch(
    cycle: AppraisalCycle,
    month: dt.date,
    subjects: list[tuple[str, int]],
    result: GenerationResult,
) -> None:
    deadline = default_deadline(month)
    employee_ids = [pk for kind, pk in subjects if kind == "employee"]
    department_ids = [pk for kind, pk in subjects if kind == "department"]
    new_tables = [
        ReviewTable(cycle=cycle, month=month, deadline=deadline, employee_id=pk)
        for pk in employee_ids
    ] + [
        ReviewTable(cycle=cycle, month=month, deadline=deadline, department_id=pk)
        for pk in department_ids
    ]
    before = ReviewTable.objects.filter(month=month).count()
    ReviewTable.objects.bulk_create(new_tables, ignore_conflicts=True)
    result.tables_created += ReviewTable.objects.filter(month=month).count() - before

    tables = list(
        ReviewTable.objects.filter(month=month, employee_id__in=employee_ids)
        | ReviewTable.objects.filter(month=month, department_id__in=department_ids)
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


def _bump_version(table: ReviewTable, version: int, **fields: Any) -> None:
    """Save ``fields`` only if nobody saved the table since ``version`` was read."""
    updated = ReviewTable.objects.filter(pk=table.pk, version=version).update(
        version=F("version") + 1, **fields
    )
    if updated != 1:
        raise StaleTableError
    table.version = version + 1
    for name, value in fields.items():
        setattr(table, name, value)


def _field_label(model: type[Any], name: str) -> str:
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


@dataclass
class RowInput:
    row: ReviewRow
    actual: Decimal | None
    gap_reason: str


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
    _bump_version(table, version, summary=summary)
    changes: dict[str, list[object]] = {}
    if old_summary != summary:
        changes[str(_("Summary"))] = [old_summary, summary]
    changed_rows = []
    for row_input in rows:
        row = row_input.row
        for field, value in (("actual", row_input.actual), ("gap_reason", row_input.gap_reason)):
            if getattr(row, field) != value:
                label = f"{row.title} · {_field_label(ReviewRow, field)}"
                changes[label] = [_plain(getattr(row, field)), _plain(value)]
                setattr(row, field, value)
                if row not in changed_rows:
                    changed_rows.append(row)
    ReviewRow.objects.bulk_update(changed_rows, ["actual", "gap_reason"])
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
            changes[str(_("Work plan")) + f" · {entry.title}"] = [None, _("added")]
        elif entry.delete or not entry.title:
            planned.pop(item.pk, None)
            if item.form_key:
                by_key.pop(item.form_key, None)
            item.delete()
            changes[str(_("Work plan")) + f" · {item.title}"] = [_("removed"), None]
        else:
            before = (item.title, item.target, item.due_date)
            after = (entry.title, entry.target, entry.due_date)
            if before != after:
                item.title, item.target, item.due_date = after
                item.save(update_fields=["title", "target", "due_date"])
                changes[str(_("Work plan")) + f" · {item.title}"] = [
                    " / ".join(str(_plain(v) or "") for v in before),
                    " / ".join(str(_plain(v) or "") for v in after),
                ]
    for pk, outcome in outcomes.items():
        carried = existing.get(pk)
        if carried and carried.kind == WorkPlanItem.Kind.CARRIED and carried.outcome != outcome:
            changes[f"{carried.title} · {_('outcome')}"] = [carried.outcome, outcome]
            carried.outcome = outcome
            carried.save(update_fields=["outcome"])
    if table.submitted_at and changes:
        ReviewEvent.objects.create(
            table=table, kind=ReviewEvent.Kind.CHANGE, actor=actor, changes=changes
        )
    return table


@transaction.atomic
def review_table_save(
    *, actor: User, table: ReviewTable, submit: bool = False, **fill: Any
) -> ReviewTable:
    """The assessee's *Save* (``submit=False``) or *Save and submit*: all or nothing.

    ``fill`` are ``review_table_fill``'s arguments. A refused submission
    (``SubmissionIncomplete``) saves nothing either, so a refused request never
    leaves half of what it asked for; the caller shows the person's input again.
    """
    review_table_fill(actor=actor, table=table, **fill)
    if submit:
        review_table_transition(actor=actor, table=table, action="submit")
    return table


REVIEWER_FIELDS = ("reviewer_summary", "suggestions", "expectations", "rating")


@transaction.atomic
def review_table_review(
    *, actor: User, table: ReviewTable, version: int, **fields: str
) -> ReviewTable:
    """The reviewer's part; kept in the history like every change after submission."""
    old = ReviewTable.objects.values(*REVIEWER_FIELDS).get(pk=table.pk)
    new = {name: fields[name] for name in REVIEWER_FIELDS if name in fields}
    _bump_version(table, version, **new)
    changes = {
        _field_label(ReviewTable, name): [old[name], value]
        for name, value in new.items()
        if old[name] != value
    }
    if changes:
        ReviewEvent.objects.create(
            table=table, kind=ReviewEvent.Kind.CHANGE, actor=actor, changes=changes
        )
    return table


@transaction.atomic
def review_table_decide(
    *,
    actor: User,
    table: ReviewTable,
    version: int,
    action: str,
    reviewer_summary: str,
    suggestions: str,
    expectations: str,
    rating: str,
    comment: str = "",
    confirm_open_inquiries: bool = False,
) -> ReviewTable:
    """The reviewer's form: save the reviewer's part, then take ``action`` if it is a step.

    ``action`` is ``save``, ``start_review``, ``return`` or ``finalise``. One
    transaction: if the step is refused (``ValidationError``, e.g. no summary
    of completion to finalise), nothing is saved and the caller shows the
    person's text again. Raises ``StaleTableError`` on a stale ``version``.
    """
    review_table_review(
        actor=actor,
        table=table,
        version=version,
        reviewer_summary=reviewer_summary,
        suggestions=suggestions,
        expectations=expectations,
        rating=rating,
    )
    if action == "save":
        return table
    return review_table_transition(
        actor=actor,
        table=table,
        action=action,
        comment=comment,
        confirm_open_inquiries=confirm_open_inquiries,
    )


# --- Workflow ---------------------------------------------------------------


SubmissionField = Literal["actual", "gap_reason", "summary", "work_items"]


@dataclass(frozen=True)
class SubmissionProblem:
    """One thing to fill before a table can be submitted.

    ``row_id`` is the objective row it concerns (its ``actual`` or
    ``gap_reason``), or None for the table's own ``summary`` or ``work_items``
    (next month's plan). ``message`` is translated, to show the person.
    """

    row_id: int | None
    field: SubmissionField
    message: str


class SubmissionIncomplete(ValidationError):
    """A submission refused: ``problems`` says what must be filled, row by row, in page order."""

    def __init__(self, problems: list[SubmissionProblem]) -> None:
        self.problems = problems
        super().__init__([problem.message for problem in problems])


def submission_problems(table: ReviewTable) -> list[SubmissionProblem]:
    """What must be filled before ``table`` can be submitted (empty: nothing)."""
    return submission_problems_of(
        rows=table.rows.all(),
        summary=table.summary,
        planned_items=table.work_items.filter(kind=WorkPlanItem.Kind.NEXT).count(),
    )


def submission_problems_of(
    *, rows: Iterable[ReviewRow], summary: str | None, planned_items: int | None
) -> list[SubmissionProblem]:
    """The submission rules on given values (``None``: not known, not checked).

    Used on the stored table when it is submitted, and on what a page sent when
    the page has other problems too, so that a person hears of all of them at once.
    Rows come first, in the order given, then the summary, then the plan.
    """
    problems: list[SubmissionProblem] = []
    for row in rows:
        if row.actual is None:
            problems.append(SubmissionProblem(row.pk, "actual", _("Enter the actual value.")))
        elif row.has_gap and not row.gap_reason.strip():
            message = _("The actual is below the plan: say why.")
            problems.append(SubmissionProblem(row.pk, "gap_reason", message))
    if summary is not None and not summary.strip():
        message = _("Summarise the month: overall completion and main gaps.")
        problems.append(SubmissionProblem(None, "summary", message))
    if planned_items == 0:
        message = _("Plan at least one piece of work for next month.")
        problems.append(SubmissionProblem(None, "work_items", message))
    return problems


def _assessees(table: ReviewTable) -> list[User]:
    if table.employee is not None:
        return [table.employee]
    head = table.department.head if table.department else None
    return [head] if head else []


def _reviewers(table: ReviewTable) -> list[User]:
    if table.employee is not None:
        chain = manager_chain_ids(table.employee)
        return list(User.objects.filter(pk__in=chain[:1]))
    department = table.department
    parent = department.parent if department else None
    return [parent.head] if parent and parent.head else []


TRANSITIONS: dict[str, tuple[set[str], str]] = {
    "submit": ({Status.DRAFT, Status.RETURNED}, Status.SUBMITTED),
    "start_review": ({Status.SUBMITTED}, Status.IN_REVIEW),
    "return": ({Status.SUBMITTED, Status.IN_REVIEW}, Status.RETURNED),
    "finalise": ({Status.SUBMITTED, Status.IN_REVIEW}, Status.FINALISED),
}
MESSAGES = {
    "submit": gettext_noop("%(actor)s submitted the review table %(table)s."),
    "start_review": gettext_noop("The review of %(table)s has started: questions are open."),
    "return": gettext_noop("%(actor)s returned %(table)s for revision: %(comment)s"),
    "finalise": gettext_noop("%(actor)s finalised the review table %(table)s."),
}


@transaction.atomic
def review_table_transition(
    *,
    actor: User,
    table: ReviewTable,
    action: str,
    comment: str = "",
    confirm_open_inquiries: bool = False,
) -> ReviewTable:
    locked = (
        ReviewTable.objects.select_for_update(of=("self",))
        .select_related("employee", "department__head", "department__parent__head")
        .get(pk=table.pk)
    )
    sources, target = TRANSITIONS[action]
    if locked.status not in sources:
        raise ValidationError(
            _("This table is %(status)s: this step is not possible now.")
            % {"status": locked.get_status_display()}
        )
    if action == "submit":
        problems = submission_problems(locked)
        if problems:
            raise SubmissionIncomplete(problems)
    if action == "return" and not comment.strip():
        raise ValidationError({"comment": [_("Say what needs revising.")]})
    if action == "finalise":
        if not locked.reviewer_summary.strip():
            raise ValidationError(
                {"reviewer_summary": [_("Write the summary of completion before finalising.")]}
            )
        if (
            locked.inquiries.filter(answered_at__isnull=True).exists()
            and not confirm_open_inquiries
        ):
            raise ValidationError(
                {"confirm": [_("Some questions are still unanswered. Finalise anyway?")]}
            )
    old_status = locked.status
    now = timezone.now()
    fields: dict[str, Any] = {"status": target}
    if action == "submit":
        fields["submitted_at"] = now
    if action == "finalise":
        fields["finalised_at"] = now
    _bump_version(locked, locked.version, **fields)
    ReviewEvent.objects.create(
        table=locked,
        kind=ReviewEvent.Kind.TRANSITION,
        actor=actor,
        from_status=old_status,
        to_status=target,
        comment=comment,
    )
    recipients = _reviewers(locked) if action == "submit" else _assessees(locked)
    transaction.on_commit(
        lambda: notify(
            recipients=recipients,
            message=MESSAGES[action],
            url=locked.get_absolute_url(),
            actor=actor.full_name,
            table=str(locked),
            comment=comment,
        )
    )
    table.status, table.version = locked.status, locked.version
    return locked


# --- Inquiries --------------------------------------------------------------


@transaction.atomic
def inquiry_ask(*, actor: User, table: ReviewTable, question: str) -> Inquiry:
    inquiry = Inquiry.objects.create(table=table, asked_by=actor, question=question)
    assessees = _assessees(table)
    transaction.on_commit(
        lambda: notify(
            recipients=assessees,
            message=gettext_noop("%(actor)s asked a question on %(table)s."),
            url=table.get_absolute_url(),
            actor=actor.full_name,
            table=str(table),
        )
    )
    return inquiry


class InquiryAnsweredError(Exception):
    """The question was answered meanwhile; ``inquiry`` holds who answered and when."""

    def __init__(self, inquiry: Inquiry) -> None:
        super().__init__(inquiry.pk)
        self.inquiry = inquiry


@transaction.atomic
def inquiry_answer(*, actor: User, inquiry: Inquiry, answer: str) -> Inquiry:
    locked = (
        Inquiry.objects.select_for_update(of=("self",))
        .select_related("table", "asked_by", "answered_by")
        .get(pk=inquiry.pk)
    )
    if not locked.is_open:
        # Two tabs, or two heads of one department: the first answer stands.
        raise InquiryAnsweredError(locked)
    locked.answer = answer
    locked.answered_by = actor
    locked.answered_at = timezone.now()
    locked.save(update_fields=["answer", "answered_by", "answered_at"])
    asker, table = locked.asked_by, locked.table
    transaction.on_commit(
        lambda: notify(
            recipients=[asker],
            message=gettext_noop("%(actor)s answered your question on %(table)s."),
            url=table.get_absolute_url(),
            actor=actor.full_name,
            table=str(table),
        )
    )
    return locked


# --- Exports -------------------------------------------------------------------

EXPORT_DAYS = 2


def export_job_request(*, actor: User, params: dict[str, Any], total: int) -> Any:
    """Record a large export and hand it to the worker once the transaction commits."""
    from accounts.services import enqueue_on_commit
    from reviews.models import ExportJob

    job = ExportJob.objects.create(requester=actor, params=params, total=total)
    enqueue_on_commit("reviews.tasks.export_build", job.pk)
    return job


def export_job_build(*, job_id: int) -> None:
    """Build the XLSX of an export job; safe to run twice (a finished job is left alone)."""
    from pathlib import Path

    from django.conf import settings as django_settings

    from reviews.exports import ExportFilter, export_tables, write_xlsx
    from reviews.models import ExportJob

    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job_id)
        if job.status in (ExportJob.Status.DONE, ExportJob.Status.RUNNING):
            return
        job.status = ExportJob.Status.RUNNING
        job.save(update_fields=["status"])
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
        ExportJob.objects.filter(pk=job.pk).update(progress=rows)

    try:
        rows = write_xlsx(tables, str(folder / name), on_progress=progress)
    except Exception as error:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE,
        progress=rows,
        total=max(rows, 1),
        file_name=name,
        finished_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(days=EXPORT_DAYS),
    )


def export_jobs_purge() -> int:
    """Delete expired export files and their jobs."""
    from pathlib import Path

    from django.conf import settings as django_settings

    from reviews.models import ExportJob

    expired = ExportJob.objects.filter(expires_at__lt=timezone.now())
    count = 0
    for job in expired:
        if job.file_name:
            (Path(django_settings.MEDIA_ROOT) / "exports" / job.file_name).unlink(missing_ok=True)
        count += 1
    expired.delete()
    return count
