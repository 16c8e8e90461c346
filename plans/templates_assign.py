"""Assigning a template set in a cycle (issue 17 §1): each person gets one copy of each
template in their plan, or is refused with the reason, and nothing is half-assigned.

``assignment_preview`` says, person by person, what they would get or why they are
refused; ``template_set_assign`` does it in one transaction with the plans locked,
after checking the preview the assigner confirmed is still what would happen. Both
take a fixed number of queries however many people are assigned.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import (
    department_subtree_ids,
    headed_subtree_ids,
    nearest_active_manager,
    user_roles,
)
from accounts.services import notify_each
from plans.cycles import cycles_sharing_months
from plans.models import (
    AppraisalCycle,
    Objective,
    ObjectiveTemplate,
    PerformancePlan,
    PlanReopening,
    TemplateSet,
)
from plans.reopening import CHANGED_MESSAGE, WEIGHTS_MESSAGE, plan_url
from plans.selectors import WEIGHT_TOTAL
from plans.templates_lib import template_targets
from plans.templates_write import (
    copies_insert,
    copy_progress,
    created_history_insert,
    first_changes,
    targets_insert,
)

# How many addresses a "chosen people" list may hold.
MAX_CHOSEN = 2000

# Why a person gets nothing (untranslated; worded by ``Outcome.refusal_text``).
UNKNOWN = "unknown"
LEFT = "left"
NO_DEPARTMENT = "no_department"
OUTSIDE = "outside"
CLOSED = "closed"
OVERLAP = "overlap"
WEIGHTS = "weights"


@dataclass
class Outcome:
    """What one person gets from the assignment, or why they are refused."""

    name: str
    person: User | None = None
    refusal: str = ""
    new_templates: list[ObjectiveTemplate] = field(default_factory=list)
    existing: int = 0
    weight_before: int = 0
    other_cycle: str = ""
    plan: PerformancePlan | None = None

    @property
    def added_weight(self) -> int:
        return sum(template.default_weight for template in self.new_templates)

    @property
    def weight_after(self) -> int:
        return self.weight_before + self.added_weight

    @property
    def is_refused(self) -> bool:
        return bool(self.refusal)

    @property
    def reopens(self) -> bool:
        """Their plan was confirmed by one side or both: the copies reopen it."""
        plan = self.plan
        return bool(
            self.new_templates
            and plan is not None
            and (plan.employee_confirmed_at or plan.manager_confirmed_at)
        )

    def refusal_text(self) -> str:
        if self.refusal == UNKNOWN:
            return _("Nobody has this e-mail address.")
        if self.refusal == LEFT:
            return _("Has left the organisation: their plan is a record.")
        if self.refusal == NO_DEPARTMENT:
            return _("Not an employee of the organisation: they belong to no department.")
        if self.refusal == OUTSIDE:
            return _("Not in a department you head: only HR assigns to them.")
        if self.refusal == CLOSED:
            return _("The cycle is closed: nothing can be added to its plans.")
        if self.refusal == OVERLAP:
            return _(
                "Already has objectives in the active cycle “%(cycle)s”, which covers some "
                "of the same months."
            ) % {"cycle": self.other_cycle}
        return _(
            "Their objectives already weigh %(before)d: with %(added)d more the plan would "
            "weigh %(after)d, over 100."
        ) % {"before": self.weight_before, "added": self.added_weight, "after": self.weight_after}


@dataclass
class AssignmentPreview:
    """Person by person, what assigning ``template_set`` in ``cycle`` would do."""

    cycle: AppraisalCycle
    template_set: TemplateSet
    templates: list[ObjectiveTemplate]
    outcomes: list[Outcome]

    @property
    def refused(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.is_refused]

    @property
    def accepted(self) -> list[Outcome]:
        """People who get at least one new copy."""
        return [o for o in self.outcomes if not o.is_refused and o.new_templates]

    @property
    def unchanged(self) -> list[Outcome]:
        """People who already hold every copy: assigning again gives them nothing."""
        return [o for o in self.outcomes if not o.is_refused and not o.new_templates]

    @property
    def fingerprint(self) -> str:
        """What the preview promised: who gets which copies, who is refused and why."""
        rows = sorted(
            f"{o.person.pk if o.person else o.name}:{o.refusal}:"
            + ",".join(str(t.pk) for t in o.new_templates)
            for o in self.outcomes
        )
        return hashlib.sha256("|".join(rows).encode()).hexdigest()[:20]


class AssignmentRefused(Exception):
    """Nothing was assigned; ``preview`` says why (someone refused, or it changed)."""

    def __init__(self, preview: AssignmentPreview, *, changed: bool) -> None:
        super().__init__("assignment refused")
        self.preview = preview
        self.changed = changed


@dataclass(frozen=True)
class AssignmentDone:
    people: int
    objectives: int
    reopened: int


def assignment_preview(
    *,
    actor: User,
    cycle: AppraisalCycle,
    template_set: TemplateSet,
    people: list[User],
    unknown: Sequence[str] = (),
    plans: dict[int, PerformancePlan] | None = None,
) -> AssignmentPreview:
    """Each person's outcome, refusals first then by name (six queries at most).

    A person is refused who has left, belongs to no department (not an employee of
    the organisation: an administrator's account), is outside the departments a head assigner
    heads, is in a closed cycle, already has live objectives in an overlapping
    active cycle (issue 15 §4), or whose counted weights would go over 100 with
    the new copies. Copies a person already holds are not counted again.
    ``plans`` are the locked plans (``template_set_assign``); else they are read.
    """
    templates = list(template_set.templates.select_related("parent"))
    ids = [person.pk for person in people]
    template_ids = [template.pk for template in templates]
    held: dict[int, set[int]] = defaultdict(set)
    for employee_id, template_id in Objective.objects.filter(
        cycle=cycle, employee_id__in=ids, template_id__in=template_ids
    ).values_list("employee_id", "template_id"):
        held[employee_id].add(template_id)
    weights = dict(
        Objective.objects.filter(cycle=cycle, employee_id__in=ids)
        .exclude(status=Objective.Status.DROPPED)
        .values("employee_id")
        .annotate(total=Sum("weight"))
        .values_list("employee_id", "total")
    )
    others = _overlapping_cycles(cycle, ids)
    if plans is None:
        plans = {
            plan.employee_id: plan
            for plan in PerformancePlan.objects.filter(cycle=cycle, employee_id__in=ids)
            if plan.employee_id is not None
        }
    scope = None if user_roles(actor).is_hr else headed_subtree_ids(actor)
    outcomes = [Outcome(name=address, refusal=UNKNOWN) for address in unknown]
    for person in people:
        outcome = Outcome(
            name=person.full_name or person.email,
            person=person,
            existing=len(held[person.pk]),
            weight_before=int(weights.get(person.pk) or 0),
            plan=plans.get(person.pk),
            new_templates=[t for t in templates if t.pk not in held[person.pk]],
        )
        if not person.is_active:
            outcome.refusal = LEFT
        elif person.department_id is None:  # an admin account, say: nobody's employee
            outcome.refusal = NO_DEPARTMENT
        elif scope is not None and person.department_id not in scope:
            outcome.refusal = OUTSIDE
        elif cycle.is_closed:
            outcome.refusal = CLOSED
        elif outcome.new_templates and person.pk in others:
            outcome.refusal, outcome.other_cycle = OVERLAP, others[person.pk]
        elif outcome.new_templates and outcome.weight_after > WEIGHT_TOTAL:
            outcome.refusal = WEIGHTS
        outcomes.append(outcome)
    outcomes.sort(key=lambda o: (not o.is_refused, o.name.lower()))
    return AssignmentPreview(cycle, template_set, templates, outcomes)


def _overlapping_cycles(cycle: AppraisalCycle, ids: list[int]) -> dict[int, str]:
    """People with live objectives in another cycle that shares a month with ``cycle``
    where both being live would put them in two active cycles: person id -> cycle name
    (the rule of ``plans.cycles.subject_in_overlapping_cycle``, for many at once)."""
    if cycle.is_closed:
        return {}
    states = [AppraisalCycle.State.ACTIVE]
    if cycle.is_active:
        states.append(AppraisalCycle.State.PLANNING)
    rows = (
        Objective.objects.filter(
            cycle__in=cycles_sharing_months(cycle, states=states), employee_id__in=ids
        )
        .exclude(status=Objective.Status.DROPPED)
        .values_list("employee_id", "cycle__name")
    )
    return {employee_id: name for employee_id, name in rows}


def people_for_assignment(
    *,
    actor: User,
    department_id: int | None = None,
    include_below: bool = False,
    job_title: str = "",
    emails: list[str] | None = None,
) -> tuple[list[User], list[str]]:
    """Who an assignment is for, and the e-mail addresses that match nobody.

    A department (and, with ``include_below``, every department under it) or a job
    title: its active people (for a head, those in the departments they head and
    below). Chosen people: whoever the addresses name, left or not, in scope or
    not, so that the preview refuses them with the reason.
    """
    people = User.objects.select_related("department").order_by("full_name", "pk")
    if emails is not None:
        found = list(people.filter(email__in=emails))
        known = {person.email.lower() for person in found}
        return found, [address for address in emails if address not in known]
    people = people.filter(is_active=True)
    if department_id is not None:
        ids = department_subtree_ids(department_id) if include_below else {department_id}
        people = people.filter(department_id__in=ids)
    else:
        people = people.filter(job_title__iexact=job_title.strip())
        if not user_roles(actor).is_hr:
            people = people.filter(department_id__in=headed_subtree_ids(actor))
    return list(people), []


@transaction.atomic
def template_set_assign(
    *,
    actor: User,
    cycle: AppraisalCycle,
    template_set: TemplateSet,
    people: list[User],
    unknown: Sequence[str] = (),
    seen: str,
    others_only: bool = False,
) -> AssignmentDone:
    """Give each accepted person one copy of each template of the set they lack.

    Re-checked with the cycle and the plans locked: if the outcome differs from the
    preview the assigner saw (``seen``, ``AssignmentPreview.fingerprint``), or
    someone is refused and ``others_only`` is false, nothing is written and
    ``AssignmentRefused`` carries the new preview. Each copy: the template's
    fields, weight = default weight, phase targets by its pattern over the cycle's
    nodes, aligned to the template's objective only if it is in this cycle, and a
    "created" history entry. A plan confirmed by one side or both is reopened and
    its people told (issue 17 §1: a plan is never silently agreed). Queries: a fixed
    number, whatever the number of people.
    """
    cycle = AppraisalCycle.objects.select_for_update().get(pk=cycle.pk)
    ids = [person.pk for person in people]
    had_plan = set(
        PerformancePlan.objects.filter(cycle=cycle, employee_id__in=ids).values_list(
            "employee_id", flat=True
        )
    )
    if not cycle.is_closed:
        PerformancePlan.objects.bulk_create(
            [PerformancePlan(cycle=cycle, employee_id=pk) for pk in ids if pk not in had_plan],
            ignore_conflicts=True,
        )
    locked: dict[int, PerformancePlan] = {
        plan.employee_id: plan  # type: ignore[misc]
        for plan in PerformancePlan.objects.select_for_update(of=("self",))
        .filter(cycle=cycle, employee_id__in=ids)
        .select_related("employee_confirmed_by", "manager_confirmed_by")
        .order_by("pk")
    }
    preview = assignment_preview(
        actor=actor,
        cycle=cycle,
        template_set=template_set,
        people=people,
        unknown=unknown,
        plans=locked,
    )
    if preview.fingerprint != seen:
        raise AssignmentRefused(preview, changed=True)
    if preview.refused and not others_only:
        raise AssignmentRefused(preview, changed=False)
    # Plans made above for people who got nothing are not left behind.
    empty = [
        o.person.pk
        for o in preview.outcomes
        if o.person is not None and (o.is_refused or not o.new_templates)
    ]
    PerformancePlan.objects.filter(
        cycle=cycle, employee_id__in=[pk for pk in empty if pk not in had_plan]
    ).delete()
    return _copies_write(actor=actor, cycle=cycle, preview=preview)


def _copies_write(
    *, actor: User, cycle: AppraisalCycle, preview: AssignmentPreview
) -> AssignmentDone:
    accepted = preview.accepted
    targets = {t.pk: template_targets(t, cycle) for t in preview.templates}
    progress = {
        t.pk: copy_progress(cycle=cycle, measure=t.measure, target=t.target, targets=targets[t.pk])
        for t in preview.templates
    }
    copies = copies_insert(
        actor=actor,
        cycle=cycle,
        pairs=[
            (outcome.person.pk, template)
            for outcome in accepted
            if outcome.person is not None
            for template in outcome.new_templates
        ],
        progress=progress,
    )
    ids = [objective_id for objective_id, _template_id in copies]
    targets_insert(copies=copies, targets=targets)
    created_history_insert(
        actor=actor, copies=copies, titles={t.pk: t.title for t in preview.templates}
    )
    reopened = _plans_reopen(actor=actor, preview=preview, objective_ids=ids)
    return AssignmentDone(people=len(accepted), objectives=len(ids), reopened=reopened)


def _plans_reopen(*, actor: User, preview: AssignmentPreview, objective_ids: list[int]) -> int:
    """Clear the confirmations of every confirmed plan that got copies, record each
    reopening, and tell who confirms it (as ``plans.reopening._plan_reopen``, in bulk)."""
    outcomes = [o for o in preview.accepted if o.reopens]
    if not outcomes:
        return 0
    reopenings, notices = [], []
    first_change = first_changes(
        objective_ids=objective_ids, employee_ids=[o.person.pk for o in outcomes if o.person]
    )
    managers = {
        person.pk: person
        for person in User.objects.filter(
            pk__in=[o.person.manager_id for o in outcomes if o.person and o.person.manager_id],
            is_active=True,
        )
    }
    for outcome in outcomes:
        plan, person = outcome.plan, outcome.person
        assert plan is not None and person is not None  # noqa: S101 - ``reopens`` says so
        total = outcome.weight_after
        cause = (
            PlanReopening.Cause.WEIGHTS
            if plan.is_agreed and total != WEIGHT_TOTAL
            else PlanReopening.Cause.CHANGED
        )
        change = first_change.get(person.pk)
        reopenings.append(
            PlanReopening(
                plan=plan,
                reopened_by=actor,
                cause=cause,
                weight_total=total,
                objective_title=outcome.new_templates[0].title[:200],
                change=change,
                employee_confirmed_at=plan.employee_confirmed_at,
                manager_confirmed_at=plan.manager_confirmed_at,
            )
        )
        manager = managers.get(person.manager_id or 0) or (
            nearest_active_manager(person) if person.manager_id else None
        )
        recipients = {
            p.pk: p
            for p in (person, manager, plan.employee_confirmed_by, plan.manager_confirmed_by)
            if p is not None and p.pk != actor.pk
        }
        params = {
            "actor": actor.full_name,
            "subject": person.full_name,
            "cycle": preview.cycle.name,
            "total": total,
        }
        message = WEIGHTS_MESSAGE if cause == PlanReopening.Cause.WEIGHTS else CHANGED_MESSAGE
        notices += [(p, message, plan_url(plan), params) for p in recipients.values()]
    PlanReopening.objects.bulk_create(reopenings)
    PerformancePlan.objects.filter(pk__in=[r.plan_id for r in reopenings]).update(
        employee_confirmed_at=None,
        manager_confirmed_at=None,
        employee_confirmed_by=None,
        manager_confirmed_by=None,
    )
    notify_each(notices)
    return len(reopenings)
