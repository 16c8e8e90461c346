"""Which appraisal cycles are in force (the one rule every job and page asks), and how
far a cycle's plans are agreed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


# --- One active cycle per subject (issue 15 §4) ---------------------------------
#
# A subject (employee or department) has one review table per month, so it may have
# live objectives in at most one active cycle for any month. Two cycles "overlap"
# when they share a month (a cycle ending on 15 March and one starting on 16 March
# both cover March). Dropped objectives do not count: they get no table rows.

OVERLAP_NAMES_SHOWN = 10


def cycles_sharing_months(
    cycle: AppraisalCycle, *, states: Sequence[str]
) -> QuerySet[AppraisalCycle]:
    """Other cycles in one of ``states`` with a month in common with ``cycle``."""
    return (
        AppraisalCycle.objects.filter(
            state__in=states,
            start_date__lte=month_end(cycle.end_date),
            end_date__gte=month_start(cycle.start_date),
        )
        .exclude(pk=cycle.pk)
        .order_by("start_date", "name")
    )


def _live_objectives() -> QuerySet[Objective]:
    return Objective.objects.exclude(status=Objective.Status.DROPPED)


@dataclass(frozen=True)
class CycleOverlap:
    """Subjects with live objectives both in a cycle and in overlapping active cycles."""

    cycles: list[str]
    names: list[str]  # the first OVERLAP_NAMES_SHOWN, by name
    count: int

    def message(self) -> str:
        """Why activating is refused, naming the first subjects and how many more."""
        more = self.count - len(self.names)
        names = ", ".join(self.names)
        if more > 0:
            names += " " + ngettext("and %(count)d more", "and %(count)d more", more) % {
                "count": more
            }
        return ngettext(
            "%(count)d subject already has objectives in an active cycle covering the same "
            "months (%(cycles)s): %(names)s. A subject belongs to one active cycle at a time: "
            "move or drop those objectives first.",
            "%(count)d subjects already have objectives in an active cycle covering the same "
            "months (%(cycles)s): %(names)s. A subject belongs to one active cycle at a time: "
            "move or drop those objectives first.",
            self.count,
        ) % {"count": self.count, "cycles": ", ".join(self.cycles), "names": names}


def cycle_overlap(cycle: AppraisalCycle) -> CycleOverlap | None:
    """The subjects that make activating ``cycle`` break one-active-cycle-per-subject,
    or None when there are none (five queries at most, however many subjects)."""
    others = list(cycles_sharing_months(cycle, states=[AppraisalCycle.State.ACTIVE]))
    if not others:
        return None
    mine = _live_objectives().filter(cycle=cycle)
    theirs = _live_objectives().filter(cycle__in=others)
    people = User.objects.filter(
        is_active=True,
        pk__in=mine.filter(employee__isnull=False).values("employee_id"),
    ).filter(pk__in=theirs.filter(employee__isnull=False).values("employee_id"))
    departments = Department.objects.filter(
        pk__in=mine.filter(department__isnull=False).values("department_id")
    ).filter(pk__in=theirs.filter(department__isnull=False).values("department_id"))
    count = people.count() + departments.count()
    if not count:
        return None
    names = list(
        people.order_by("full_name").values_list("full_name", flat=True)[:OVERLAP_NAMES_SHOWN]
    )
    if len(names) < OVERLAP_NAMES_SHOWN:
        names += [
            str(name)
            for name in departments.order_by("name").values_list("name", flat=True)[
                : OVERLAP_NAMES_SHOWN - len(names)
            ]
        ]
    return CycleOverlap(cycles=[other.name for other in others], names=names, count=count)


def subject_in_overlapping_cycle(
    *, cycle: AppraisalCycle, employee: User | None = None, department: Department | None = None
) -> AppraisalCycle | None:
    """The other cycle where this subject already has live objectives and which shares a
    month with ``cycle``, if adding objectives to ``cycle`` would put the subject in two
    active cycles at once: either cycle active, the other active or in planning (it
    would be refused activation). None when adding is fine."""
    if cycle.state == AppraisalCycle.State.CLOSED:
        return None
    states = [AppraisalCycle.State.ACTIVE]
    if cycle.state == AppraisalCycle.State.ACTIVE:
        states.append(AppraisalCycle.State.PLANNING)
    subject = Q(employee=employee) if employee is not None else Q(department=department)
    return (
        cycles_sharing_months(cycle, states=states)
        .filter(pk__in=_live_objectives().filter(subject).values("cycle_id"))
        .first()
    )


def overlap_refusal(other: AppraisalCycle) -> str:
    """What a person is told when an objective would put its subject in two cycles."""
    return _(
        "This person or department already has objectives in the cycle “%(cycle)s”, "
        "which covers some of the same months. A subject belongs to one active cycle at a "
        "time: add the objective there, or drop those objectives first."
    ) % {"cycle": other.name}
