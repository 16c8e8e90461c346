"""A subject's plan in a cycle: my objectives, a person's, a department's; confirming it."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import user_of
from accounts.inputs import param_choice, required_id
from accounts.models import Department, User
from accounts.page_cache import cached_page
from plans.extensions import plan_actions
from plans.forms import CycleFilterForm
from plans.history import plan_reopening_shown
from plans.models import AppraisalCycle, Objective, PerformancePlan
from plans.permissions import (
    can_edit_subject,
    can_read_objectives_of,
    former_periods_only,
    get_department_subject,
    get_employee_subject,
    get_plan_subject,
    plan_sides,
)
from plans.plan_rows import plan_objectives
from plans.selectors import (
    aligned_with_progress,
    current_cycle_among,
    cycles_all,
    objective_progress,
    plan_fingerprint,
    plan_for,
)
from plans.services import plan_subject_confirm


def _chosen_cycle(
    request: HttpRequest,
) -> tuple[AppraisalCycle | None, CycleFilterForm, list[AppraisalCycle]]:
    """The cycle the picker asks for, else the current one; the picker's form for its
    message; every cycle for the picker (the current one found among them: one query)."""
    cycles = list(cycles_all())
    form = CycleFilterForm(request.GET)
    cycle: AppraisalCycle | None = form.value("cycle") or current_cycle_among(cycles)
    return cycle, form, cycles


def _plan_context(
    user: User,
    cycle: AppraisalCycle | None,
    cycles: list[AppraisalCycle],
    *,
    employee: User | None = None,
    department: Department | None = None,
) -> dict[str, Any]:
    if cycle is None:
        return {"cycle": None, "cycles": cycles}
    objectives = plan_objectives(cycle=cycle, employee=employee, department=department)
    plan = plan_for(cycle=cycle, employee=employee, department=department, with_reopened=True)
    sides = plan_sides(user, plan) if plan else set()
    if plan is None and not cycle.is_closed:
        probe = PerformancePlan(cycle=cycle, employee=employee, department=department)
        sides = plan_sides(user, probe)
    total = sum(o.weight for o in objectives if o.status != Objective.Status.DROPPED)
    return {
        "cycle": cycle,
        "rows": [
            {"objective": o, "progress": objective_progress(o), "aligned": []} for o in objectives
        ],
        "plan": plan,
        "reopening": plan_reopening_shown(plan=plan),
        "confirm_sides": sides,
        "weight_total": total,
        "plan_seen": plan_fingerprint((o.pk, o.version) for o in objectives),
        # The "carried from" badges link to the originals for a reader of the plan's
        # objectives; a department's plan opens only to them (get_department_subject).
        "objectives_readable": department is not None
        or can_read_objectives_of(user, employee=employee),
        "can_edit": not cycle.is_closed
        and can_edit_subject(user, employee=employee, department=department),
        "cycles": cycles,
        "extension_links": plan_actions.links(user, cycle, employee, department),
        "subject_left": employee is not None and not employee.is_active,
    }


@cached_page
@login_required
def my_objectives(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    cycle, cycle_filter, cycles = _chosen_cycle(request)
    context = _plan_context(user, cycle, cycles, employee=user)
    return render(
        request,
        "plans/plan.html",
        {**context, "cycle_filter": cycle_filter, "subject": user, "is_self": True},
    )


@login_required
def person_objectives(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    person = get_employee_subject(user, pk)
    cycle, cycle_filter, cycles = _chosen_cycle(request)
    periods = former_periods_only(user, person)
    outside = (
        periods is not None
        and cycle is not None
        and not any(first <= cycle.end_date and last >= cycle.start_date for first, last in periods)
    )
    # A former manager reads the cycles of the periods they managed, no later ones.
    context = (
        {"cycle": None, "cycles": cycles}
        if outside
        else _plan_context(user, cycle, cycles, employee=person)
    )
    return render(
        request,
        "plans/plan.html",
        {
            **context,
            "cycle_filter": cycle_filter,
            "subject": person,
            "is_self": person == user,
            "former_periods": periods if outside else None,
        },
    )


@login_required
def department_objectives(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    department = get_department_subject(user, pk)
    cycle, cycle_filter, cycles = _chosen_cycle(request)
    context = _plan_context(user, cycle, cycles, department=department)
    if cycle is not None:
        # Personal objectives aligned to these, as far as the viewer may see them.
        rows = {row["objective"].pk: row for row in context["rows"]}
        for child in aligned_with_progress(user=user, parent_ids=list(rows)):
            rows[cast(int, child.parent_id)]["aligned"].append(
                {"objective": child, "progress": objective_progress(child)}
            )
    return render(
        request,
        "plans/plan.html",
        {**context, "cycle_filter": cycle_filter, "subject": department, "is_department": True},
    )


@login_required
@require_POST
def plan_confirm_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    cycle = get_object_or_404(AppraisalCycle, pk=required_id(request.POST, "cycle"))
    employee, department = get_plan_subject(user, request.POST)
    side = param_choice(request.POST, "side", ("employee", "manager"))
    # Check first, then write: a refused confirmation stores no plan.
    plan = plan_for(cycle=cycle, employee=employee, department=department) or PerformancePlan(
        cycle=cycle, employee=employee, department=department
    )
    if side not in plan_sides(user, plan):
        raise PermissionDenied
    try:
        plan_subject_confirm(
            actor=user,
            cycle=cycle,
            employee=employee,
            department=department,
            side=side,
            seen=request.POST.get("seen") or None,
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("You have confirmed the plan."))
    return redirect(_plan_url(cycle, employee=employee, department=department, user=user))


def _plan_url(
    cycle: AppraisalCycle, *, employee: User | None, department: Department | None, user: User
) -> str:
    if employee is not None:
        base = (
            reverse("plans:my_objectives")
            if employee.pk == user.pk
            else reverse("plans:person_objectives", args=[employee.pk])
        )
    else:
        assert department is not None  # noqa: S101
        base = reverse("plans:department_objectives", args=[department.pk])
    return f"{base}?cycle={cycle.pk}"
