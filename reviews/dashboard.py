"""Numbers for the HR and manager dashboards: a fixed number of queries each.

Review tables are counted under the department and line manager recorded on
them — where the person was that month, not where they are today — and a
manager's dashboard covers each person for the months they were in that
manager's chain (``tables_reported_to``; issue 15, section 1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Page
from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Department, User
from accounts.rounding import percent_of, round_half_up
from accounts.selectors import department_subtree_ids, in_reports, user_roles
from accounts.table_memo import CountedPaginator, table_memo
from coaching.mix import MixMonth, coaching_mix
from coaching.models import CoachingSession, CoachingType
from coaching.permissions import sessions_reported_to
from coaching.selectors import held_by
from plans.models import Objective
from plans.months import months_between
from plans.selectors import ProgressState, current_cycle
from reviews.models import ReviewTable
from reviews.permissions import tables_reported_to
from reviews.selectors import department_then, in_departments_then, late_tables

MIX_MONTHS = 12
IN_REVIEW = (ReviewTable.Status.SUBMITTED, ReviewTable.Status.IN_REVIEW)


@dataclass
class Dashboard:
    month: dt.date
    department: Department | None
    completion: list[dict[str, Any]]
    late: list[dict[str, Any]]  # LATE_FIELDS of the first fifty, by deadline
    late_count: int
    coverage: Page[dict[str, Any]]
    coverage_total: int
    not_coaching: int
    lagging: list[dict[str, Any]]
    is_hr: bool
    since_days: int
    mix: list[MixMonth]
    # Every department (pk, name), by name: the department filter's choices.
    departments: list[tuple[int, str]]

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
                "labels": [row["name"] for row in self.coverage],
                "series": {
                    str(label): [row["types"].get(key, 0) for row in self.coverage]
                    for key, label in CoachingType.choices
                },
            },
            "mix": {
                "labels": [date_format(row.month, "YEAR_MONTH_FORMAT") for row in self.mix],
                "series": {
                    str(label): [row.share(key) for row in self.mix]
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


def _scoped_people(user: User) -> QuerySet[User]:
    people = User.objects.filter(is_active=True)
    if user_roles(user).is_hr:
        return people
    return people.filter(in_reports(user))


@dataclass
class _Coverage:
    page: Page[dict[str, Any]]
    total: int
    idle: int


def _coverage(
    user: User,
    subtree: frozenset[int] | None,
    *,
    today: dt.date,
    since_days: int,
    page: int | str,
    per_page: int,
) -> _Coverage:
    """The managers in scope with reports, sessions and their mix, sorted and cut to the
    page in the database: three queries (the counts, the page, the page's mix).

    Sessions count under their coach, recorded on each session: a session held
    before the coachee moved stays with the manager who held it. Sorted by need:
    managers who have not coached anyone for longest come first, then those holding
    fewest sessions per report (rounded as shown), then by name.
    """
    managers = User.objects.filter(is_active=True)
    if not user_roles(user).is_hr:
        managers = managers.filter(Q(pk=user.pk) | in_reports(user))
    if subtree is not None:
        managers = managers.filter(department_id__in=subtree)
    since = today - dt.timedelta(days=since_days)
    # Held sessions only: one planned for next month (or mistyped as 2100) is no coaching.
    held = (
        CoachingSession.objects.filter(held_by(today), coach_id=OuterRef("pk"))
        .order_by()
        .values("coach_id")
    )
    # The managers first (a semi-join on the people's managers), then a subquery per
    # manager: no grouping of the whole organisation.
    active_reports = User.objects.filter(is_active=True, manager_id=OuterRef("pk"))
    rows = (
        managers.filter(pk__in=User.objects.filter(is_active=True).values("manager_id"))
        .values("pk", "full_name")
        .annotate(
            reports=Subquery(
                active_reports.order_by().values("manager_id").annotate(n=Count("pk")).values("n")
            ),
            last=Subquery(held.annotate(m=Max("held_on")).values("m")),
            recent=Coalesce(
                Subquery(held.filter(held_on__gte=since).annotate(n=Count("pk")).values("n")), 0
            ),
        )
    )
    counts = rows.aggregate(
        total=Count("pk"),
        idle=Count("pk", filter=Q(last__isnull=True) | Q(last__lt=since)),
    )
    # Sessions per report per 30 days in tenths, rounded half up, in integers (as
    # ``round_half_up`` rounds what the page shows): the same order on every database.
    tenths = ExpressionWrapper(
        (F("recent") * 600 + F("reports") * since_days) / (F("reports") * 2 * since_days),
        output_field=IntegerField(),
    )
    ordered = rows.order_by(F("last").asc(nulls_first=True), tenths, "full_name", "pk")
    shown = CountedPaginator(ordered, per_page, counts["total"]).get_page(page)
    managers_shown = list(shown.object_list)
    shown.paginator.object_list = []  # counted already; the page is kept (table_memo)
    mix = {
        (row["coach_id"], row["type"]): row["n"]
        for row in CoachingSession.objects.filter(
            held_by(today),
            coach_id__in=[row["pk"] for row in managers_shown],
            held_on__gte=since,
        )
        .values("coach_id", "type")
        .order_by()
        .annotate(n=Count("pk"))
    }
    coverage = []
    for row in managers_shown:
        types = {
            key: mix[(row["pk"], key)] for key in CoachingType.values if mix.get((row["pk"], key))
        }
        total = sum(types.values())
        last = row["last"]
        coverage.append(
            {
                "pk": row["pk"],
                "name": row["full_name"],
                "reports": row["reports"],
                "sessions": total,
                "per_report": float(
                    round_half_up(Decimal(total) / row["reports"] * 30 / since_days, 1)
                ),
                "days_since": (today - last).days if last else None,
                "types": types,
            }
        )
    shown.object_list = coverage
    return _Coverage(page=shown, total=counts["total"], idle=counts["idle"])


# What the late tables' list shows (``review_tags.late_rows``): who (linked to the table),
# the month, the deadline (with the status and cycle state that say whether it counts
# down) and the manager of the time; values, not the table, its cycle and four people.
LATE_FIELDS = (
    "pk",
    "month",
    "deadline",
    "status",
    "cycle__state",
    "line_manager__full_name",
    "employee__full_name",
    "employee__manager__full_name",
    "department__name",
    "department__head__full_name",
)


def dashboard_build(
    *,
    user: User,
    month: dt.date,
    department: Department | None = None,
    coverage_page: int | str = 1,
    since_days: int = 30,
    per_page: int = 20,
) -> Dashboard:
    """The dashboard's numbers for ``user``'s scope, optionally one department subtree.

    A fixed number of queries whatever the size of the organisation, and none while no
    table they count has changed since the same person last asked: the numbers are
    kept in the shared cache (``accounts.table_memo``, issue 21 §3).
    """
    today = timezone.localdate()
    name = ":".join(
        str(part)
        for part in (
            "dashboard",
            user.pk,
            # The scope follows the roles, read before (the request's own, not recorded).
            user_roles(user),
            month,
            department.pk if department is not None else "",
            coverage_page,
            since_days,
            per_page,
            today,
        )
    )
    return table_memo(
        name,
        lambda: _dashboard_compute(
            user=user,
            month=month,
            department=department,
            coverage_page=coverage_page,
            since_days=since_days,
            per_page=per_page,
            today=today,
        ),
    )


def _dashboard_compute(
    *,
    user: User,
    month: dt.date,
    department: Department | None,
    coverage_page: int | str,
    since_days: int,
    per_page: int,
    today: dt.date,
) -> Dashboard:
    subtree = department_subtree_ids(department) if department is not None else None
    scoped = tables_reported_to(user)
    people = _scoped_people(user)
    if subtree is not None:
        scoped = scoped.filter(in_departments_then(subtree))
        people = people.filter(department_id__in=subtree)
    tables = scoped.filter(month=month)
    rows = (
        tables.annotate(dept=department_then())
        .values("dept")
        .annotate(
            total=Count("pk"),
            draft=Count("pk", filter=Q(status=ReviewTable.Status.DRAFT)),
            in_review=Count("pk", filter=Q(status__in=IN_REVIEW)),
            returned=Count("pk", filter=Q(status=ReviewTable.Status.RETURNED)),
            finalised=Count("pk", filter=Q(status=ReviewTable.Status.FINALISED)),
            # Finalised without the month's review conversation (issue 16 §2).
            no_conversation=Count(
                "pk",
                filter=Q(status=ReviewTable.Status.FINALISED, conversation__isnull=True),
            ),
            late=Count("pk", filter=late_tables(today)),
        )
        .order_by("dept")
    )
    departments = list(Department.objects.order_by("name").values_list("pk", "name"))
    names = dict(departments)
    completion = sorted(
        ({**row, "department": names.get(row["dept"], "—")} for row in rows),
        key=lambda row: row["department"],
    )
    # The first fifty late tables and, on each row, the count of them all (a window over
    # every late table, counted before the LIMIT): one query for the list and its badge.
    late = list(
        scoped.filter(late_tables(today))
        .order_by("deadline")
        .values(*LATE_FIELDS)
        .annotate(late_count=Window(Count("pk")))[:50]
    )
    coverage = _coverage(
        user, subtree, today=today, since_days=since_days, page=coverage_page, per_page=per_page
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
            .order_by()
        )
        lagging = sorted(
            (
                {
                    "department": names.get(row["employee__department_id"], "—"),
                    "total": row["total"],
                    "lagging": row["lagging"],
                    "share": int(percent_of(row["lagging"], row["total"]) or 0),
                }
                for row in objective_rows
            ),
            key=lambda row: (-row["share"], row["department"]),
        )
    # The coaching mix (issue 17 §5): the twelve months up to the dashboard's month, the
    # sessions counted under the chain and department of their time, as the tables are.
    sessions = sessions_reported_to(user)
    if subtree is not None:
        sessions = sessions.filter(in_departments_then(subtree))
    year_before = month.replace(year=max(month.year - 1, 1))
    mix_months = months_between(year_before, month)[-MIX_MONTHS:] or [month]
    mix = coaching_mix(
        sessions=sessions, first_month=mix_months[0], last_month=mix_months[-1], today=today
    )
    return Dashboard(
        month=month,
        department=department,
        completion=completion,
        late=late,
        late_count=late[0]["late_count"] if late else 0,
        coverage=coverage.page,
        coverage_total=coverage.total,
        not_coaching=coverage.idle,
        lagging=lagging,
        is_hr=user_roles(user).is_hr,
        since_days=since_days,
        mix=mix,
        departments=departments,
    )
