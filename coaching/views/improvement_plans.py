"""Improvement plans: opened when a phase objective is missed, then reviewed and closed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.concurrency import StaleEditError, refused_as_stale
from accounts.http import user_of
from accounts.inputs import param_id, required_id
from coaching.forms import ImprovementPlanForm
from coaching.permissions import can_edit_improvement_plan, improvement_plans_visible_to
from coaching.selectors import improvement_plan_objectives, readable_sessions_of_plan
from coaching.services import improvement_plan_save
from plans.permissions import get_employee_subject, get_objective_for_user


@login_required
def improvement_plan_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    source = request.POST if request.method == "POST" else request.GET
    employee = get_employee_subject(user, required_id(source, "employee"), write=True)
    if employee.pk == user.pk:
        raise PermissionDenied
    objectives = improvement_plan_objectives(user=user, employee=employee, newest_first=True)
    initial = {}
    objective_id = param_id(request.GET, "objective")
    if objective_id is not None:
        objective = get_objective_for_user(user, objective_id)
        if objective.cycle.is_closed:
            raise PermissionDenied  # an objective of a closed cycle is a record (issue 15 §4)
        initial["objective"] = objective.pk
    form = ImprovementPlanForm(request.POST or None, objectives=objectives, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.endswith("_review")}
        plan = improvement_plan_save(actor=user, employee=employee, **data)
        messages.success(request, _("The improvement plan has been opened."))
        return redirect(plan)
    return render(
        request,
        "coaching/improvement_plan_form.html",
        {"form": form, "employee": employee, "plan": None},
    )


@login_required
def improvement_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    plan = get_object_or_404(improvement_plans_visible_to(user), pk=pk)
    return render(
        request,
        "coaching/improvement_plan_detail.html",
        {
            "plan": plan,
            "sessions": readable_sessions_of_plan(user=user, plan=plan),
            "can_edit": can_edit_improvement_plan(user, plan),
        },
    )


@login_required
def improvement_plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    plan = get_object_or_404(improvement_plans_visible_to(user), pk=pk)
    if not can_edit_improvement_plan(user, plan):
        raise PermissionDenied
    objectives = improvement_plan_objectives(user=user, employee=plan.employee)
    form = ImprovementPlanForm(request.POST or None, instance=plan, objectives=objectives)
    context = {"form": form, "employee": plan.employee, "plan": plan}
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.endswith("_review")}
        try:
            improvement_plan_save(actor=user, plan=plan, **data)
        except StaleEditError:
            return refused_as_stale(request, "coaching/improvement_plan_form.html", context)
        messages.success(request, _("The improvement plan has been saved."))
        return redirect(plan)
    return render(request, "coaching/improvement_plan_form.html", context)
