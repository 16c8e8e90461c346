"""The Team page's selectors (also a person's page): a manager's people, searched,
filtered and ordered in the database, and their objectives and plans for one page of
them — apart from ``plans.selectors`` to keep each module short."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from accounts.selectors import reports_of
from plans.models import AppraisalCycle, Objective, PerformancePlan
from plans.plan_rows import PROGRESS_FIELDS, TEAM_OBJECTIVE_FIELDS, objectives_from_rows
from plans.selectors import Progress, ProgressState, objective_progress, with_progress


def team_people(
    *,
    user: User,
    cycle: AppraisalCycle | None,
    indirect: bool,
    query: str,
    sort: str,
    only_lagging: bool,
) -> QuerySet[User]:
    """``user``'s active reports, searched, filtered and ordered in the database.

    Ordered from the objectives' stored states: stored on every check-in or plan
    change and restated daily, they let a director with thousands of people below
    page through them; the page itself shows each objective's live progress.
    ``sort`` is "person", "lagging" (most lagging first) or "progress" (lowest first).
    """
    people = reports_of(user, indirect=indirect).filter(is_active=True)
    if query:
        people = people.filter(Q(full_name__icontains=query) | Q(job_title__icontains=query))
    if cycle is None:
        return people.order_by("full_name", "pk")
    counted = (
        Objective.objects.filter(cycle=cycle, employee=OuterRef("pk"))
        .exclude(status=Objective.Status.DROPPED)
        .order_by()
        .values("employee")
    )
    lagging = counted.filter(progress_state=ProgressState.LAGGING)
    if only_lagging:
        people = people.filter(Exists(lagging))
    if sort == "lagging":
        n = lagging.annotate(n=Count("pk")).values("n")
        return people.annotate(lagging_n=Coalesce(Subquery(n), 0)).order_by(
            "-lagging_n", "full_name", "pk"
        )
    if sort == "progress":
        # Weighted share of today's plan reached; people without a plan last.
        share = (
            counted.filter(progress_share__isnull=False)
            .annotate(s=Sum(F("progress_share") * F("weight")) / Sum("weight"))
            .values("s")
        )
        return people.annotate(share=Subquery(share)).order_by(
            F("share").asc(nulls_last=True), "full_name", "pk"
        )
    return people.order_by("full_name", "pk")


def team_objectives(
    *, cycle: AppraisalCycle, employee_ids: list[int], today: dt.date | None = None
) -> dict[int, list[tuple[Objective, Progress]]]:
    """Each person's objectives in ``cycle`` with live progress, heaviest first.

    The lists that show them (the Team page, a person's page) show neither the latest
    check-in's confidence nor its date: the ``Progress`` has None for both. The
    objectives hold ``TEAM_OBJECTIVE_FIELDS`` (the others are deferred), their
    ``cycle`` and, where carried forward, ``carried_from`` with its cycle.
    """
    by_person: dict[int, list[tuple[Objective, Progress]]] = {pk: [] for pk in employee_ids}
    if not employee_ids:
        return by_person
    today = today or timezone.localdate()
    rows = list(
        with_progress(
            Objective.objects.filter(cycle=cycle, employee_id__in=employee_ids),
            today=today,
            checkin_details=False,
        )
        .order_by("-weight", "title")
        .values_list(*TEAM_OBJECTIVE_FIELDS, *PROGRESS_FIELDS)
    )
    objectives = objectives_from_rows(TEAM_OBJECTIVE_FIELDS + PROGRESS_FIELDS, rows, cycle)
    # The originals of copies carried forward (their badge) in a query of their own, none
    # when no objective is a copy: joining them for every row cost more than that query.
    # Only the copies go through the prefetch: an empty one still compiled its query
    # (~1 ms); the others' ``carried_from`` is None with no query.
    copies = [objective for objective in objectives if objective.carried_from_id is not None]
    if copies:
        prefetch_related_objects(
            copies, Prefetch("carried_from", queryset=Objective.objects.select_related("cycle"))
        )
    for objective in objectives:
        by_person[cast(int, objective.employee_id)].append(
            (objective, objective_progress(objective, today=today))
        )
    return by_person


def plans_by_employee(
    *, cycle: AppraisalCycle, employee_ids: list[int]
) -> dict[int, PerformancePlan]:
    """The plans of these people in ``cycle``, by person."""
    if not employee_ids:
        return {}
    return {
        cast(int, plan.employee_id): plan
        for plan in PerformancePlan.objects.filter(cycle=cycle, employee_id__in=employee_ids)
    }


def agreed_plan_employees(*, cycle: AppraisalCycle, employee_ids: list[int]) -> set[int]:
    """Those of these people whose plan in ``cycle`` both sides have agreed
    (``PerformancePlan.is_agreed``): ids, for lists that show only that (the Team page)."""
    if not employee_ids:
        return set()
    return set(
        PerformancePlan.objects.filter(
            cycle=cycle,
            employee_id__in=employee_ids,
            employee_confirmed_at__isnull=False,
            manager_confirmed_at__isnull=False,
        ).values_list("employee_id", flat=True)
    )
