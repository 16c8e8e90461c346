"""Carrying a cycle forward (issue 17 §2): each subject's objectives of an earlier
cycle copied into a new one, as HR chooses: the unfinished ones, all but the dropped
ones, or none.

The rules, in one place (the preview and the carry share them):

- *Unfinished* means still in progress and not done by its check-ins: status "in
  progress", and the latest check-in has not reached the final target (the
  product's own "Done" badge: a milestone checked in as done is finished). *All*
  means every objective that was not dropped, achieved ones too.
- A person who has left is skipped. So is a subject whose chosen objectives were all
  carried before (nothing twice: a copy per original and cycle, a database
  constraint); one with live objectives in another active cycle covering some of the
  same months (one active cycle per subject, issue 15 §4); and one whose plan in the
  new cycle would weigh more than 100 with the copies. A subject is carried whole
  or not at all.
- A copy keeps the original's title, description, weight, measure, unit, target,
  template (so assigning the template set again adds no second copy; an original whose
  template the subject holds a copy of already in the new cycle counts as carried) and
  owner (the person themselves, or the department's head, when the owner has left),
  starts "in progress", unconfirmed, and points at its original (``carried_from``).
- Its phase targets: the full target kept and spread evenly over the new cycle's
  time nodes (a milestone is due at the last one), as "Spread evenly" on the targets
  page does. An unfinished objective is a fresh commitment for the new cycle, not a
  remainder: the person and the manager adjust it before they confirm the plan.
- Alignment: when the objective a copy's original was aligned to is carried too (now
  or before), the copy is aligned to that one's copy; otherwise to nothing (the
  preview says how many).
- A plan of the new cycle that one side or both had confirmed is reopened: a plan is
  never agreed over objectives nobody confirmed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.concurrency import StaleEditError
from accounts.models import User
from accounts.services import notify_each
from plans.carry_preview import CarryPreview, Subject, carry_forward_preview, subject_of
from plans.models import (
    AppraisalCycle,
    Objective,
    ObjectiveChange,
    PerformancePlan,
    PhaseTarget,
    PlanReopening,
)
from plans.reopening import CHANGED_MESSAGE, WEIGHTS_MESSAGE, plan_url
from plans.selectors import WEIGHT_TOTAL
from plans.services import cycle_save, objective_progress_refresh, targets_spread_evenly
from plans.template_models import CarryForward

# How much each choice carries: running again with a narrower choice narrows nothing.
BREADTH = {CarryForward.NONE: 0, CarryForward.UNFINISHED: 1, CarryForward.ALL: 2}


@dataclass(frozen=True)
class CarryResult:
    """A carry done: its preview (what was copied and skipped), the copies, and how many
    plans that were confirmed were reopened."""

    preview: CarryPreview
    created: list[Objective]
    reopened: int

    def messages(self) -> list[str]:
        """What HR is told after the carry, one sentence each."""
        preview, count = self.preview, len(self.created)
        if not count:
            lines = [_("Nothing was carried forward.")]
        else:
            lines = [
                ngettext(
                    "%(count)d objective was carried forward from %(source)s — %(which)s.",
                    "%(count)d objectives were carried forward from %(source)s — %(which)s.",
                    count,
                )
                % {
                    "count": count,
                    "source": preview.source.name,
                    "which": CarryForward(preview.which).label,
                }
            ]
        if preview.skipped:
            lines.append(
                ngettext(
                    "%(count)d person or department was skipped: the carry-forward page says why.",
                    "%(count)d people or departments were skipped: the carry-forward page "
                    "says why.",
                    len(preview.skipped),
                )
                % {"count": len(preview.skipped)}
            )
        if preview.unaligned:
            lines.append(
                ngettext(
                    "%(count)d copy is aligned to nothing: the objective it was aligned to "
                    "was not carried forward.",
                    "%(count)d copies are aligned to nothing: the objective they were aligned "
                    "to was not carried forward.",
                    len(preview.unaligned),
                )
                % {"count": len(preview.unaligned)}
            )
        if self.reopened:
            lines.append(
                ngettext(
                    "%(count)d plan had been confirmed: its confirmation was cleared, and "
                    "both sides confirm it again.",
                    "%(count)d plans had been confirmed: their confirmations were cleared, "
                    "and both sides confirm them again.",
                    self.reopened,
                )
                % {"count": self.reopened}
            )
        return lines


def _check_source(cycle: AppraisalCycle, source: AppraisalCycle) -> None:
    if source.pk == cycle.pk or source.start_date >= cycle.start_date:
        raise ValidationError(
            {"source": [_("Carry forward from a cycle that starts before this one.")]}
        )
    other = (
        Objective.objects.filter(cycle=cycle, carried_from__isnull=False)
        .exclude(carried_from__cycle=source)
        .values_list("carried_from__cycle__name", flat=True)
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "source": [
                    _(
                        "This cycle already holds objectives carried forward from %(cycle)s: "
                        "carry forward from that cycle only."
                    )
                    % {"cycle": other}
                ]
            }
        )


def _copy(original: Objective, *, cycle: AppraisalCycle, actor: User) -> Objective:
    owner = original.owner
    if owner is None or not owner.is_active:
        owner = original.employee or (original.department.head if original.department else None)
    return Objective(
        cycle=cycle,
        employee_id=original.employee_id,
        department_id=original.department_id,
        title=original.title,
        description=original.description,
        weight=original.weight,
        measure=original.measure,
        unit=original.unit,
        target=original.target,
        owner=owner,
        status=Objective.Status.ACTIVE,
        created_by=actor,
        carried_from=original,
        template_id=original.template_id,
    )


def _plans_ready(
    *, cycle: AppraisalCycle, subjects: set[Subject]
) -> dict[Subject, PerformancePlan]:
    """The subjects' plans in ``cycle`` (locked), created where missing, as
    ``plan_get_or_create`` does one at a time. Two queries."""
    employee_ids = [e for e, _d in subjects if e is not None]
    department_ids = [d for e, d in subjects if e is None]
    wanted = Q(employee_id__in=employee_ids) | Q(
        department_id__in=department_ids, employee__isnull=True
    )
    # A plan that exists already is left as it is (the unique constraints).
    PerformancePlan.objects.bulk_create(
        [PerformancePlan(cycle=cycle, employee_id=e, department_id=d) for e, d in subjects],
        ignore_conflicts=True,
    )
    plans = (
        PerformancePlan.objects.select_for_update(of=("self",))
        .filter(cycle=cycle)
        .filter(wanted)
        .select_related(
            "employee__manager",
            "department__head",
            "department__parent__head",
            "employee_confirmed_by",
            "manager_confirmed_by",
        )
    )
    return {subject_of(plan): plan for plan in plans}


def _plan_people(plan: PerformancePlan) -> list[User]:
    """Who confirms ``plan`` and who confirmed it (``plans.reopening.plan_people``, from
    the rows already read: a manager who left is stood in for by ``notify_each``)."""
    people: list[User] = []
    if plan.employee is not None:
        people.append(plan.employee)
        if plan.employee.manager is not None:
            people.append(plan.employee.manager)
    elif plan.department is not None:
        if plan.department.head is not None:
            people.append(plan.department.head)
        parent = plan.department.parent
        if parent is not None and parent.head is not None:
            people.append(parent.head)
    people += [p for p in (plan.employee_confirmed_by, plan.manager_confirmed_by) if p]
    return people


def _plans_reopen(
    *,
    plans: dict[Subject, PerformancePlan],
    preview: CarryPreview,
    first_change: dict[Subject, ObjectiveChange],
    actor: User,
) -> int:
    """Clear the confirmations of the plans that had any, record why (``PlanReopening``)
    and tell who confirms them, as ``plans.reopening`` does for one change. Three
    queries, however many plans."""
    confirmed = [
        (subject, plan)
        for subject, plan in plans.items()
        if plan.employee_confirmed_at or plan.manager_confirmed_at
    ]
    if not confirmed:
        return 0
    reopenings, notes = [], []
    for subject, plan in confirmed:
        total = preview.totals.get(subject, 0)
        weights = plan.is_agreed and total != WEIGHT_TOTAL
        change = first_change[subject]
        reopenings.append(
            PlanReopening(
                plan=plan,
                reopened_by=actor,
                cause=PlanReopening.Cause.WEIGHTS if weights else PlanReopening.Cause.CHANGED,
                weight_total=total,
                objective_title=change.objective.title[:200],
                change=change,
                employee_confirmed_at=plan.employee_confirmed_at,
                manager_confirmed_at=plan.manager_confirmed_at,
            )
        )
        subject_name = plan.employee.full_name if plan.employee else str(plan.department)
        params = {
            "actor": actor.full_name,
            "subject": subject_name,
            "cycle": preview.cycle.name,
            "total": total,
        }
        message = WEIGHTS_MESSAGE if weights else CHANGED_MESSAGE
        unique = {p.pk: p for p in _plan_people(plan) if p.pk != actor.pk}
        notes += [(person, message, plan_url(plan), params) for person in unique.values()]
    PlanReopening.objects.bulk_create(reopenings)
    PerformancePlan.objects.filter(pk__in=[plan.pk for _s, plan in confirmed]).update(
        employee_confirmed_at=None,
        manager_confirmed_at=None,
        employee_confirmed_by=None,
        manager_confirmed_by=None,
    )
    notify_each(notes)
    return len(confirmed)


def _copies_create(preview: CarryPreview, *, cycle: AppraisalCycle, actor: User) -> list[Objective]:
    """Create the copies of ``preview.copies``, each aligned to the copy of its original's
    parent where that is carried (now or before), else to nothing.

    Parents first, one insert per level of alignment (a department's objective, then its
    head's, then a person's): the number of queries follows the depth of alignment,
    never the number of objectives, and no copy is written twice.
    """
    copy_of: dict[int, int] = dict(preview.copy_of)
    waiting = {original.pk for original in preview.copies}
    pending = list(preview.copies)
    created: list[Objective] = []
    while pending:
        ready = [o for o in pending if o.parent_id not in waiting]
        if not ready:  # a circle of alignments (only the admin could make one): cut it
            ready = pending
        level = [_copy(original, cycle=cycle, actor=actor) for original in ready]
        for copy, original in zip(level, ready, strict=True):
            if original.parent_id is not None and original.parent_id in copy_of:
                copy.parent_id = copy_of[original.parent_id]
        Objective.objects.bulk_create(level)
        copy_of.update((cast(int, copy.carried_from_id), copy.pk) for copy in level)
        created += level
        done = {original.pk for original in ready}
        waiting -= done
        pending = [o for o in pending if o.pk not in done]
    return created


@transaction.atomic
def cycle_carry_forward(
    *,
    actor: User,
    cycle: AppraisalCycle,
    source: AppraisalCycle,
    which: str,
    version: int | None,
    seen: str | None = None,
) -> CarryResult:
    """Carry ``source``'s objectives into ``cycle`` as ``which`` (a ``CarryForward``
    value) chooses, and store the choice on ``cycle`` (issue 17 §2; the rules: this
    module's docstring). Safe to run again: only what is missing is copied.

    The cycle row is locked for the whole carry, so two HR tabs cannot carry at once.
    Refused, with nothing written: ``StaleEditError`` unless ``version`` is the cycle's
    stored version (the cycle changed, or was carried, since the page was drawn);
    ``ValidationError`` for a closed cycle, a ``source`` that does not start before
    ``cycle`` (or other than the one it was carried from before, ``{"source": ...}``),
    and when ``seen`` (a preview's ``fingerprint``) no longer matches what would be
    copied. With ``CarryForward.NONE`` nothing is written, the choice neither. The number
    of queries does not grow with the number of objectives (one
    insert per level of alignment: ``_copies_create``).
    """
    locked = AppraisalCycle.objects.select_for_update().get(pk=cycle.pk)
    if version is None or version != locked.version:
        raise StaleEditError
    if locked.is_closed:
        raise ValidationError(_("This cycle is closed: nothing can be carried into it."))
    _check_source(locked, source)
    if which == CarryForward.NONE:  # carrying nothing is no carry: nothing is recorded
        return CarryResult(
            preview=CarryPreview(cycle=locked, source=source, which=which), created=[], reopened=0
        )
    preview = carry_forward_preview(cycle=locked, source=source, which=which)
    if seen is not None and seen != preview.fingerprint:
        raise ValidationError(
            _(
                "What would be carried forward changed since the preview was shown: nothing "
                "was copied. Read the preview again below, then carry forward."
            )
        )
    copies = _copies_create(preview, cycle=locked, actor=actor)
    PhaseTarget.objects.bulk_create(
        PhaseTarget(objective=copy, month=month, planned=planned)
        for copy in copies
        for month, planned in targets_spread_evenly(copy).items()
    )
    changes = ObjectiveChange.objects.bulk_create(
        ObjectiveChange(
            objective=copy,
            changed_by=actor,
            changes={"created": [None, copy.title], "carried_from": [None, source.name]},
        )
        for copy in copies
    )
    first_change: dict[Subject, ObjectiveChange] = {}
    for change in changes:
        first_change.setdefault(subject_of(change.objective), change)
    reopened = 0
    if copies:
        plans = _plans_ready(cycle=locked, subjects=set(first_change))
        reopened = _plans_reopen(
            plans=plans, preview=preview, first_change=first_change, actor=actor
        )
        if locked.is_active:  # as the daily job would; it leaves other cycles alone
            objective_progress_refresh(objective_ids=[copy.pk for copy in copies])
    if locked.carried_from_id == source.pk and locked.carry_forward in BREADTH:
        which = max(which, locked.carry_forward, key=lambda w: BREADTH[CarryForward(w)])
    locked.carried_from, locked.carry_forward = source, which
    locked.carried_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["carried_from", "carry_forward", "carried_at", "version"])
    return CarryResult(preview=preview, created=copies, reopened=reopened)


@transaction.atomic
def cycle_create_carried(
    *,
    actor: User,
    name: str,
    start_date: dt.date,
    end_date: dt.date,
    frequency: str,
    rating_scale: list[str] | None = None,
    source: AppraisalCycle | None = None,
    which: str = CarryForward.UNFINISHED,
) -> tuple[AppraisalCycle, CarryResult | None]:
    """Create a cycle (``cycle_save``) and, with a ``source``, carry it forward right away
    (``cycle_carry_forward``), in one transaction: a refused carry creates no cycle."""
    cycle = cycle_save(
        actor=actor,
        cycle=None,
        name=name,
        start_date=start_date,
        end_date=end_date,
        frequency=frequency,
        rating_scale=rating_scale,
    )
    if source is None:
        return cycle, None
    result = cycle_carry_forward(
        actor=actor, cycle=cycle, source=source, which=which, version=cycle.version
    )
    cycle.refresh_from_db()
    return cycle, result
