"""Extension points of the plan pages: how a higher app adds to a page of ``plans``.

The rule, one for the whole product:

- A page is served by the app that owns what it is about: an objective's page by
  ``plans``, a session's by ``coaching``, a review table's by ``reviews``.
- Where a page of a lower app also shows something of a higher one (the objective
  page's "Log session" button, a department plan's coaching link), the lower app
  names an extension point for it, here, and the higher app registers into it in
  its ``AppConfig.ready()``. The lower app never imports the higher one: ``plans``
  imports neither ``coaching`` nor ``reviews``, and knows nothing of what is
  registered beyond the point's typed signature.
- Django signals are not used for this, nor for changes that span apps (an
  off-boarding, a move): those are orchestrated by a service in the highest app
  they touch.

Each point is a ``LinkPoint`` (``accounts.extensions``, where the organisation's
own points are): providers take the page's viewer and subject and
return the links to show, in registration order; a provider returns none where
the viewer may not use them (it checks access with its own app's permissions).
"""

from __future__ import annotations

from accounts.extensions import LinkPoint
from accounts.models import Department, User
from plans.models import AppraisalCycle, Objective
from plans.selectors import Progress

objective_actions: LinkPoint[[User, Objective, Progress]] = LinkPoint("objective_actions")
"""Buttons beside an objective's title: ``(viewer, objective, its progress)``."""

objective_records: LinkPoint[[User, Objective]] = LinkPoint("objective_records")
"""Records of higher apps about the objective, listed under "Follow-up" on its page:
``(viewer, objective)``. ``coaching`` lists the improvement plans opened for it."""

team_records: LinkPoint[[User]] = LinkPoint("team_records")
"""Records of higher apps that ask the viewer to act on their team, listed above the
Team page: ``(viewer,)``. ``coaching`` lists the open checkpoints the viewer coaches."""

plan_actions: LinkPoint[[User, AppraisalCycle, User | None, Department | None]] = LinkPoint(
    "plan_actions"
)
"""Buttons of a plan's status card, before "Add objective": ``(viewer, cycle, employee,
department)``, one of the last two set. A closed cycle's plan, or a leaver's, is a record:
a provider offers no write there."""

cycle_actions: LinkPoint[[User, AppraisalCycle]] = LinkPoint("cycle_actions")
"""Buttons of HR's cycle page, before its state buttons: ``(viewer, cycle)``. ``reviews``
adds "Close the cycle": closing first deals with the cycle's open review tables."""
