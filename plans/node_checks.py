"""Checking the phase targets at each time node (issue 16 §1; source text, answer 7:
"verify the completion of the phase target in the stage").

When a time node's month has ended, every objective of an active cycle that has
a phase target by then is judged once — met or missed — against the value it
had reached: the latest check-in dated on or before the node's last day, as the
review table's actual is prefilled. The verdict is stored (``TargetCheck``) and
never recomputed, so changing the plan later does not rewrite what happened.

Not judged: dropped objectives, those of people who have left, and nodes that
passed before the objective existed (it could not have been worked on).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from plans.models import AppraisalCycle, CheckIn, Objective, PhaseTarget, TargetCheck
from plans.months import month_end


def passed_nodes(cycle: AppraisalCycle, today: dt.date) -> list[dt.date]:
    """The cycle's time nodes (first days of their months) whose month ended before
    ``today``, oldest first."""
    return [node for node in cycle.nodes if month_end(node) < today]


def is_met(planned: object, reached: object, status: str) -> bool:
    """Met when the value reached is at least the target, when the target asked for
    nothing yet (0), or when the objective was marked achieved; otherwise no check-in
    by the node is a miss."""
    if status == Objective.Status.ACHIEVED or planned is None or planned <= 0:  # type: ignore[operator]
        return True
    return reached is not None and reached >= planned  # type: ignore[operator]


@dataclass
class NodeCheckResult:
    """What one run recorded: every new check, and which of them are at the latest
    node of their cycle (those a coach acts on; older ones are history)."""

    checks: list[TargetCheck] = field(default_factory=list)
    latest_ids: set[int] = field(default_factory=set)

    @property
    def missed_at_latest(self) -> list[TargetCheck]:
        return [c for c in self.checks if not c.met and c.pk in self.latest_ids]


def _unchecked(cycle: AppraisalCycle, node: dt.date) -> QuerySet[Any]:
    """The cycle's objectives to judge at ``node`` that have no verdict there yet, with
    the target and the value reached at the node annotated."""
    last_day = month_end(node)
    return (
        Objective.objects.filter(cycle=cycle, created_at__date__lte=last_day)
        .exclude(status=Objective.Status.DROPPED)
        .exclude(employee__is_active=False)
        .exclude(target_checks__month=node)
        .annotate(
            node_planned=Subquery(
                PhaseTarget.objects.filter(objective=OuterRef("pk"), month__lte=node)
                .order_by("-month")
                .values("planned")[:1]
            ),
            node_reached=Subquery(
                CheckIn.objects.filter(objective=OuterRef("pk"), recorded_on__lte=last_day)
                .order_by("-recorded_on", "-created_at")
                .values("value")[:1]
            ),
        )
        .filter(node_planned__isnull=False)
        .only("pk", "status")
    )


def target_checks_record(*, today: dt.date | None = None) -> NodeCheckResult:
    """Judge every objective of the active cycles at each of their passed time nodes not
    judged yet; safe to run again (unique per objective and node: a second run, or two
    at once, records nothing twice).

    Returns the checks this run recorded. One query per passed node of each active
    cycle to find what is left to judge, and one insert per node.
    """
    today = today or timezone.localdate()
    stamp = timezone.now()
    result = NodeCheckResult()
    for cycle in AppraisalCycle.objects.filter(state=AppraisalCycle.State.ACTIVE):
        nodes = passed_nodes(cycle, today)
        for node in nodes:
            new = [
                TargetCheck(
                    objective_id=objective.pk,
                    month=node,
                    planned=objective.node_planned,
                    reached=objective.node_reached,
                    met=is_met(objective.node_planned, objective.node_reached, objective.status),
                    checked_at=stamp,
                )
                for objective in _unchecked(cycle, node)
            ]
            if not new:
                continue
            TargetCheck.objects.bulk_create(new, ignore_conflicts=True)
            # Those this run wrote (another run's, written at once, have another stamp).
            written = list(
                TargetCheck.objects.filter(
                    month=node,
                    checked_at=stamp,
                    objective_id__in=[check.objective_id for check in new],
                )
            )
            result.checks.extend(written)
            if node == nodes[-1]:
                result.latest_ids.update(check.pk for check in written)
    return result


def target_checks_of(objective: Objective) -> list[TargetCheck]:
    """The objective's checks, oldest node first."""
    return list(TargetCheck.objects.filter(objective=objective).order_by("month"))
