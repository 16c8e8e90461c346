"""Who may see and change coaching sessions, action items and improvement plans.

- The coach writes and edits a session; the private note is the coach's alone.
- The coachee (the employee, or the head of a coached department) reads the
  shared part, acknowledges and comments; the managers above read it too.
- HR sees that a session happened (date, type, duration), and its shared
  content only when the coach shared it with HR.
- Once a cycle is closed, sessions linked to its objectives and improvement plans
  of its objectives are read-only (issue 15 §4): nobody edits them, acknowledges
  them or ticks their steps; reading stays as before.
- So are the sessions and improvement plans of a person who has left: their
  record, read as before, never written again; nobody coaches them any more.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404

from accounts.inputs import param_id, required_id
from accounts.models import Department, User
from accounts.selectors import (
    all_reports_sql,
    headed_department_ids,
    headed_subtree_ids,
    in_reports,
    is_manager_of,
    user_roles,
)
from coaching.models import ActionItem, CalendarFeed, CoachingSession, ImprovementPlan
from plans.models import AppraisalCycle

CLOSED = AppraisalCycle.State.CLOSED


def sessions_of_closed_cycles() -> QuerySet[CoachingSession, Any]:
    """Sessions linked to an objective of a closed cycle, or held for an improvement plan
    of one: read-only, and nothing about them is reminded (issue 15 §4). For
    ``__in`` filters: one subquery, not a list of ids."""
    return CoachingSession.objects.filter(
        Q(objectives__cycle__state=CLOSED) | Q(improvement_plan__objective__cycle__state=CLOSED)
    ).values("pk")


def session_in_closed_cycle(session: CoachingSession) -> bool:
    """Is ``session`` linked to an objective of a closed cycle (so read-only)?"""
    return CoachingSession.objects.filter(pk=session.pk, objectives__cycle__state=CLOSED).exists()


def session_is_record(session: CoachingSession) -> bool:
    """Read-only for everybody: of a person who has left, or linked to a closed cycle."""
    employee = session.employee
    return (employee is not None and not employee.is_active) or session_in_closed_cycle(session)


def improvement_plan_in_closed_cycle(plan: ImprovementPlan) -> bool:
    objective = plan.objective
    return objective is not None and objective.cycle.is_closed


def sessions_visible_to(user: User) -> QuerySet[CoachingSession]:
    queryset = CoachingSession.objects.select_related("coach", "employee", "department")
    if user_roles(user).is_hr:
        return queryset
    reports = RawSQL(all_reports_sql(), [user.pk])  # noqa: S611
    return queryset.filter(
        Q(coach_id=user.pk)
        | Q(employee_id=user.pk)
        | Q(employee_id__in=reports)
        | Q(department_id__in=headed_subtree_ids(user))
        # The sessions of the period someone was (or was above) the line manager.
        | Q(line_manager_id=user.pk)
        | Q(line_manager_id__in=reports)
    )


def sessions_reported_to(user: User) -> QuerySet[CoachingSession]:
    """The sessions ``user``'s dashboards count, as ``reviews.permissions.tables_reported_to``
    counts tables: HR every one; anyone else each person's sessions of the time that
    person was in their chain — the line manager recorded on the session is ``user`` or
    one of their present reports (none recorded: the present chain) — and the sessions
    of the departments they head and those below; never the sessions they received.
    Counted by date and type only (metadata), so no content rule applies."""
    queryset = CoachingSession.objects.all()
    if user_roles(user).is_hr:
        return queryset
    in_chain_then = Q(line_manager_id=user.pk) | in_reports(user, "line_manager_id")
    not_recorded = Q(line_manager__isnull=True, employee__isnull=False) & in_reports(
        user, "employee_id"
    )
    headed = Q(department_id__in=headed_subtree_ids(user))
    return queryset.filter(in_chain_then | not_recorded | headed).exclude(employee_id=user.pk)


def is_coachee(user: User, session: CoachingSession) -> bool:
    if session.employee_id is not None:
        return session.employee_id == user.pk
    return session.department_id in headed_department_ids(user)


def can_read_session_content(user: User, session: CoachingSession) -> bool:
    if session.coach_id == user.pk or is_coachee(user, session):
        return True
    if session.employee_id is not None and is_manager_of(user, session.employee_id):
        return True
    if session.department_id is not None and session.department_id in headed_subtree_ids(user):
        return True
    if session.line_manager_id is not None and (
        session.line_manager_id == user.pk or is_manager_of(user, session.line_manager_id)
    ):
        # The line manager of the time, and those above them (issue 15, section 1).
        return True
    return session.shared_with_hr and user_roles(user).is_hr


def can_edit_session(user: User, session: CoachingSession) -> bool:
    return session.coach_id == user.pk and not session_is_record(session)


def can_acknowledge(user: User, session: CoachingSession) -> bool:
    return (
        is_coachee(user, session)
        and session.acknowledged_at is None
        and not session_is_record(session)
    )


def can_tick(user: User, item: ActionItem) -> bool:
    session = item.session
    mine = item.owner_id == user.pk or session.coach_id == user.pk or is_coachee(user, session)
    return mine and not session_is_record(session)


def can_coach(
    user: User, *, employee: User | None = None, department: Department | None = None
) -> bool:
    if employee is not None:
        # Nobody coaches someone who has left: their sessions are a record.
        return employee.is_active and is_manager_of(user, employee)
    if department is not None:
        return department.parent_id is not None and department.parent_id in headed_subtree_ids(user)
    return False


def get_session_for_user(user: User, pk: int, *, write: bool = False) -> CoachingSession:
    session = get_object_or_404(sessions_visible_to(user), pk=pk)
    if write and not can_edit_session(user, session):
        raise PermissionDenied
    if not write and not can_read_session_content(user, session) and not user_roles(user).is_hr:
        raise PermissionDenied
    return session


def improvement_plans_visible_to(user: User) -> QuerySet[ImprovementPlan]:
    queryset = ImprovementPlan.objects.select_related(
        "employee", "department", "objective__cycle", "opened_by"
    )
    if user_roles(user).is_hr:
        return queryset
    reports = RawSQL(all_reports_sql(), [user.pk])  # noqa: S611
    return queryset.filter(
        Q(employee_id=user.pk)
        | Q(employee_id__in=reports)
        # A department's plan: its head and every head above it (as its sessions).
        | Q(department_id__in=headed_subtree_ids(user))
        | Q(line_manager_id=user.pk)
        | Q(line_manager_id__in=reports)
    )


def improvement_plans_of_subject(user: User) -> Q:
    """The plans whose subject ``user`` is: their own, and their departments' (as head)."""
    return Q(employee_id=user.pk) | Q(department_id__in=headed_department_ids(user))


def can_edit_improvement_plan(user: User, plan: ImprovementPlan) -> bool:
    """The subject's coach: a manager above the employee (who has not left), or a head
    above the department; never in a closed cycle."""
    if improvement_plan_in_closed_cycle(plan):
        return False
    if plan.employee_id is not None:
        return (
            plan.employee is not None
            and plan.employee.is_active
            and is_manager_of(user, plan.employee_id)
        )
    return plan.department is not None and can_coach(user, department=plan.department)


def get_coachee_for_user(user: User, params: QueryDict) -> tuple[User | None, Department | None]:
    """The employee or department (``employee`` or ``department`` in ``params``) that
    ``user`` may coach: 404 for nobody, 403 for someone ``user`` does not coach."""
    department_id = param_id(params, "department")
    if department_id is not None:
        department = get_object_or_404(Department, pk=department_id)
        if not can_coach(user, department=department):
            raise PermissionDenied
        return None, department
    employee = get_object_or_404(User, pk=required_id(params, "employee"), is_active=True)
    if not can_coach(user, employee=employee):
        raise PermissionDenied
    return employee, None


def get_action_item_for_user(user: User, pk: int) -> ActionItem:
    """A step ``user`` may tick: of a session they see (else 404) and read, and theirs to
    tick (else 403)."""
    item = get_object_or_404(
        ActionItem.objects.select_related("session__employee", "owner"),
        pk=pk,
        session__in=sessions_visible_to(user),
    )
    if not (can_tick(user, item) and can_read_session_content(user, item.session)):
        raise PermissionDenied
    return item


def get_calendar_feed(token: str) -> CalendarFeed:
    """The feed of ``token`` if its person is still active, else 404: the token is the
    only key."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    if not feed.user.is_active:
        raise Http404
    return feed
