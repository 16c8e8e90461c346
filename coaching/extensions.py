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
from plans.models import Objective
from plans.selectors import Progress


def objective_coaching_links(
    user: User, objective: Objective, progress: Progress
) -> list[PageLink]:
    """For the person's coach: log a session, and open an improvement plan if it lags."""
    employee = objective.employee
    if employee is None or not can_coach(user, employee=employee):
        return []
    links = [
        PageLink(
            label=_("Log session"),
            url=f"{named_url('coaching:session_new')}?{urlencode({'employee': employee.pk})}",
            style="btn-outline-primary",
        )
    ]
    if progress.is_lagging and not objective.cycle.is_closed:
        query = urlencode({"employee": employee.pk, "objective": objective.pk})
        links.append(
            PageLink(
                label=_("Open an improvement plan"),
                url=f"{named_url('coaching:improvement_plan_new')}?{query}",
                style="btn-outline-danger",
            )
        )
    return links


def plan_coaching_links(
    user: User, employee: User | None, department: Department | None
) -> list[PageLink]:
    """For whoever coaches the department: log a session with it."""
    if department is None or not can_coach(user, department=department):
        return []
    return [
        PageLink(
            label=_("Log session"),
            url=f"{named_url('coaching:session_new')}?{urlencode({'department': department.pk})}",
            style="btn-outline-primary",
        )
    ]
