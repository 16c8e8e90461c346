"""The appraisal result of each subject: the reads (issue 17 §3).

Everything a result page, the results lists, the home and Team pages and the export
read, each in a constant number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.selectors import department_subtree_ids, user_roles
from coaching.facts import PerformanceFact, facts_visible_to
from coaching.models import CoachingSession, CoachingType
from plans.models import AppraisalCycle, Measure, Objective
from plans.results_math import COMPLETION_CAP
from reviews.models import CycleResult, ReviewTable, rating_label
from reviews.permissions import (
    ResultAccess,
    ResultKeys,
    proposer_ids_of,
    result_participant_cycle_ids,
    result_proposer_ids,
    results_reported_to,
)
from reviews.results import completion_or_none

STATES = ("not_proposed", "proposed", "acknowledged")
NOT_DONE = Q(cycle__calibration__isnull=True) | Q(
    cycle__calibration__done_at__isnull=True, cycle__calibration__published_at__isnull=True
)
PUBLISHED = Q(cycle__calibration__published_at__isnull=False)


@dataclass(frozen=True)
class BreakdownRow:
    """One objective of a result, as the page shows it."""

    title: str
    weight: int
    measure: str
    unit: str
    status: str
    target: Decimal | None
    value: Decimal | None
    completion: Decimal | None
    is_milestone: bool = False
    # Of ``Objective.Status``: "in progress" is left unsaid once the cycle is over.
    status_key: str = ""


@dataclass(frozen=True)
class ResultPage:
    """What a result page shows beside the result itself."""

    breakdown: list[BreakdownRow]
    weights_total: int
    tables: list[ReviewTable]
    tables_on_time: int
    tables_counted: int
    facts: list[PerformanceFact]
    sessions_by_type: list[tuple[str, int]]
    sessions_total: int
    cap: Decimal = COMPLETION_CAP

    @property
    def weights_normalised(self) -> bool:
        return bool(self.breakdown) and self.weights_total != 100


def breakdown_rows(result: CycleResult) -> list[BreakdownRow]:
    """The stored breakdown, read back (entries written by a later version: skipped)."""
    measures = dict(Measure.choices)
    statuses = dict(Objective.Status.choices)
    rows = []
    for entry in result.breakdown or []:
        if not isinstance(entry, dict):
            continue
        rows.append(
            BreakdownRow(
                title=str(entry.get("title", "")),
                weight=int(entry.get("weight") or 0),
                measure=str(measures.get(entry.get("measure", ""), entry.get("measure", ""))),
                unit=str(entry.get("unit") or ""),
                status=str(statuses.get(entry.get("status", ""), "")),
                target=completion_or_none(entry.get("target")),
                value=completion_or_none(entry.get("value")),
                completion=completion_or_none(entry.get("completion")),
                is_milestone=entry.get("measure") == Measure.MILESTONE,
                status_key=str(entry.get("status", "")),
            )
        )
    return rows


def _on_time(table: ReviewTable) -> bool:
    return (
        table.finalised_at is not None and timezone.localdate(table.finalised_at) <= table.deadline
    )


def result_page(access: ResultAccess) -> ResultPage:
    """The breakdown, the monthly tables (rating, finalised on time), the performance
    facts ``access.user`` reads and the coaching sessions by type, of the result's cycle."""
    result, user = access.result, access.user
    cycle = result.cycle
    subject = (
        Q(employee_id=result.employee_id)
        if result.employee_id
        else Q(department_id=result.department_id)
    )
    tables = list(
        ReviewTable.objects.filter(subject, cycle=cycle)
        .only("pk", "month", "status", "rating", "deadline", "finalised_at", "cycle_id")
        .order_by("month")
    )
    counted = [t for t in tables if t.status != ReviewTable.Status.WITHDRAWN]
    facts: list[PerformanceFact] = []
    if result.employee is not None:
        facts = list(
            facts_visible_to(user, result.employee).filter(
                observed_on__gte=cycle.start_date, observed_on__lte=cycle.end_date
            )
        )
    counts = dict(
        CoachingSession.objects.filter(
            subject, held_on__gte=cycle.start_date, held_on__lte=cycle.end_date
        )
        .values_list("type")
        .annotate(n=Count("pk"))
        .values_list("type", "n")
    )
    rows = breakdown_rows(result)
    return ResultPage(
        breakdown=rows,
        weights_total=sum(row.weight for row in rows),
        tables=tables,
        tables_on_time=sum(1 for t in counted if _on_time(t)),
        tables_counted=len(counted),
        facts=facts,
        sessions_by_type=[
            (str(label), counts.get(value, 0)) for value, label in CoachingType.choices
        ],
        sessions_total=sum(counts.values()),
    )


def result_cycles_for(user: User) -> QuerySet[AppraisalCycle]:
    """Cycles with results ``user`` answers for (the list's cycle choices), latest first;
    for HR also every cycle that has ended or is closed, results or not yet, so that they
    can be prepared (a cycle closed before its end date included)."""
    with_results = Q(pk__in=results_reported_to(user).values("cycle_id"))
    if user_roles(user).is_hr:
        ended = Q(state=AppraisalCycle.State.CLOSED) | Q(end_date__lt=timezone.localdate())
        with_results |= ended
    return AppraisalCycle.objects.filter(with_results).order_by("-end_date", "name")


def results_listed(
    user: User,
    *,
    cycle: AppraisalCycle,
    department_id: int | None = None,
    state: str = "",
) -> QuerySet[CycleResult]:
    """The results of ``cycle`` that ``user`` answers for (HR: all), filtered: by the
    department of the time (with those below), and by state (``STATES``)."""
    results = results_reported_to(user).filter(cycle=cycle)
    if department_id:
        ids = department_subtree_ids(department_id)
        results = results.filter(Q(home_department_id__in=ids) | Q(department_id__in=ids))
    if state == "not_proposed":
        results = results.filter(proposed_at__isnull=True)
    elif state == "proposed":
        results = results.filter(proposed_at__isnull=False, acknowledged_at__isnull=True)
    elif state == "acknowledged":
        results = results.filter(acknowledged_at__isnull=False)
    return results.select_related("home_department", "line_manager", "cycle__calibration").order_by(
        "home_department__name", "department__name", "employee__full_name", "pk"
    )


def mark_proposers(user: User, results: list[CycleResult]) -> list[CycleResult]:
    """Set ``is_mine`` (``user`` proposes it; three queries at most) and the rating labels
    on each result of a list page (whose readers all see proposals)."""
    proposers = result_proposer_ids(results)
    is_hr = user_roles(user).is_hr
    for result in results:
        proposer = proposers.get(result.pk)
        result.is_mine = proposer == user.pk or (proposer is None and is_hr)  # type: ignore[attr-defined]
        result.proposed_label = rating_label(result.proposed_rating)  # type: ignore[attr-defined]
        result.final_label = rating_label(result.final_rating)  # type: ignore[attr-defined]
    return results


def results_to_propose_count(user: User) -> int:
    """How many results still wait for ``user``'s proposal, in cycles whose calibration
    is not done: those of their team (line manager of the time, present direct
    reports, departments right below theirs), checked against ``result_proposer_ids``."""
    # Each of these is in the user's chain by construction: no chain walk needed (one query).
    # The three ways in are a UNION, each on its own index: an OR across the joined
    # tables made PostgreSQL hash every user and scan every result (a Team page's
    # 50 results: 16 -> 0.6 ms at 10,000 people).
    team = (
        CycleResult.objects.filter(line_manager_id=user.pk)
        .order_by()
        .values("pk")
        .union(
            CycleResult.objects.filter(employee__manager_id=user.pk).order_by().values("pk"),
            CycleResult.objects.filter(department__parent__head_id=user.pk).order_by().values("pk"),
        )
    )
    # As values: whose proposal each is needs only its keys and whether its line manager
    # is active (model instances with the line manager joined cost more than the query).
    candidates: list[ResultKeys] = list(
        CycleResult.objects.filter(NOT_DONE, proposed_at__isnull=True, pk__in=team)
        .exclude(Q(employee_id=user.pk) | Q(department__head_id=user.pk))
        .values_list(
            "pk", "employee_id", "department_id", "line_manager_id", "line_manager__is_active"
        )[:500]
    )
    proposers = proposer_ids_of(candidates)
    return sum(1 for proposer in proposers.values() if proposer == user.pk)


def own_published_results(user: User) -> list[CycleResult]:
    """``user``'s own results whose cycle's results are published, latest cycle first."""
    return list(
        CycleResult.objects.filter(PUBLISHED, employee=user)
        .select_related("cycle")
        .order_by("-cycle__end_date")[:3]
    )


def export_results(
    user: User | None, *, cycle_id: int | None, month_from: dt.date, month_to: dt.date,
    department_id: int | None,
) -> QuerySet[CycleResult]:  # fmt: skip
    """The results in an export's scope: ``user``'s (None: every one, for a command), of
    the chosen cycle or of the cycles overlapping the exported months, filtered by the
    department of the time like the tables."""
    results = (
        results_reported_to(user)
        if user is not None
        else CycleResult.objects.select_related("employee", "department", "cycle")
    )
    if cycle_id:
        results = results.filter(cycle_id=cycle_id)
    else:
        results = results.filter(cycle__start_date__lte=month_to, cycle__end_date__gte=month_from)
    if department_id:
        ids = department_subtree_ids(department_id)
        results = results.filter(Q(home_department_id__in=ids) | Q(department_id__in=ids))
    return results.select_related(
        "home_department", "line_manager", "proposed_by", "cycle__calibration"
    ).order_by("cycle__end_date", "home_department__name", "employee__full_name", "pk")


def export_sees_ratings(user: User | None, result: CycleResult) -> bool:
    """HR, the command line, the calibration's participants, and anyone once published."""
    if user is None or user_roles(user).is_hr:
        return True
    if result.cycle_id in result_participant_cycle_ids(user):
        return True
    calibration = getattr(result.cycle, "calibration", None)
    return calibration is not None and calibration.published_at is not None
