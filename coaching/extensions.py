"""Coaching's entries in the plan pages' extension points (``plans.extensions``),
and the points of coaching's own pages.

Registered by ``CoachingConfig.ready()``: ``plans`` shows them without importing
``coaching``; ``reviews`` registers into ``session_records`` the same way.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.extensions import LinkPoint, PageLink, PagePanel
from accounts.links import named_url
from accounts.models import Department, User
from coaching.checkpoint_models import Checkpoint
from coaching.checkpoints import checkpoints_to_talk
from coaching.models import CoachingSession, ImprovementPlan
from coaching.permissions import can_coach
from coaching.selectors import improvement_plans_of
from coaching.trajectory import person_trajectory
from plans.models import AppraisalCycle, Objective
from plans.permissions import can_read_employee_subject
from plans.selectors import Progress

session_records: LinkPoint[[User, CoachingSession]] = LinkPoint("session_records")
"""Records of higher apps about a session, under *Follow-up* on its page: ``(viewer,
session)``. ``reviews`` links the monthly review table whose conversation it was."""


def objective_coaching_links(
    user: User, objective: Objective, progress: Progress
) -> list[PageLink]:
    """For the coach of the objective's person or department: log a session about it,
    and open an improvement plan if it lags. Nothing for an objective of a closed cycle
    (or of someone who has left, whom ``can_coach`` refuses): it is a record."""
    employee, department = objective.employee, objective.department
    if objective.cycle.is_closed:
        return []
    if employee is not None and can_coach(user, employee=employee):
        subject = {"employee": employee.pk}
    elif department is not None and can_coach(user, department=department):
        subject = {"department": department.pk}
    else:
        return []
    query = urlencode({**subject, "objective": objective.pk})
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
    """For whoever coaches the department: log a session with it, or open an
    improvement plan for it (not from the plan of a closed cycle, a record)."""
    if department is None or cycle.is_closed or not can_coach(user, department=department):
        return []
    query = urlencode({"department": department.pk})
    return [
        PageLink(
            label=_("Log session"),
            url=f"{named_url('coaching:session_new')}?{query}",
            style="btn-outline-primary",
        ),
        PageLink(
            label=_("Open an improvement plan"),
            url=f"{named_url('coaching:improvement_plan_new')}?{query}",
            style="btn-outline-danger",
        ),
    ]


def improvement_plan_link(plan: ImprovementPlan, today: dt.date) -> PageLink:
    """A plan as a line of a page's follow-up: when it was opened and where it stands."""
    if plan.outcome_due(today):
        state, style = _("outcome due"), "btn-outline-warning"
    elif not plan.is_open:
        state, style = plan.get_outcome_display(), "btn-outline-secondary"
    else:
        upcoming = plan.next_review_on(today)
        state = (
            _("next review %(day)s") % {"day": date_format(upcoming, "SHORT_DATE_FORMAT")}
            if upcoming
            else str(plan.get_outcome_display())
        )
        style = "btn-outline-danger"
    label = _("Improvement plan for %(name)s, opened %(day)s: %(state)s") % {
        "name": plan.subject_name,
        "day": date_format(plan.opened_on, "SHORT_DATE_FORMAT"),
        "state": state,
    }
    return PageLink(label=label, url=plan.get_absolute_url(), style=style)


def objective_improvement_plans(user: User, objective: Objective) -> list[PageLink]:
    """The improvement plans opened for the objective that ``user`` may see."""
    today = timezone.localdate()
    return [
        improvement_plan_link(plan, today)
        for plan in improvement_plans_of(user=user, objective=objective)
    ]


def person_improvement_plans(user: User, person: User) -> list[PageLink]:
    """The person's improvement plans that ``user`` may see."""
    today = timezone.localdate()
    return [
        improvement_plan_link(plan, today)
        for plan in improvement_plans_of(user=user, employee=person)
    ]


# What ``checkpoint_link(with_subject=True)`` reads of a checkpoint from
# ``checkpoints_to_talk``: the rest of its four joined rows is not selected (on the Team
# page, a query with no checkpoint to show was ~1 ms of compiling those columns).
CHECKPOINT_LINK_FIELDS = (
    "month",
    "answered_at",
    "decision",
    "improvement_plan_id",
    "objective__title",
    "objective__employee__full_name",
    "objective__employee__email",
    "objective__department__name",
)


def checkpoint_link(checkpoint: Checkpoint, *, with_subject: bool) -> PageLink:
    """A checkpoint as a line of a page: its node, and whether it waits for the talk."""
    params = {
        "node": date_format(checkpoint.month, "YEAR_MONTH_FORMAT"),
        "objective": checkpoint.objective.title,
        "subject": str(checkpoint.objective.subject),
    }
    if checkpoint.is_open:
        label = (
            _("Checkpoint to talk through: %(subject)s · “%(objective)s” missed at %(node)s")
            if with_subject
            else _("Checkpoint of the %(node)s time node: to talk through")
        )
        return PageLink(
            label=label % params, url=checkpoint.get_absolute_url(), style="btn-warning"
        )
    params["decision"] = checkpoint.decision_done
    label = (
        _("Checkpoint: %(subject)s · “%(objective)s” at %(node)s: %(decision)s")
        if with_subject
        else _("Checkpoint of the %(node)s time node: %(decision)s")
    )
    return PageLink(label=label % params, url=checkpoint.get_absolute_url())


def objective_checkpoints(user: User, objective: Objective) -> list[PageLink]:
    """The objective's checkpoints, latest node first: whoever sees the objective (the
    page checked it) sees its checkpoints (``checkpoints_visible_to``)."""
    checkpoints = (
        Checkpoint.objects.filter(objective=objective)
        .select_related("objective__employee", "objective__department")
        .order_by("-month")
    )
    return [checkpoint_link(checkpoint, with_subject=False) for checkpoint in checkpoints]


TEAM_CHECKPOINTS_SHOWN = 5


def team_checkpoints(user: User) -> list[PageLink]:
    """The open checkpoints ``user`` coaches (the oldest few), and a link to them all."""
    waiting = list(
        checkpoints_to_talk(user).only(*CHECKPOINT_LINK_FIELDS)[: TEAM_CHECKPOINTS_SHOWN + 1]
    )
    links = [checkpoint_link(c, with_subject=True) for c in waiting[:TEAM_CHECKPOINTS_SHOWN]]
    if len(waiting) > TEAM_CHECKPOINTS_SHOWN:
        links.append(
            PageLink(
                label=_("All checkpoints to talk through"),
                url=named_url("coaching:checkpoint_list"),
                style="btn-link",
            )
        )
    return links


def person_trajectory_panel(user: User, person: User) -> list[PagePanel]:
    """The person's coaching trajectory — reading, chart and table — on their page, for
    whoever may open their timeline (``can_read_employee_subject``, the timeline's rule),
    counted as they may see it (issue 17 §5); none for someone not coached in the period."""
    if not can_read_employee_subject(user, person):
        return []
    trajectory = person_trajectory(viewer=user, person=person)
    if not trajectory.session_total:
        return []  # never coached in the period: nothing to read
    return [PagePanel(render_to_string("coaching/_trajectory.html", {"trajectory": trajectory}))]
