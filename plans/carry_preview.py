"""What carrying a cycle forward would do (issue 17 §2): the earlier cycles to carry
from, the preview (what is copied, who is skipped and why), and what the cycle page
says of a carry done. The rules are written once, in ``plans.carry_forward``; the
preview applies them and the carry copies exactly what the preview lists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext_lazy

from plans.cycles import cycles_sharing_months
from plans.models import AppraisalCycle, CheckIn, Objective, PerformancePlan
from plans.selectors import WEIGHT_TOTAL
from plans.template_models import CarryForward

SKIPPED_SHOWN = 50
UNALIGNED_SHOWN = 20

Subject = tuple[int | None, int | None]  # (employee_id, department_id)


class SkipReason(StrEnum):
    LEFT = "left"
    ALREADY = "already"
    OTHER_CYCLE = "other_cycle"
    WEIGHTS = "weights"


SKIP_LABELS = {
    SkipReason.LEFT: gettext_lazy("has left the organisation"),
    SkipReason.ALREADY: gettext_lazy("already carried forward"),
    SkipReason.OTHER_CYCLE: gettext_lazy(
        "already has objectives in another active cycle covering some of the same months"
    ),
    SkipReason.WEIGHTS: gettext_lazy(
        "the plan in this cycle would weigh %(total)s with the copies, more than 100"
    ),
}


@dataclass(frozen=True)
class Skipped:
    """A person or department not carried forward, and why."""

    name: str
    reason: SkipReason
    total: int = 0  # what the plan would weigh (for ``SkipReason.WEIGHTS``)

    @property
    def label(self) -> str:
        return str(SKIP_LABELS[self.reason]) % {"total": self.total}


@dataclass
class CarryPreview:
    """What carrying ``source`` into ``cycle`` with ``which`` would do, now.

    ``copies``: the originals to copy, by subject then id. ``already``: originals of the
    choice copied before, or whose template the subject holds a copy of already.
    ``skipped``: every subject left out, by name.
    ``unaligned``: originals aligned to an objective that is not carried, so whose copy
    is aligned to nothing. ``totals``: what each carried subject's plan weighs after.
    """

    cycle: AppraisalCycle
    source: AppraisalCycle
    which: str
    copies: list[Objective] = field(default_factory=list)
    people: int = 0
    departments: int = 0
    already: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    aligned: int = 0
    unaligned: list[Objective] = field(default_factory=list)
    copy_of: dict[int, int] = field(default_factory=dict)  # original pk -> copy pk
    totals: dict[Subject, int] = field(default_factory=dict)

    @property
    def which_label(self) -> str:
        return str(CarryForward(self.which).label)

    @property
    def skipped_shown(self) -> list[Skipped]:
        return self.skipped[:SKIPPED_SHOWN]

    @property
    def unaligned_shown(self) -> list[Objective]:
        return self.unaligned[:UNALIGNED_SHOWN]

    @property
    def fingerprint(self) -> str:
        """What the preview shows, in 20 characters: a carry confirmed from a preview that
        no longer holds (someone changed the earlier cycle meanwhile) is refused."""
        parts = [self.which, str(self.source.pk)]
        parts += [str(o.pk) for o in self.copies]
        parts += [f"{s.reason}:{s.name}" for s in self.skipped]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def subject_of(row: Objective | PerformancePlan) -> Subject:
    """The subject of an objective or a plan, as a key."""
    if row.employee_id is not None:
        return (row.employee_id, None)
    return (None, row.department_id)


def _subject_name(objective: Objective) -> str:
    if objective.employee is not None:
        return objective.employee.full_name
    return objective.department.name if objective.department else ""


def _is_done(objective: Objective) -> bool:
    """Done by its check-ins: the latest one reached the final target (needs ``actual_now``)."""
    actual: Decimal | None = getattr(objective, "actual_now", None)
    full = objective.full_value
    return actual is not None and full > 0 and actual >= full


def carry_sources(cycle: AppraisalCycle) -> QuerySet[AppraisalCycle]:
    """The cycles ``cycle`` may be carried forward from: those that start before it,
    latest end first."""
    return (
        AppraisalCycle.objects.filter(start_date__lt=cycle.start_date)
        .exclude(pk=cycle.pk)
        .order_by("-end_date", "-start_date", "name")
    )


def carry_default_source(cycle: AppraisalCycle) -> AppraisalCycle | None:
    """The cycle HR usually carries from: the latest that ends before ``cycle`` starts."""
    return carry_sources(cycle).filter(end_date__lt=cycle.start_date).first()


def _originals(source: AppraisalCycle, which: str) -> list[Objective]:
    if which == CarryForward.NONE:
        return []
    latest = CheckIn.objects.filter(objective=OuterRef("pk")).order_by(
        "-recorded_on", "-created_at"
    )
    originals: list[Objective] = list(
        Objective.objects.filter(cycle=source)
        .exclude(status=Objective.Status.DROPPED)
        .select_related("employee", "department__head", "owner")
        .annotate(actual_now=Subquery(latest.values("value")[:1]))
        .order_by("employee__full_name", "department__name", "pk")
    )
    if which == CarryForward.UNFINISHED:
        originals = [
            o for o in originals if o.status == Objective.Status.ACTIVE and not _is_done(o)
        ]
    return originals


def _live_subjects_elsewhere(cycle: AppraisalCycle) -> set[Subject]:
    """Subjects with live objectives in another cycle that adding to ``cycle`` clashes
    with (``plans.cycles.subject_in_overlapping_cycle``, for every subject at once)."""
    states = [AppraisalCycle.State.ACTIVE]
    if cycle.state == AppraisalCycle.State.ACTIVE:
        states.append(AppraisalCycle.State.PLANNING)
    rows = (
        Objective.objects.filter(cycle__in=cycles_sharing_months(cycle, states=states))
        .exclude(status=Objective.Status.DROPPED)
        .order_by()
        .values_list("employee_id", "department_id")
        .distinct()
    )
    return {(e, None) if e is not None else (None, d) for e, d in rows}


def _weight_totals(cycle: AppraisalCycle) -> dict[Subject, int]:
    rows = (
        Objective.objects.filter(cycle=cycle)
        .exclude(status=Objective.Status.DROPPED)
        .order_by()
        .values("employee_id", "department_id")
        .annotate(total=Sum("weight"))
        .values_list("employee_id", "department_id", "total")
    )
    return {((e, None) if e is not None else (None, d)): int(t or 0) for e, d, t in rows}


def carry_forward_preview(
    *, cycle: AppraisalCycle, source: AppraisalCycle, which: str
) -> CarryPreview:
    """What carrying ``source`` into ``cycle`` with ``which`` (a ``CarryForward`` value)
    would copy, and whom it would skip and why (the rules: ``plans.carry_forward``).

    Four queries, however many people and objectives.
    """
    preview = CarryPreview(cycle=cycle, source=source, which=which)
    originals = _originals(source, which)
    if not originals:
        return preview
    # Copies already in the cycle: carried ones (by original), and those of a template
    # (by subject): a copy keeps its original's template, one copy per template and
    # subject (a database constraint), so an original whose template the subject holds
    # already is there already, as if carried (issue 17 §1, §2).
    templated: set[tuple[Subject, int]] = set()
    for carried_from, pk, employee_id, department_id, template_id in (
        Objective.objects.filter(cycle=cycle)
        .filter(Q(carried_from__isnull=False) | Q(template__isnull=False))
        .values_list("carried_from_id", "pk", "employee_id", "department_id", "template_id")
    ):
        if carried_from is not None:
            preview.copy_of[carried_from] = pk
        if template_id is not None:
            held: Subject = (employee_id, None) if employee_id else (None, department_id)
            templated.add((held, template_id))
    totals = _weight_totals(cycle)
    elsewhere = _live_subjects_elsewhere(cycle)
    by_subject: dict[Subject, list[Objective]] = defaultdict(list)
    for objective in originals:
        by_subject[subject_of(objective)].append(objective)
    for subject, objectives in by_subject.items():
        name = _subject_name(objectives[0])
        employee = objectives[0].employee
        new = [
            o
            for o in objectives
            if o.pk not in preview.copy_of
            and (o.template_id is None or (subject, o.template_id) not in templated)
        ]
        preview.already += len(objectives) - len(new)
        total = totals.get(subject, 0) + sum(o.weight for o in new)
        if employee is not None and not employee.is_active:
            preview.skipped.append(Skipped(name, SkipReason.LEFT))
        elif not new:
            preview.skipped.append(Skipped(name, SkipReason.ALREADY))
        elif subject in elsewhere:
            preview.skipped.append(Skipped(name, SkipReason.OTHER_CYCLE))
        elif total > WEIGHT_TOTAL:
            preview.skipped.append(Skipped(name, SkipReason.WEIGHTS, total))
        else:
            preview.copies.extend(new)
            preview.totals[subject] = total
            if employee is not None:
                preview.people += 1
            else:
                preview.departments += 1
    preview.skipped.sort(key=lambda skipped: skipped.name.casefold())
    carried = set(preview.copy_of) | {o.pk for o in preview.copies}
    for objective in preview.copies:
        if objective.parent_id is None:
            continue
        if objective.parent_id in carried:
            preview.aligned += 1
        else:
            preview.unaligned.append(objective)
    return preview


@dataclass(frozen=True)
class CarriedSummary:
    """What the cycle page says of a carry: from which cycle, when, how many, which."""

    source: AppraisalCycle
    at: dt.datetime
    count: int
    which_label: str


def cycle_carried_summary(*, cycle: AppraisalCycle) -> CarriedSummary | None:
    """The cycle's carry-forward as its page shows it, or None if never carried (two
    queries)."""
    if cycle.carried_from_id is None or cycle.carried_at is None:
        return None
    source = AppraisalCycle.objects.filter(pk=cycle.carried_from_id).first()
    if source is None:
        return None
    count = Objective.objects.filter(cycle=cycle, carried_from__isnull=False).count()
    which = cycle.carry_forward
    label = str(CarryForward(which).label) if which in CarryForward.values else which
    return CarriedSummary(source=source, at=cycle.carried_at, count=count, which_label=label)
