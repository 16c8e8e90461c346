"""Reads of review tables; every list of tables starts from ``tables_visible_to``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from celery import current_app
from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.id_arrays import ids_in
from accounts.models import Department, User
from accounts.outbox_status import OutboxStatus, outbox_status
from accounts.selectors import (
    headed_department_ids,
    headed_subtree_ids,
    in_reports,
    reports_of,
    user_roles,
)
from coaching.checkpoint_models import Checkpoint
from coaching.checkpoints import checkpoints_visible_to, readable_plans_set
from plans.cycles import active_cycles_for
from plans.models import AppraisalCycle, Objective
from plans.months import month_start
from reviews.models import (
    OPEN_STATUSES,
    ExportJob,
    Inquiry,
    JobRun,
    ReviewEvent,
    ReviewRow,
    ReviewTable,
    WorkPlanItem,
)
from reviews.permissions import tables_visible_to, top_reviewer_id_for

Status = ReviewTable.Status
# With the assessee, to fill in or revise: a table in one of these past its deadline is late.
WITH_ASSESSEE = (Status.DRAFT, Status.RETURNED)


def in_open_cycles() -> Q:
    """Tables of cycles not closed: a closed cycle's tables are a record (issue 15 §4), even
    one an old close left open; nothing of them is waited for, late or reminded."""
    return ~Q(cycle__state=AppraisalCycle.State.CLOSED)


def late_tables(today: dt.date) -> Q:
    """Late: still with the assessee past its deadline, in a cycle not closed, of somebody
    who has not left (their open tables are withdrawn; one left open is nobody's to do).
    Withdrawn, finalised and closed-unfinished tables are never late. The one rule of the
    dashboards, the home page and the weekly digest."""
    return (
        Q(status__in=WITH_ASSESSEE, deadline__lt=today)
        & in_open_cycles()
        & ~Q(employee__is_active=False)
    )


def with_counts(queryset: QuerySet[ReviewTable]) -> QuerySet[ReviewTable]:
    """Open questions per table: an index lookup per listed table, not a join of all rows."""
    open_inquiries = (
        Inquiry.objects.filter(table=OuterRef("pk"), answered_at__isnull=True)
        .values("table")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(open_inquiries=Coalesce(Subquery(open_inquiries), 0))


def department_then() -> Coalesce:
    """The department a table is reported under, as an expression (issue 15, section 1).

    A department's own table: that department. A person's: the department
    recorded when the table was made (``OrgRecord.home_department``), or, where
    none was recorded, the person's present department.
    """
    return Coalesce("department_id", "home_department_id", "employee__department_id")


def in_departments_then(department_ids: Iterable[int]) -> Q:
    """Tables reported under one of ``department_ids`` (see ``department_then``).

    Spelled as three indexable conditions rather than a filter on the expression.
    """
    ids = list(department_ids)
    return (
        Q(department_id__in=ids)
        | Q(department__isnull=True, home_department_id__in=ids)
        | Q(department__isnull=True, home_department__isnull=True, employee__department_id__in=ids)
    )


def _base() -> QuerySet[ReviewTable]:
    """For lists: the subject's name and department of the time, without the long texts
    only the table page shows."""
    return ReviewTable.objects.select_related(
        "cycle", "employee", "department", "home_department"
    ).defer("summary", "reviewer_summary", "suggestions", "expectations")


# What a list of tables shows for each (``review_tags.table_list_rows``).
LIST_ROW_FIELDS = (
    "pk",
    "month",
    "status",
    "deadline",
    "cycle__state",
    "employee_id",
    "employee__full_name",
    "employee__is_active",
    "employee__department_id",
    "department_id",
    "department__name",
    "home_department_id",
    "home_department__name",
    "open_inquiries",
)


def list_rows(queryset: QuerySet[ReviewTable]) -> QuerySet[ReviewTable, dict[str, Any]]:
    """``queryset`` (from ``with_counts``) as the values a list of tables shows, with
    ``suggestion_count`` where annotated: a dictionary a row rather than a table, its
    cycle, person and two departments as model instances (half the list's time)."""
    fields: tuple[str, ...] = LIST_ROW_FIELDS
    if "suggestion_count" in queryset.query.annotations:
        fields += ("suggestion_count",)
    rows: QuerySet[ReviewTable, dict[str, Any]] = queryset.values(*fields)
    return rows


def tables_of_assessee(user: User) -> QuerySet[ReviewTable]:
    """The person's own tables and those of departments they head.

    Built directly rather than from ``tables_visible_to``: a person may always
    read these, and the narrower query lets PostgreSQL use the indexes.
    """
    headed = list(headed_department_ids(user))
    own = Q(employee_id=user.pk) | Q(department_id__in=headed) if headed else Q(employee_id=user.pk)
    return with_counts(_base().filter(own)).order_by("-month", "department__name")


def tables_to_review(user: User, *, everything: bool = False) -> QuerySet[ReviewTable]:
    """Tables the person reviews: waiting ones (submitted, in review), or ``everything``.

    Waiting: those whose recorded reviewer is the person or one of their reports
    (a skip-level steps in), those of departments below the ones they head and,
    for the top reviewer, those with nobody above their subject. Everything adds
    the tables of their present reports, whatever their status. Never their own.
    """
    queryset = with_counts(_base().filter(to_review_condition(user, everything=everything)))
    if everything:
        # Browsing everything: the newest month first (an index serves it).
        return queryset.order_by(*TEAM_TABLES_ORDER)
    # Waiting: never a table of a closed cycle, which nobody reviews any more.
    waiting = queryset.filter(in_open_cycles(), status__in=[Status.SUBMITTED, Status.IN_REVIEW])
    return waiting.order_by("deadline", "employee__full_name", "department__name", "pk")


# The order of all a person's team's tables (``tables_to_review(everything=True)``).
TEAM_TABLES_ORDER = ("-month", "employee__full_name", "department__name", "pk")


def tables_by_key(ids: Iterable[int]) -> QuerySet[ReviewTable]:
    """The tables ``ids``, as a list shows them (``with_counts``), in ``TEAM_TABLES_ORDER``."""
    return with_counts(_base().filter(ids_in("pk", ids))).order_by(*TEAM_TABLES_ORDER)


def to_review_condition(user: User, *, everything: bool = False) -> Q:
    """The tables of ``tables_to_review`` (before its waiting statuses), as a condition on
    the table alone: reviewer, subject and department ids, no join."""
    headed = headed_department_ids(user)
    below = [pk for pk in headed_subtree_ids(user) if pk not in headed]
    mine = Q(reviewer_id=user.pk) | in_reports(user, "reviewer_id")
    if below:
        mine |= Q(department_id__in=below)
    top = top_reviewer_id_for(user)
    if user.pk == top or (top is None and user_roles(user).is_hr):
        mine |= Q(reviewer__isnull=True)
    if everything:
        mine |= in_reports(user, "employee_id")
    own = Q(employee_id=user.pk) | Q(department_id__in=headed) if headed else Q(employee_id=user.pk)
    return mine & ~own


def department_tables_open_for_questions(user: User) -> QuerySet[ReviewTable]:
    """Department tables in review, with how many suggestions each has had (a subquery)."""
    suggestions = (
        Inquiry.objects.filter(table=OuterRef("pk"), kind=Inquiry.Kind.SUGGESTION)
        .values("table")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        with_counts(
            tables_visible_to(user).filter(department__isnull=False, status=Status.IN_REVIEW)
        )
        .annotate(suggestion_count=Coalesce(Subquery(suggestions), 0))
        .order_by("-month", "department__name")
    )


def cycle_open_tables(cycle: AppraisalCycle) -> QuerySet[ReviewTable]:
    """The cycle's tables still being worked on (draft, submitted, in review, returned),
    by month and subject: what closing the cycle would close (``reviews.cycles``)."""
    return (
        _base()
        .filter(cycle=cycle, status__in=OPEN_STATUSES)
        .order_by("month", "employee__full_name", "department__name", "pk")
    )


def cycle_open_table_counts(cycle: AppraisalCycle) -> dict[str, int]:
    """How many of the cycle's tables are open, per status (one query)."""
    return dict(
        ReviewTable.objects.filter(cycle=cycle, status__in=OPEN_STATUSES)
        .values("status")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )


def tables_creatable_for(user: User) -> tuple[QuerySet[User], QuerySet[Department]]:
    """Whom ``user`` may create tables for: everyone (HR), else their active reports
    (direct and indirect) and the departments they head, with those below them."""
    if user_roles(user).is_hr:
        return User.objects.filter(is_active=True), Department.objects.all()
    people = reports_of(user, indirect=True).filter(is_active=True)
    return people, Department.objects.filter(pk__in=headed_subtree_ids(user))


@dataclass
class TableContents:
    """What a table page and its printable version show besides the table itself."""

    table: ReviewTable
    rows: list[ReviewRow]
    items: list[WorkPlanItem]
    inquiries: list[Inquiry]

    @property
    def next_items(self) -> list[WorkPlanItem]:
        return [i for i in self.items if i.kind == WorkPlanItem.Kind.NEXT]

    @property
    def carried_items(self) -> list[WorkPlanItem]:
        return [i for i in self.items if i.kind == WorkPlanItem.Kind.CARRIED]

    @property
    def suggestions(self) -> list[Inquiry]:
        """The suggestions for improvement put forward on the table, for its summary."""
        return [i for i in self.inquiries if i.kind == Inquiry.Kind.SUGGESTION]

    def context(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "rows": self.rows,
            "next_items": self.next_items,
            "carried_items": self.carried_items,
            "inquiries": self.inquiries,
            "department_suggestions": self.suggestions,
        }


def table_contents(table: ReviewTable) -> TableContents:
    """The table's rows, work plan items and questions, in page order (three queries).

    Ordered without the models' leading ``table``: of one table, that is the same order,
    and ordering by a foreign key orders by the table's own ordering, which joined the
    table, its person and its department to every row.
    """
    return TableContents(
        table=table,
        rows=list(table.rows.order_by("position", "pk")),
        items=list(table.work_items.order_by("kind", "position", "pk")),
        inquiries=list(table.inquiries.select_related("asked_by__department", "answered_by")),
    )


def rows_follow_up(user: User, table: ReviewTable, rows: list[ReviewRow]) -> None:
    """Set ``row.checkpoint`` on each row whose objective missed its phase target at the
    table's month (a time node), when ``user`` may see the checkpoint, with its
    ``readable_plan``. One query when none of the rows has a checkpoint (most tables);
    else three, a fourth when a plan is linked."""
    objective_ids = [row.objective_id for row in rows if row.objective_id is not None]
    if not objective_ids:
        return
    # Whether any row has one at all first: an index lookup, where working out which
    # objectives the reader may see costs a query of its own and a subquery.
    checkpoint_ids = list(
        Checkpoint.objects.filter(objective_id__in=objective_ids, month=table.month).values_list(
            "pk", flat=True
        )
    )
    if not checkpoint_ids:
        return
    found = {
        checkpoint.objective_id: checkpoint
        for checkpoint in checkpoints_visible_to(user)
        .filter(pk__in=checkpoint_ids)
        .select_related("improvement_plan")
    }
    readable_plans_set(user, list(found.values()))
    for row in rows:
        row.checkpoint = found.get(row.objective_id or 0)


def table_history(table: ReviewTable, *, limit: int = 100) -> list[ReviewEvent]:
    """The table's latest changes and steps, newest first."""
    return list(table.events.select_related("actor")[:limit])


def export_jobs_of(user: User, *, limit: int = 10) -> QuerySet[ExportJob]:
    """The person's latest export jobs; only the requester sees a job."""
    return ExportJob.objects.filter(requester=user)[:limit]


def export_job_of(user: User, pk: int, *, done: bool = False) -> ExportJob:
    """The person's export job ``pk`` (finished, if ``done``), else 404."""
    jobs = ExportJob.objects.filter(requester=user)
    if done:
        jobs = jobs.filter(status=ExportJob.Status.DONE)
    return get_object_or_404(jobs, pk=pk)


# --- Background jobs -----------------------------------------------------------

JOB_NAMES = ("month_end_generation", "reminders", "weekly_digest")
# How the jobs page names them, in the reader's language.
JOB_LABELS = {
    "month_end_generation": gettext_lazy("Month-end generation of review tables"),
    "reminders": gettext_lazy("Reminders"),
    "weekly_digest": gettext_lazy("Weekly digest"),
}


@dataclass
class JobStatus:
    name: str
    last: JobRun | None
    last_ok: JobRun | None

    @property
    def label(self) -> str:
        return str(JOB_LABELS.get(self.name, self.name))


@dataclass
class JobsStatus:
    broker: str
    broker_ok: bool
    jobs: list[JobStatus]
    pending: list[tuple[str, int]]
    outbox: OutboxStatus


def broker_answers(timeout: int = 2) -> bool:
    try:
        with current_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=timeout)
    except Exception:  # any failure means: not answering
        return False
    return True


def people_without_table(month: dt.date) -> int:
    """People generation would make a table for in ``month`` who have none yet: active,
    with a live objective in an active cycle covering the month (the rule of
    ``reviews.generation._subjects``; a cycle starting mid-month covers its month)."""
    live = Objective.objects.filter(
        employee_id=OuterRef("pk"), cycle__in=active_cycles_for(month)
    ).exclude(status=Objective.Status.DROPPED)
    table = ReviewTable.objects.filter(employee_id=OuterRef("pk"), month=month_start(month))
    return User.objects.filter(Exists(live), ~Exists(table), is_active=True).count()


def jobs_status() -> JobsStatus:
    jobs = []
    for name in JOB_NAMES:
        runs = JobRun.objects.filter(job=name)
        jobs.append(
            JobStatus(
                name=name,
                last=runs.first(),
                last_ok=runs.filter(outcome=JobRun.Outcome.OK).first(),
            )
        )
    month = timezone.localdate().replace(day=1)
    pending = [
        (str(_("people without this month's review table")), people_without_table(month)),
        (
            str(_("invitations waiting to be sent")),
            User.objects.filter(
                invitation_requested_at__isnull=False, invited_at__isnull=True, is_active=True
            ).count(),
        ),
    ]
    exports = ExportJob.objects.filter(
        status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING]
    ).aggregate(
        waiting=Count("pk", filter=Q(status=ExportJob.Status.PENDING)),
        running=Count("pk", filter=Q(status=ExportJob.Status.RUNNING)),
    )
    pending += [
        (str(_("export files waiting for the worker")), exports["waiting"]),
        (str(_("export files being built")), exports["running"]),
    ]
    scheme = settings.CELERY_BROKER_URL.split("://", 1)[0]
    return JobsStatus(
        broker=scheme,
        broker_ok=broker_answers(),
        jobs=jobs,
        pending=pending,
        outbox=outbox_status(),
    )


def last_status_change(table: ReviewTable) -> ReviewEvent | None:
    """The table's latest workflow step (who, when, to which status), or None."""
    return (
        table.events.filter(kind=ReviewEvent.Kind.TRANSITION)
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
