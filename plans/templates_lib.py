"""Objective templates (issue 17 §1): the library's reads and writes, and the shape a
template gives a copy's phase targets.

Who keeps which sets is decided in ``plans.permissions`` (``template_sets_visible_to``);
assigning a set to people is ``plans.templates_assign``.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from accounts.concurrency import version_claim
from accounts.models import Department, User
from accounts.selectors import headed_subtree_ids, user_roles
from plans.models import (
    AppraisalCycle,
    Measure,
    Objective,
    ObjectiveTemplate,
    TemplateSet,
)
from plans.permissions import objectives_visible_to, template_sets_visible_to
from plans.services import targets_spread_evenly

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
# At most this many values in a curve (a cycle lasts at most 24 months).
CURVE_MAX_NODES = 36

TEMPLATE_FIELDS = (
    "title",
    "description",
    "measure",
    "unit",
    "target",
    "default_weight",
    "pattern",
    "curve",
    "parent",
)


# --- Reads ---------------------------------------------------------------------------


def template_sets_of(*, user: User) -> QuerySet[TemplateSet]:
    """The sets ``user`` keeps, each with ``template_count`` and ``weight_total`` (one query)."""
    return template_sets_visible_to(user).annotate(
        template_count=Count("templates"),
        weight_total=Coalesce(Sum("templates__default_weight"), 0),
    )


def templates_of(*, template_set: TemplateSet) -> list[ObjectiveTemplate]:
    """The set's templates, heaviest first, with their alignment and its cycle."""
    return list(template_set.templates.select_related("parent__cycle"))


def template_set_uses(*, template_set: TemplateSet) -> list[dict[str, Any]]:
    """Per cycle, how many people and departments hold copies of the set's templates:
    ``[{"cycle__name", "cycle_id", "subjects", "copies"}]``, newest cycle first."""
    return list(
        Objective.objects.filter(template__template_set=template_set)
        .values("cycle_id", "cycle__name", "cycle__start_date")
        .annotate(
            subjects=Count("employee", distinct=True) + Count("department", distinct=True),
            copies=Count("pk"),
        )
        .order_by("-cycle__start_date", "cycle__name")
    )


def template_owner_choices(*, user: User) -> QuerySet[Department]:
    """Departments a set of ``user``'s may belong to: any for HR, the headed ones (and
    below) for a head."""
    if user_roles(user).is_hr:
        return Department.objects.all()
    return Department.objects.filter(pk__in=headed_subtree_ids(user))


def template_parent_choices(*, user: User) -> QuerySet[Objective]:
    """Department objectives of open cycles that ``user`` may read: what a template may
    align its copies to (they are aligned only in the objective's own cycle)."""
    return (
        objectives_visible_to(user)
        .filter(department__isnull=False, employee__isnull=True)
        .exclude(cycle__state=AppraisalCycle.State.CLOSED)
        .exclude(status=Objective.Status.DROPPED)
        .order_by("-cycle__start_date", "department__name", "title")
    )


def curve_source_choices(*, user: User) -> QuerySet[Objective]:
    """Objectives with phase targets whose shape ``user`` may copy into a template:
    department objectives they may read and their own, in open cycles."""
    return (
        objectives_visible_to(user)
        .filter(Q(department__isnull=False, employee__isnull=True) | Q(employee_id=user.pk))
        .filter(targets__isnull=False)
        .exclude(cycle__state=AppraisalCycle.State.CLOSED)
        .distinct()
        .order_by("-cycle__start_date", "title", "pk")
    )


# --- Shapes of the targets -------------------------------------------------------------


def curve_of(objective: Objective) -> list[float]:
    """The objective's phase targets as cumulative percentages of its full value, one
    per target in month order (what a copied curve stores)."""
    planned = [target.planned for target in objective.targets.all()]
    if not planned:
        return []
    full = objective.full_value or max(planned) or Decimal(1)
    return [
        float((value / full * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)) for value in planned
    ]


def curve_problem(curve: Any) -> str | None:
    """Why ``curve`` is not a sane cumulative curve, or None: 1 to 36 numbers from 0 to
    100, never going down, the last above 0. Untranslated keys (see ``CURVE_PROBLEMS``)."""
    if not isinstance(curve, list) or not curve:
        return "empty"
    if len(curve) > CURVE_MAX_NODES:
        return "too_long"
    if not all(isinstance(value, int | float) and 0 <= value <= 100 for value in curve):
        return "range"
    if any(later < earlier for earlier, later in zip(curve, curve[1:], strict=False)):
        return "down"
    if curve[-1] <= 0:
        return "zero"
    return None


def _curve_at(curve: list[float], share: Decimal) -> Decimal:
    """The curve's cumulative percentage at ``share`` (0-1) of the way through, its
    points spread evenly and joined by straight lines from 0 at the start."""
    points = len(curve)
    position = share * points  # in units of one curve point
    index = int(position)
    if index >= points:
        return Decimal(str(curve[-1]))
    before = Decimal(0) if index == 0 else Decimal(str(curve[index - 1]))
    after = Decimal(str(curve[index]))
    return before + (after - before) * (position - index)


def pattern_shares(template: ObjectiveTemplate, nodes: list[dt.date]) -> list[Decimal]:
    """Cumulative share of the target (0-1) due at each of ``nodes``.

    Even: the same step each node. Back-loaded: node k adds k steps, so the last
    nodes carry most (1, 3, 6, 10 … of n(n+1)/2). Curve: the stored percentages,
    stretched over the cycle's nodes when their counts differ.
    """
    count = len(nodes)
    if template.pattern == ObjectiveTemplate.Pattern.BACK_LOADED:
        whole = Decimal(count * (count + 1))
        return [Decimal((i + 1) * (i + 2)) / whole for i in range(count)]
    if (
        template.pattern == ObjectiveTemplate.Pattern.CURVE
        and curve_problem(template.curve) is None
    ):
        if len(template.curve) == count:
            return [Decimal(str(value)) / HUNDRED for value in template.curve]
        return [_curve_at(template.curve, Decimal(i + 1) / count) / HUNDRED for i in range(count)]
    return [Decimal(i + 1) / count for i in range(count)]


def template_targets(template: ObjectiveTemplate, cycle: AppraisalCycle) -> dict[dt.date, Decimal]:
    """The phase targets a copy of ``template`` gets in ``cycle`` (month -> cumulative
    planned value). Even spreads as ``targets_spread_evenly`` does; a milestone is
    due at the node where its share reaches the whole."""
    copy = Objective(cycle=cycle, measure=template.measure, target=template.target)
    if template.pattern == ObjectiveTemplate.Pattern.EVEN:
        return targets_spread_evenly(copy)
    nodes = cycle.nodes
    shares = pattern_shares(template, nodes)
    if template.measure == Measure.MILESTONE:
        return {
            node: Decimal(1 if share >= 1 else 0) for node, share in zip(nodes, shares, strict=True)
        }
    full = copy.full_value
    return {
        node: (full * share).quantize(CENT, rounding=ROUND_HALF_UP)
        for node, share in zip(nodes, shares, strict=True)
    }


# --- Writes ----------------------------------------------------------------------------


@transaction.atomic
def template_set_save(
    *,
    actor: User,
    template_set: TemplateSet | None,
    name: str,
    description: str,
    department: Department | None,
    version: int | None = None,
) -> TemplateSet:
    """Create a set, or change one; a change is refused (``StaleEditError``) unless
    ``version`` is the set's stored version. The caller checked who may own it."""
    if template_set is None:
        template_set = TemplateSet(created_by=actor)
    else:
        template_set.version = version_claim(TemplateSet, template_set.pk, version)
    template_set.name = name
    template_set.description = description
    template_set.department = department
    template_set.save()
    return template_set


@transaction.atomic
def template_set_delete(*, actor: User, template_set: TemplateSet, version: int | None) -> None:
    """Delete a set and its templates (``StaleEditError`` if it changed since read).
    Copies already in plans stay, no longer linked to a template."""
    version_claim(TemplateSet, template_set.pk, version)
    template_set.delete()


@transaction.atomic
def objective_template_save(
    *,
    actor: User,
    template_set: TemplateSet,
    template: ObjectiveTemplate | None,
    version: int | None = None,
    **fields: Any,
) -> ObjectiveTemplate:
    """Add a template to ``template_set`` or change one (``TEMPLATE_FIELDS``); a change
    is refused (``StaleEditError``) unless ``version`` is the stored one. Copies
    already assigned are not changed: they are the people's objectives now."""
    if template is None:
        template = ObjectiveTemplate(template_set=template_set)
    else:
        template.version = version_claim(ObjectiveTemplate, template.pk, version)
    for name in TEMPLATE_FIELDS:
        if name in fields:
            setattr(template, name, fields[name])
    if template.pattern != ObjectiveTemplate.Pattern.CURVE:
        template.curve = []
    template.save()
    TemplateSet.objects.filter(pk=template_set.pk).update(updated_at=template.updated_at)
    return template


@transaction.atomic
def objective_template_delete(
    *, actor: User, template: ObjectiveTemplate, version: int | None
) -> None:
    """Remove a template from its set (``StaleEditError`` if it changed since read);
    its copies stay in the plans."""
    version_claim(ObjectiveTemplate, template.pk, version)
    template.delete()
