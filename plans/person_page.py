"""The objectives section of a person's page (``accounts.extensions.person_panels``),
registered by ``PlansConfig.ready()``: ``accounts`` shows it without importing ``plans``."""

from __future__ import annotations

from django.template.loader import render_to_string

from accounts.extensions import PagePanel
from accounts.links import pk_url
from accounts.models import User
from plans.permissions import can_read_objectives_of
from plans.selectors import current_cycle
from plans.team_selectors import plans_by_employee, team_objectives


def person_objectives_panel(viewer: User, person: User) -> list[PagePanel]:
    """``person``'s objectives of the current cycle with their progress against the plan
    for today, for whoever reads that person's objectives (themselves, the managers above
    them, HR: ``can_read_objectives_of``); nothing for anyone else. A fixed number of
    queries however many objectives there are."""
    if not can_read_objectives_of(viewer, employee=person):
        return []
    cycle = current_cycle()
    objectives = []
    plan = None
    if cycle is not None:
        objectives = team_objectives(cycle=cycle, employee_ids=[person.pk])[person.pk]
        plan = plans_by_employee(cycle=cycle, employee_ids=[person.pk]).get(person.pk)
    context = {
        "person": person,
        "cycle": cycle,
        "objectives": objectives,
        "plan": plan,
        "all_url": pk_url("plans:person_objectives", person.pk),
        "lagging": sum(1 for _objective, progress in objectives if progress.is_lagging),
    }
    return [PagePanel(render_to_string("plans/_person_objectives.html", context))]
