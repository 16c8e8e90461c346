"""One objective: new, edit, its page with check-ins, and its monthly targets."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.concurrency import StaleEditError, refused_as_stale
from accounts.http import HtmxHttpRequest, user_of
from accounts.inputs import param_choice, param_id, required_id
from accounts.models import Department, User
from plans.charts import progress_chart
from plans.extensions import objective_actions, objective_records
from plans.forms import CheckInForm, ObjectiveForm, TargetGridForm
from plans.history import objective_history
from plans.models import AppraisalCycle, Objective, PlanReopening
from plans.node_checks import target_checks_of
from plans.permissions import (
    can_check_in,
    can_edit_objective,
    get_employee_subject,
    get_objective_for_user,
    get_plan_subject,
)
from plans.selectors import (
    aligned_to,
    checkins_of,
    objective_as_stored,
    objective_parent_choices,
    objective_progress,
    objective_with_progress,
    phase_targets_of,
    plan_for,
    target_copy_sources,
)
from plans.services import (
    checkin_create,
    objective_create,
    objective_update,
    phase_targets_save,
    targets_copied_from,
    targets_spread_evenly,
)


def _form_errors_from(form: Any, error: ValidationError) -> None:
    """A service's refusal beside the fields it names (the form's top for the rest)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
    else:
        form.add_error(None, error)


def _say_if_reopened(request: HttpRequest, reopened: PlanReopening | None) -> None:
    """Say plainly that the change cleared the plan's confirmations, and who was told."""
    if reopened is None:
        return
    if reopened.cause == PlanReopening.Cause.WEIGHTS:
        text = _(
            "The plan's weights now add up to %(total)s, not 100: the plan is no longer "
            "agreed, and both confirmations were cleared. Bring the weights back to 100, "
            "then both sides confirm it again. The person and the manager have been told."
        ) % {"total": reopened.weight_total}
    else:
        text = _(
            "The plan had been confirmed by one side: that confirmation was cleared, and "
            "both sides confirm the plan again. The person and the manager have been told."
        )
    messages.warning(request, text)


@login_required
def objective_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    source = request.POST if request.method == "POST" else request.GET
    cycle = get_object_or_404(AppraisalCycle, pk=required_id(source, "cycle"))
    employee: User | None
    department: Department | None
    if param_id(source, "department") is None and param_id(source, "employee") is None:
        employee, department = get_employee_subject(user, user.pk, write=True), None
    else:
        employee, department = get_plan_subject(user, source, write=True)
    if cycle.is_closed:
        raise PermissionDenied
    plan = plan_for(cycle=cycle, employee=employee, department=department)
    form = ObjectiveForm(
        request.POST or None,
        cycle=cycle,
        employee=employee,
        department=department,
        parent_choices=objective_parent_choices(
            user=user, cycle=cycle, employee=employee, department=department
        ),
        plan_agreed=bool(plan and plan.is_agreed),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason", "")
        try:
            saved = objective_create(
                actor=user,
                cycle=cycle,
                employee=employee,
                department=department,
                reason=reason,
                **data,
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Objective added. Now set its targets for each month."))
            _say_if_reopened(request, saved.reopened)
            return redirect("plans:objective_targets", pk=saved.objective.pk)
    return render(
        request,
        "plans/objective_form.html",
        {
            "form": form,
            "cycle": cycle,
            "subject": employee or department,
            "objective": None,
            "employee": employee,
            "department": department,
        },
    )


@login_required
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    objective = get_objective_for_user(user, pk, write=True)
    plan = plan_for(
        cycle=objective.cycle, employee=objective.employee, department=objective.department
    )
    form = ObjectiveForm(
        request.POST or None,
        instance=objective,
        cycle=objective.cycle,
        employee=objective.employee,
        department=objective.department,
        parent_choices=objective_parent_choices(
            user=user,
            cycle=objective.cycle,
            employee=objective.employee,
            department=objective.department,
            objective=objective,
        ),
        plan_agreed=bool(plan and plan.is_agreed),
    )
    context = {
        "form": form,
        "cycle": objective.cycle,
        "subject": objective.subject,
        "objective": objective,
    }
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason", "")
        version = data.pop("version")
        try:
            stored = objective_as_stored(pk=objective.pk)
            saved = objective_update(
                actor=user, objective=stored, version=version, reason=reason, **data
            )
        except StaleEditError:
            return refused_as_stale(request, "plans/objective_form.html", context)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("The objective has been saved."))
            _say_if_reopened(request, saved.reopened)
            return redirect(objective)
    return render(request, "plans/objective_form.html", context)


def _objective_context(
    user: User, objective: Objective, checkin_form: CheckInForm | None = None
) -> dict[str, Any]:
    progress = objective_progress(objective_with_progress(objective=objective))
    targets = phase_targets_of(objective=objective)
    checkins = checkins_of(objective=objective)
    can_write = can_check_in(user, objective)
    checks = {check.month: check for check in target_checks_of(objective)}
    return {
        "objective": objective,
        "progress": progress,
        "targets": targets,
        # Each month's target beside its check at the time node, once that node passed.
        "target_rows": [
            (month, next((t for t in targets if t.month == month), None), checks.get(month))
            for month in sorted({t.month for t in targets} | set(checks))
        ],
        "checkins": checkins,
        "chart": progress_chart(
            start=objective.cycle.start_date,
            end=objective.cycle.end_date,
            targets=[(t.month, t.planned) for t in targets],
            checkins=[(c.recorded_on, c.value) for c in checkins],
        ),
        "history": objective_history(objective=objective),
        "aligned": aligned_to(user=user, objective=objective),
        "can_edit": can_edit_objective(user, objective),
        "extension_links": objective_actions.links(user, objective, progress),
        "records": objective_records.links(user, objective),
        "can_check_in": can_write,
        "checkin_form": checkin_form or (CheckInForm(objective=objective) if can_write else None),
    }


@login_required
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    objective = get_objective_for_user(user, pk)
    return render(request, "plans/objective_detail.html", _objective_context(user, objective))


@login_required
@require_POST
def checkin_new(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    objective = get_objective_for_user(user, pk)
    if not can_check_in(user, objective):
        raise PermissionDenied
    form = CheckInForm(request.POST, objective=objective)
    if form.is_valid():
        checkin_create(actor=user, objective=objective, **form.cleaned_data)
        if not request.htmx:
            messages.success(request, _("Check-in recorded."))
            return redirect(objective)
        form = CheckInForm(objective=objective)
    context = _objective_context(user, objective, checkin_form=form)
    template = "plans/_objective_progress.html" if request.htmx else "plans/objective_detail.html"
    return render(request, template, context)


@login_required
def objective_targets(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    objective = get_objective_for_user(user, pk, write=True)
    plan = plan_for(
        cycle=objective.cycle, employee=objective.employee, department=objective.department
    )
    agreed = bool(plan and plan.is_agreed)
    initial: dict[str, Any] = {}
    filled = None
    fill = param_choice(request.GET, "fill", ("even", "copy"), default="")
    source_id = param_id(request.GET, "from")
    if fill == "even":
        filled = targets_spread_evenly(objective)
    elif fill == "copy" and source_id is not None:
        source = get_objective_for_user(user, source_id)
        filled = targets_copied_from(objective, source)
    values = (
        filled
        if filled is not None
        else {t.month: t.planned for t in phase_targets_of(objective=objective)}
    )
    for month, planned in values.items():
        initial[TargetGridForm.field_name(month)] = (
            bool(planned) if objective.measure == "milestone" else planned
        )
    form = TargetGridForm(
        request.POST or None, initial=initial, objective=objective, plan_agreed=agreed
    )
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            reopened = phase_targets_save(
                actor=user,
                objective=objective,
                values=form.values(),
                version=form.cleaned_data["version"],
                reason=form.cleaned_data.get("reason", ""),
            )
        except StaleEditError:
            stale = True
        else:
            messages.success(request, _("The targets have been saved."))
            _say_if_reopened(request, reopened)
            return redirect(objective)
    context = {
        "form": form,
        "objective": objective,
        "copy_sources": target_copy_sources(user=user, objective=objective),
        "filled": filled is not None,
    }
    if stale:
        return refused_as_stale(request, "plans/objective_targets.html", context)
    if request.htmx and request.method == "GET":
        return render(request, "plans/_targets_grid.html", context)
    return render(request, "plans/objective_targets.html", context)
