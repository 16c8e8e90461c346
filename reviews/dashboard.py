"""Numbers for the HR and manager dashboards: a fixed number of queries each."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from accounts.selectors import all_reports_sql, user_roles
from coaching.models import CoachingSession, CoachingType, Objective
from coaching.selectors import ProgressState, current_cycle
from reviews.models import ReviewTable
from reviews.permissions import tables_visible_to

OPEN = (ReviewTable.Status.DRAFT, ReviewTable.Status.RETURNED)
IN_REVIEW = (ReviewTable.Status.SUBMITTED, ReviewTable.Status.IN_REVIEW)


@dataclass
class Dashboard:
    month: dt.date
    completion: list[dict[str, Any]]
    late: list[ReviewTable]
    late_count: int
    coverage: list[dict[str, Any]]
    lagging: list[dict[str, Any]]
    is_hr: bool

    def charts(self) -> dict[str, Any]:
        """Chart data with translated series names (the tables show the same numbers)."""
        completion_series = {
            "draft": ReviewTable.Status.DRAFT.label,
            "in_review": ReviewTable.Status.IN_REVIEW.label,
            "returned": ReviewTable.Status.RETURNED.label,
            "finalised": ReviewTable.Status.FINALISED.label,
            "late": _("Late"),
        }
        return {
            "completion": {
                "labels": [row["department"] for row in self.completion],
                "series": {
                    str(label): [row[key] for row in self.completion]
                    for key, label in completion_series.items()
                },
            },
            "coverage": {
                "labels": [row["manager"].full_name for row in self.coverage],
                "series": {
                    str(label): [row["types"].get(key, 0) for row in self.coverage]
                    for key, label in CoachingType.choices
                },
            },
            "lagging": {
                "labels": [row["department"] for row in self.lagging],
                "series": {
                    str(_("Lagging")): [row["lagging"] for row in self.lagging],
                    str(_("Objectives")): [row["total"] for row in self.lagging],
                },
            },
        }


def _scoped_tables(user: User) -> QuerySet[ReviewTable]:
    tables = tables_visible_to(user)
    if user_roles(user).is_hr:
        return tables
    return tables.exclude(employee_id=user.pk)


def _scoped_people(user: User) -> QuerySet[User]:
    people = User.objects.filter(is_active=True)
    if user_roles(user).is_hr:
        return people
    return people.filter(pk__in=RawSQL(all_reports_sql(), [user.pk]))  # noqa: S611


def dashboard_build(*, user: User, month: dt.date, since_days: int = 30) -> Dashboard:
    today = timezone.localdate()
    tables = _scoped_tables(user).filter(month=month)
    rows = (
        tables.annotate(dept=Coalesce("department_id", "employee__department_id"))
        .values("dept")
        .annotate(
            total=Count("pk"),
            draft=Count("pk", filter=Q(status=ReviewTable.Status.DRAFT)),
            in_review=Count("pk", filter=Q(status__in=IN_REVIEW)),
            returned=Count("pk", filter=Q(status=ReviewTable.Status.RETURNED)),
            finalised=Count("pk", filter=Q(status=ReviewTable.Status.FINALISED)),
            late=Count("pk", filter=Q(status__in=OPEN, deadline__lt=today)),
        )
        .order_by("dept")
    )
    names = dict(Department.objects.values_list("pk", "name"))
    completion = sorted(
        ({**row, "department": names.get(row["dept"], "—")} for row in rows),
        key=lambda row: row["department"],
    )
    late_tables = _scoped_tables(user).filter(status__in=OPEN, deadline__lt=today)
    late = list(
        late_tables.select_related("employee__manager", "department__head").order_by("deadline")[
            :50
        ]
    )

    people = _scoped_people(user)
    managers = list(
        User.objects.filter(
            Q(pk=user.pk) | Q(pk__in=people.values("pk")), direct_reports__is_active=True
        )
        .annotate(reports=Count("direct_reports", filter=Q(direct_reports__is_active=True)))
        .order_by("full_name")
    )
    if user_roles(user).is_hr:
        managers = list(
            User.objects.filter(is_active=True, direct_reports__is_active=True)
            .annotate(reports=Count("direct_reports", filter=Q(direct_reports__is_active=True)))
            .order_by("full_name")
        )
    since = today - dt.timedelta(days=since_days)
    manager_ids = [m.pk for m in managers]
    type_counts: dict[int, Counter[str]] = defaultdict(Counter)
    for row in (
        CoachingSession.objects.filter(coach_id__in=manager_ids, held_on__gte=since)
        .values("coach_id", "type")
        .annotate(n=Count("pk"))
    ):
        type_counts[row["coach_id"]][row["type"]] = row["n"]
    last = dict(
        CoachingSession.objects.filter(coach_id__in=manager_ids)
        .values("coach_id")
        .annotate(last=Max("held_on"))
        .values_list("coach_id", "last")
    )
    coverage = []
    for manager in managers:
        types = type_counts.get(manager.pk, Counter())
        total = sum(types.values())
        reports = manager.reports
        coverage.append(
            {
                "manager": manager,
                "reports": reports,
                "sessions": total,
                "per_report": round(total / reports * 30 / since_days, 1) if reports else 0,
                "days_since": (today - last[manager.pk]).days if manager.pk in last else None,
                "types": dict(types),
            }
        )

    cycle = current_cycle()
    lagging: list[dict[str, Any]] = []
    if cycle is not None:
        # States are stored on each change and restated daily: one aggregate query.
        objective_rows = (
            Objective.objects.filter(cycle=cycle, employee__in=people)
            .exclude(status=Objective.Status.DROPPED)
            .values("employee__department_id")
            .annotate(
                total=Count("pk"),
                lagging=Count("pk", filter=Q(progress_state=ProgressState.LAGGING)),
            )
        )
        lagging = sorted(
            (
                {
                    "department": names.get(row["employee__department_id"], "—"),
                    "total": row["total"],
                    "lagging": row["lagging"],
                    "share": round(row["lagging"] * 100 / row["total"]),
                }
                for row in objective_rows
            ),
            key=lambda row: (-row["share"], row["department"]),
        )
    return Dashboard(
        month=month,
        completion=completion,
        late=late,
        late_count=late_tables.count(),
        coverage=coverage,
        lagging=lagging,
        is_hr=user_roles(user).is_hr,
    )
