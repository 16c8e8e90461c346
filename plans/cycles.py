"""Which appraisal cycles are in force (the one rule every job and page asks), and how
far a cycle's plans are agreed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Department, User
from plans.models import AppraisalCycle, Objective, PerformancePlan
from plans.months import month_end, month_start


def active_cycles_for(month: dt.date) -> QuerySet[AppraisalCycle]:
    """The active cycles with at least one day in ``month``'s month, latest start first.

    A cycle that starts or ends in the middle of a month covers that month: the
    month's review tables are made for it (``review_tables_generate`` accepts
    exactly these months). Any day of the month may be given.
    """
    return AppraisalCycle.objects.filter(
        state=AppraisalCycle.State.ACTIVE,
        start_date__lte=month_end(month),
        end_date__gte=month_start(month),
    ).order_by("-start_date", "name")


@dataclass(frozen=True)
class CycleCounts:
    objectives: int
    subjects: int
    agreed: int
    # The first ``NOT_AGREED_SHOWN`` people and departments whose plan is not agreed.
    not_agreed_people: list[User]
    not_agreed_departments: list[Department]

    @property
    def not_agreed(self) -> int:
        return self.subjects - self.agreed

    @property
    def not_all_shown(self) -> bool:
        return self.not_agreed > len(self.not_agreed_people) + len(self.not_agreed_departments)


NOT_AGREED_SHOWN = 50
AGREED = Q(employee_confirmed_at__isnull=False, manager_confirmed_at__isnull=False)


def cycle_counts(*, cycle: AppraisalCycle) -> CycleCounts:
    """How many objectives the cycle has, how many subjects (people and departments)
    have objectives or a plan in it, how many plans both sides agreed, and the first
    subjects by name whose plan is not agreed.

    A subject with objectives but no plan record at all is counted, as not agreed
    (issue 15, section 7). Five queries, whatever the size of the cycle.
    """
    pairs = ("employee_id", "department_id")
    objectives = Objective.objects.filter(cycle=cycle).order_by()
    plans = PerformancePlan.objects.filter(cycle=cycle).order_by()
    subjects = objectives.values_list(*pairs).union(plans.values_list(*pairs))
    people = (
        User.objects.filter(
            Exists(objectives.filter(employee=OuterRef("pk")))
            | Exists(plans.filter(employee=OuterRef("pk")))
        )
        .exclude(Exists(plans.filter(AGREED, employee=OuterRef("pk"))))
        .order_by("full_name", "pk")
    )
    departments = (
        Department.objects.filter(
            Exists(objectives.filter(department=OuterRef("pk"), employee__isnull=True))
            | Exists(plans.filter(department=OuterRef("pk"), employee__isnull=True))
        )
        .exclude(Exists(plans.filter(AGREED, department=OuterRef("pk"), employee__isnull=True)))
        .order_by("name", "pk")
    )
    return CycleCounts(
        objectives=objectives.count(),
        subjects=subjects.count(),
        agreed=plans.filter(AGREED).count(),
        not_agreed_departments=list(departments[:NOT_AGREED_SHOWN]),
        not_agreed_people=list(people[:NOT_AGREED_SHOWN]),
    )
