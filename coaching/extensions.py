"""Coaching's entries in the plan pages' extension points (``plans.extensions``).

Registered by ``CoachingConfig.ready()``: ``plans`` shows them without importing
``coaching``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils.translation import gettext as _

from accounts.extensions import PageLink
from accounts.links import named_url
from accounts.models import Department, User
from coaching.permissions import can_coach
from plans.models import AppraisalCycle, Objective
from plans.selectors import Progress


def objective_coaching_links(
    user: User, objective: Objective, progress: Progress
) -> list[PageLink]:
    """For the person's coach: log a session about it, and open an improvement plan if it
    lags. Nothing for an objective of a closed cycle (or of someone who has left,
    whom ``can_coach`` refuses): it is a record."""
    employee = objective.employee
    if employee is None or objective.cycle.is_closed or not can_coach(user, employee=employee):
        return []
    query = urlencode({"employee": employee.pk, "objective": objective.pk})
    links = [
        PageLink(
            label=_("Log session"),
            url=f"{named_url('coaching:session_new')}?{query}",
            style="btn-outline-primary",
        )
    ]
    if progress.is_lagging:
        links.append(
            PageLink(
                label=_("Open an improvement plan"),
                url=f"{named_url('coaching:improvement_plan_new')}?{query}",
                style="btn-outline-danger",
            )
        )
    return links


def plan_coaching_links(
    user: User, cycle: AppraisalCycle, employee: User | None, department: Department | None
) -> list[PageLink]:
    """For whoever coaches the department: log a session with it (not from the plan of a
    closed cycle, a record)."""
    if department is None or cycle.is_closed or not can_coach(user, department=department):
        return []
    return [
        PageLink(
            label=_("Log session"),
            url=f"{named_url('coaching:session_new')}?{urlencode({'department': department.pk})}",
            style="btn-outline-primary",
        )
    ]
