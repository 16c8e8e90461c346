"""Who may see and change plans, objectives and check-ins (DESIGN.md §2).

- A person sees and edits their own objectives; the managers above them (direct
  and indirect) see and edit them too; HR reads everything.
- Department objectives are seen by the department's members and everyone in
  the departments below it, and by heads of the department or any department
  above it; they are edited by those heads.
- A closed cycle is read-only for everybody; check-ins need an active cycle.
- The plan of a person who has left is a read-only record: nobody adds, edits,
  confirms or checks in on it (their managers and HR still read it).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404

from accounts.inputs import param_id
from accounts.models import Department, User
from accounts.selectors import (
    all_reports_sql,
    department_ancestor_ids,
    former_periods,
    headed_subtree_ids,
    is_manager_of,
    user_roles,
    was_line_manager_of,
)
from plans.models import (
    AppraisalCycle,
    Objective,
    ObjectiveTemplate,
    PerformancePlan,
    TemplateSet,
)


def can_manage_cycles(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (user_roles(user).is_hr or user.is_superuser)


def can_read_every_plan(user: User) -> bool:
    """HR reads every plan; an administrator who is not HR manages cycles but reads
    no one's plan (so pages show them names, not links)."""
    return user_roles(user).is_hr


def visible_department_ids(user: User) -> frozenset[int]:
    """Departments whose objectives the person may read."""
    ids = set(headed_subtree_ids(user))
    if user.department_id:
        ids.update(department_ancestor_ids(user.department_id))
    return frozenset(ids)


def objectives_visible_to(user: User) -> QuerySet[Objective]:
    queryset = Objective.objects.select_related("cycle", "employee", "department", "parent")
    if user_roles(user).is_hr:
        return queryset
    return queryset.filter(
        Q(employee_id=user.pk)
        | Q(employee_id__in=RawSQL(all_reports_sql(), [user.pk]))  # noqa: S611
        | Q(department_id__in=visible_department_ids(user))
    )


def _heads_department_or_above(user: User, department: Department | int) -> bool:
    department_id = department if isinstance(department, int) else department.pk
    return department_id in headed_subtree_ids(user)


def can_edit_subject(
    user: User, *, employee: User | None = None, department: Department | None = None
) -> bool:
    """May ``user`` write the plan of this employee or department? Never of someone who
    has left: their plan is a record."""
    if employee is not None:
        return employee.is_active and (employee.pk == user.pk or is_manager_of(user, employee))
    if department is not None:
        return _heads_department_or_above(user, department)
    return False


def can_edit_objective(user: User, objective: Objective) -> bool:
    if objective.cycle.is_closed:
        return False
    return can_edit_subject(user, employee=objective.employee, department=objective.department)


def can_check_in(user: User, objective: Objective) -> bool:
    return objective.cycle.is_active and can_edit_objective(user, objective)


def can_read_objectives_of(
    user: User, *, employee: User | None = None, department: Department | None = None
) -> bool:
    """Does ``objectives_visible_to(user)`` hold this subject's objectives? (The same
    rule, for one subject: a page showing a whole plan asks it once.) One's own: yes,
    without looking up one's roles."""
    if employee is not None and employee.pk == user.pk:
        return True
    if user_roles(user).is_hr:
        return True
    if employee is not None:
        return is_manager_of(user, employee)
    return department is not None and department.pk in visible_department_ids(user)


def can_open_carried_origin(copy: Objective, *, reads_copy: bool) -> bool:
    """May the reader of ``copy`` open the objective it was carried forward from
    (issue 17 §2, the "carried from" badge)? ``reads_copy``: the reader may open
    ``copy`` itself (``objectives_visible_to``, or ``can_read_objectives_of`` for its
    subject).

    Who may open an objective depends on its subject only, so whoever reads the copy
    reads an original of the same subject; an original whose subject has changed
    since (in the admin) is not linked. Needs ``copy.carried_from`` loaded; no query.
    """
    origin = copy.carried_from if copy.carried_from_id is not None else None
    return (
        reads_copy
        and origin is not None
        and origin.employee_id == copy.employee_id
        and origin.department_id == copy.department_id
    )


def get_objective_for_user(user: User, pk: int, *, write: bool = False) -> Objective:
    """The objective if ``user`` may see it (else 404), and change it (else 403)."""
    objective = get_object_or_404(objectives_visible_to(user), pk=pk)
    if write and not can_edit_objective(user, objective):
        raise PermissionDenied
    return objective


def plan_sides(user: User, plan: PerformancePlan) -> set[str]:
    """Which sides of a plan ``user`` may confirm: "employee", "manager", both or none."""
    sides: set[str] = set()
    if plan.cycle.is_closed:
        return sides
    if plan.employee is not None and not plan.employee.is_active:
        return sides  # a leaver's plan is a record: nobody confirms it any more
    if plan.employee_id is not None:
        if plan.employee_id == user.pk:
            sides.add("employee")
        if is_manager_of(user, plan.employee_id):
            sides.add("manager")
    elif plan.department_id is not None:
        department = plan.department
        assert department is not None  # noqa: S101
        if department.head_id == user.pk:
            sides.add("employee")
        if department.parent_id and _heads_department_or_above(user, department.parent_id):
            sides.add("manager")
    return sides


def get_cycle_for_hr(user: User, pk: int) -> AppraisalCycle:
    if not can_manage_cycles(user):
        raise PermissionDenied
    return get_object_or_404(AppraisalCycle, pk=pk)


def get_employee_subject(user: User, pk: int, *, write: bool = False) -> User:
    """A person whose plan ``user`` may see (self, reports, or anyone for HR) or, with
    ``write``, change (self and reports, while the person is active).

    Someone who left stays readable by HR and by the managers above them; a former
    line manager keeps reading the records of the person they managed (issue 15).
    """
    person = get_object_or_404(User.objects.select_related("department"), pk=pk)
    if write:
        if not ((person.pk == user.pk or is_manager_of(user, person)) and person.is_active):
            raise PermissionDenied
        return person
    if not can_read_employee_subject(user, person):
        raise PermissionDenied
    return person


def can_read_employee_subject(user: User, person: User) -> bool:
    """``get_employee_subject``'s read rule for a person already at hand: themselves, the
    managers above them, HR, and their former line managers (one query, for the last)."""
    return (
        person.pk == user.pk
        or is_manager_of(user, person)
        or user_roles(user).is_hr
        or was_line_manager_of(user, person)
    )


def former_periods_only(user: User, person: User) -> list[tuple[dt.date, dt.date]] | None:
    """For a viewer who reads ``person`` only as a former manager, the periods they
    managed (``accounts.selectors.former_periods``); None for anyone who reads more
    (themselves, a manager above them now, HR)."""
    if person.pk == user.pk or is_manager_of(user, person) or user_roles(user).is_hr:
        return None
    return former_periods(user, person)


def get_department_subject(user: User, pk: int, *, write: bool = False) -> Department:
    department = get_object_or_404(Department.objects.select_related("head", "parent"), pk=pk)
    if write:
        if not _heads_department_or_above(user, department):
            raise PermissionDenied
    elif not (user_roles(user).is_hr or department.pk in visible_department_ids(user)):
        raise PermissionDenied
    return department


def get_plan_subject(
    user: User, params: QueryDict, *, write: bool = False
) -> tuple[User | None, Department | None]:
    """The employee or department a plan form is about (``employee`` or ``department``
    in ``params``), as ``user`` may see (or write) it; ``BadRequest`` without either."""
    department_id = param_id(params, "department")
    employee_id = param_id(params, "employee")
    if department_id is not None:
        return None, get_department_subject(user, department_id, write=write)
    if employee_id is None:
        raise BadRequest("Say whose plan this is.")
    return get_employee_subject(user, employee_id, write=write), None


# --- Objective templates (issue 17 §1) ---------------------------------------------


def can_use_templates(user: User | AnonymousUser) -> bool:
    """HR and department heads keep objective templates; nobody else sees the library."""
    if not user.is_authenticated:
        return False
    roles = user_roles(user)
    return roles.is_hr or roles.is_department_head


def template_sets_visible_to(user: User) -> QuerySet[TemplateSet]:
    """HR: every set; a head: the sets of the departments they head and those below."""
    queryset = TemplateSet.objects.select_related("department")
    if user_roles(user).is_hr:
        return queryset
    return queryset.filter(department_id__in=headed_subtree_ids(user))


def get_template_set_for_user(user: User, pk: int) -> TemplateSet:
    """The set if ``user`` keeps it (HR, or a head of its department or above), else 404."""
    if not can_use_templates(user):
        raise Http404
    return get_object_or_404(template_sets_visible_to(user), pk=pk)


def get_template_for_user(user: User, pk: int) -> ObjectiveTemplate:
    """A template of a set ``user`` keeps, else 404."""
    if not can_use_templates(user):
        raise Http404
    return get_object_or_404(
        ObjectiveTemplate.objects.select_related("template_set", "parent__cycle").filter(
            template_set__in=template_sets_visible_to(user)
        ),
        pk=pk,
    )
