"""Who sees and changes praise (issue 18 §1): the one access rule, used everywhere.

A praise is seen by
- its recipient and its giver;
- the recipient's managers: everyone above them now, and their line manager when it
  was given (``line_manager``, kept by ``OrgRecord``);
- with *department* visibility, also the present members of the recipient's
  department of the time (``home_department``) and the heads of it and of every
  department above it;
- with *organisation* visibility, every active person.

HR has no special right: a praise is the recipient's to show. A withdrawn praise is
seen by its giver alone, marked withdrawn; for everyone else it is gone (404), from
every page, wall and list. Only the recipient chooses the visibility; only the giver
withdraws. The objective a praise served is named only to those who may read the
recipient's objectives (``plans.permissions``), the session it came from linked only
for those who may read that session (``coaching.permissions``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from accounts.selectors import headed_subtree_ids, in_reports, user_roles
from coaching.models import CoachingSession, CoachingType
from coaching.permissions import can_read_session_content, get_session_for_user
from coaching.praise_models import Praise, PraiseVisibility
from plans.permissions import can_read_objectives_of

SHOWN_BEYOND_MANAGERS = (PraiseVisibility.DEPARTMENT, PraiseVisibility.ORGANISATION)
# Says nothing of the account typed (its name, its department): an address tells no more
# than the organisation chart, which everyone may browse, already does.
NOT_IN_CHART = _("Only people in the organisation chart (in a department) can be praised.")
SELF_PRAISE = _("You cannot praise yourself.")


def wall_department_ids(user: User) -> frozenset[int]:
    """The departments whose wall ``user`` reads: their own (now) and those they head,
    with every department below those."""
    ids = set(headed_subtree_ids(user))
    if user.department_id is not None:
        ids.add(user.department_id)
    return frozenset(ids)


def praise_visible_to(user: User) -> QuerySet[Praise]:
    """Every praise ``user`` may see (the module's rule), with what its pages show."""
    queryset = Praise.objects.select_related(
        "employee", "giver", "value", "objective__cycle", "home_department"
    )
    if not user.is_active:
        return queryset.none()
    about = (
        Q(employee_id=user.pk)
        | Q(line_manager_id=user.pk)
        | in_reports(user, "employee_id")
        | Q(
            visibility__in=SHOWN_BEYOND_MANAGERS,
            home_department_id__in=wall_department_ids(user),
        )
        | Q(visibility=PraiseVisibility.ORGANISATION)
    )
    return queryset.filter(Q(giver_id=user.pk) | (Q(withdrawn_at__isnull=True) & about))


def get_praise_for_user(user: User, pk: int) -> Praise:
    """The praise if ``user`` may see it, else 404 (withdrawn: its giver only)."""
    return get_object_or_404(praise_visible_to(user), pk=pk)


def can_set_praise_visibility(user: User, praise: Praise) -> bool:
    """The recipient alone, while the praise stands."""
    return praise.employee_id == user.pk and praise.withdrawn_at is None


def can_withdraw_praise(user: User, praise: Praise) -> bool:
    return praise.giver_id == user.pk and praise.withdrawn_at is None


def in_organisation_chart(person: User) -> bool:
    """Active and in a department: the people praise can be for (never a technical
    account such as the demo's administrator)."""
    return person.is_active and person.department_id is not None


def can_praise(user: User, employee: User) -> bool:
    """Any active person praises any other person of the organisation chart, never
    themselves."""
    return user.is_active and in_organisation_chart(employee) and employee.pk != user.pk


def praise_refusal(user: User, employee: User) -> str:
    """Why ``user`` cannot praise the active ``employee`` ("" when they can)."""
    if employee.pk == user.pk:
        return str(SELF_PRAISE)
    if not in_organisation_chart(employee):
        return str(NOT_IN_CHART)
    return ""


def can_praise_from_session(user: User, session: CoachingSession) -> bool:
    """The coach of an employee's encouragement session with something that went well
    (and a coachee still here) may turn it into praise."""
    employee = session.employee
    return (
        session.coach_id == user.pk
        and employee is not None
        and session.type == CoachingType.ENCOURAGEMENT
        and bool(session.strengths.strip())
        and can_praise(user, employee)
    )


def get_praise_session_for_user(user: User, pk: int) -> CoachingSession:
    """The session praise is given from: one ``user`` sees (else 404) and may turn into
    praise (else 403)."""
    session = get_session_for_user(user, pk)
    if not can_praise_from_session(user, session):
        raise PermissionDenied
    return session


def get_wall_department_for_user(user: User, pk: int) -> Department:
    """A department whose wall ``user`` reads: 404 for none, 403 for someone else's."""
    department = get_object_or_404(Department, pk=pk)
    if department.pk not in wall_department_ids(user):
        raise PermissionDenied
    return department


def can_manage_company_values(user: User) -> bool:
    return user_roles(user).is_hr


def require_company_values_manager(user: User) -> None:
    if not can_manage_company_values(user):
        raise PermissionDenied


def shows_objective(viewer: User, praise: Praise) -> bool:
    """Is the objective the praise served named to ``viewer``? (No query once the
    viewer's reports are known.)"""
    return praise.objective_id is not None and can_read_objectives_of(
        viewer, employee=praise.employee
    )


def shows_session(viewer: User, praise: Praise) -> bool:
    """Is the session the praise came from linked for ``viewer``?"""
    return praise.session is not None and can_read_session_content(viewer, praise.session)


def mark_for_viewer(viewer: User, items: Iterable[Praise]) -> list[Praise]:
    """The praise of a list, each with ``objective_shown`` set for ``viewer``."""
    marked = list(items)
    for praise in marked:
        praise.objective_shown = shows_objective(viewer, praise)  # type: ignore[attr-defined]
    return marked
