from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Department, User
from accounts.selectors import reports_of
from coaching.charts import progress_chart
from coaching.forms import CheckInForm, CycleForm, ObjectiveForm, TargetGridForm
from coaching.models import AppraisalCycle, Objective, PerformancePlan
from coaching.permissions import (
    can_check_in,
    can_edit_objective,
    can_edit_subject,
    can_manage_cycles,
    get_cycle_for_hr,
    get_department_subject,
    get_employee_subject,
    get_objective_for_user,
    objectives_visible_to,
    plan_sides,
)
from coaching.selectors import (
    PROGRESS_ORDER,
    ProgressState,
    current_cycle,
    objective_progress,
    plan_for,
    with_progress,
)
from coaching.services import (
    checkin_create,
    cycle_save,
    cycle_transition,
    objective_create,
    objective_update,
    phase_targets_save,
    plan_confirm,
    plan_get_or_create,
    targets_copied_from,
    targets_spread_evenly,
)
from config.http import HtmxHttpRequest


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _form_errors_from(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
    else:
        form.add_error(None, error)


def _chosen_cycle(request: HttpRequest) -> AppraisalCycle | None:
    raw = request.GET.get("cycle", "")
    if raw.isdigit():
        return AppraisalCycle.objects.filter(pk=int(raw)).first()
    return current_cycle()


# --- Cycles (HR) ------------------------------------------------------------


@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    if not can_manage_cycles(_user(request)):
        raise PermissionDenied
    return render(request, "coaching/cycle_list.html", {"cycles": AppraisalCycle.objects.all()})


@login_required
def cycle_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    if not can_manage_cycles(user):
        raise PermissionDenied
    cycle = get_cycle_for_hr(user, pk) if pk else None
    form = CycleForm(request.POST or None, instance=cycle)
    if cycle is not None and cycle.is_closed:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and form.is_valid() and not (cycle and cycle.is_closed):
        saved = cycle_save(
            actor=user,
            cycle=cycle,
            name=form.cleaned_data["name"],
            start_date=form.cleaned_data["start_date"],
            end_date=form.cleaned_data["end_date"],
            frequency=form.cleaned_data["frequency"],
            rating_scale=form.cleaned_data["rating_labels"],
        )
        messages.success(request, _("The cycle has been saved."))
        return redirect("coaching:cycle_detail", pk=saved.pk)
    return render(request, "coaching/cycle_form.html", {"form": form, "cycle": cycle})


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_cycle_for_hr(_user(request), pk)
    return render(
        request,
        "coaching/cycle_detail.html",
        {
            "cycle": cycle,
            "objective_count": cycle.objectives.count(),
            "plan_count": cycle.plans.count(),
            "agreed_count": cycle.plans.filter(
                employee_confirmed_at__isnull=False, manager_confirmed_at__isnull=False
            ).count(),
        },
    )


@login_required
@require_POST
def cycle_state(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    cycle = get_cycle_for_hr(user, pk)
    try:
        cycle_transition(actor=user, cycle=cycle, state=request.POST.get("state", ""))
    except (ValidationError, ValueError) as error:
        messages.error(
            request, error.messages[0] if isinstance(error, ValidationError) else str(error)
        )
    else:
        messages.success(request, _("The cycle's state has been changed."))
    return redirect("coaching:cycle_detail", pk=pk)


# --- Plans ------------------------------------------------------------------


def _plan_context(
    user: User,
    cycle: AppraisalCycle | None,
    *,
    employee: User | None = None,
    department: Department | None = None,
) -> dict[str, Any]:
    if cycle is None:
        return {"cycle": None}
    objectives = list(
        with_progress(
            Objective.objects.filter(cycle=cycle, employee=employee, department=department)
            .select_related("cycle", "parent", "employee", "department")
            .order_by("-weight", "title")
        )
    )
    plan = plan_for(cycle=cycle, employee=employee, department=department)
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
        "confirm_sides": sides,
        "weight_total": total,
        "can_edit": not cycle.is_closed
        and can_edit_subject(user, employee=employee, department=department),
        "cycles": AppraisalCycle.objects.all(),
    }


@login_required
def my_objectives(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = _plan_context(user, _chosen_cycle(request), employee=user)
    return render(request, "coaching/plan.html", {**context, "subject": user, "is_self": True})


@login_required
def person_objectives(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_employee_subject(user, pk)
    context = _plan_context(user, _chosen_cycle(request), employee=person)
    return render(
        request, "coaching/plan.html", {**context, "subject": person, "is_self": person == user}
    )


@login_required
def department_objectives(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    department = get_department_subject(user, pk)
    cycle = _chosen_cycle(request)
    context = _plan_context(user, cycle, department=department)
    if cycle is not None:
        # Personal objectives aligned to these, as far as the viewer may see them.
        rows = {row["objective"].pk: row for row in context["rows"]}
        children = with_progress(
            objectives_visible_to(user)
            .filter(parent_id__in=list(rows))
            .order_by("employee__full_name")
        )
        for child in children:
            rows[cast(int, child.parent_id)]["aligned"].append(
                {"objective": child, "progress": objective_progress(child)}
            )
    return render(
        request, "coaching/plan.html", {**context, "subject": department, "is_department": True}
    )


@login_required
@require_POST
def plan_confirm_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    cycle = get_object_or_404(AppraisalCycle, pk=request.POST.get("cycle", 0) or 0)
    employee = department = None
    if request.POST.get("employee"):
        employee = get_employee_subject(user, int(request.POST["employee"]))
    else:
        department = get_department_subject(user, int(request.POST.get("department") or 0))
    plan = plan_get_or_create(cycle=cycle, employee=employee, department=department)
    side = request.POST.get("side", "")
    if side not in plan_sides(user, plan):
        raise PermissionDenied
    try:
        plan_confirm(actor=user, plan=plan, side=side)
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
            reverse("coaching:my_objectives")
            if employee.pk == user.pk
            else reverse("coaching:person_objectives", args=[employee.pk])
        )
    else:
        assert department is not None  # noqa: S101
        base = reverse("coaching:department_objectives", args=[department.pk])
    return f"{base}?cycle={cycle.pk}"


# --- Objectives -------------------------------------------------------------


def _parent_choices(
    user: User, cycle: AppraisalCycle, employee: User | None, department: Department | None
) -> QuerySet[Objective]:
    """Objectives one level up that this one can align to."""
    visible = objectives_visible_to(user).filter(cycle=cycle)
    if employee is not None:
        return visible.filter(
            Q(department_id=employee.department_id) | Q(employee_id=employee.manager_id)
        ).exclude(employee=employee)
    assert department is not None  # noqa: S101
    if department.parent_id is None:
        return visible.none()
    return visible.filter(department_id=department.parent_id)


@login_required
def objective_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    source = request.POST if request.method == "POST" else request.GET
    cycle = get_object_or_404(AppraisalCycle, pk=source.get("cycle") or 0)
    employee = department = None
    if source.get("department"):
        department = get_department_subject(user, int(source["department"]), write=True)
    else:
        employee = get_employee_subject(user, int(source.get("employee") or user.pk), write=True)
    if cycle.is_closed:
        raise PermissionDenied
    plan = plan_for(cycle=cycle, employee=employee, department=department)
    form = ObjectiveForm(
        request.POST or None,
        cycle=cycle,
        employee=employee,
        department=department,
        parent_choices=_parent_choices(user, cycle, employee, department),
        plan_agreed=bool(plan and plan.is_agreed),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason", "")
        try:
            objective = objective_create(
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
            return redirect("coaching:objective_targets", pk=objective.pk)
    return render(
        request,
        "coaching/objective_form.html",
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
    user = _user(request)
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
        parent_choices=_parent_choices(
            user, objective.cycle, objective.employee, objective.department
        ).exclude(pk=objective.pk),
        plan_agreed=bool(plan and plan.is_agreed),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason", "")
        try:
            # Re-read the stored row: the form instance already holds the new values.
            stored = Objective.objects.select_related("cycle").get(pk=objective.pk)
            objective_update(actor=user, objective=stored, reason=reason, **data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("The objective has been saved."))
            return redirect(objective)
    return render(
        request,
        "coaching/objective_form.html",
        {
            "form": form,
            "cycle": objective.cycle,
            "subject": objective.subject,
            "objective": objective,
        },
    )


def _objective_context(
    user: User, objective: Objective, checkin_form: CheckInForm | None = None
) -> dict[str, Any]:
    annotated = with_progress(
        Objective.objects.filter(pk=objective.pk).select_related("cycle")
    ).get()
    targets = list(objective.targets.all())
    checkins = list(objective.checkins.select_related("author"))
    can_write = can_check_in(user, objective)
    return {
        "objective": objective,
        "progress": objective_progress(annotated),
        "targets": targets,
        "checkins": checkins,
        "chart": progress_chart(
            start=objective.cycle.start_date,
            end=objective.cycle.end_date,
            targets=[(t.month, t.planned) for t in targets],
            checkins=[(c.recorded_on, c.value) for c in checkins],
        ),
        "changes": list(objective.changes.select_related("changed_by")[:50]),
        "aligned": list(
            objectives_visible_to(user).filter(parent=objective).select_related("employee")
        ),
        "can_edit": can_edit_objective(user, objective),
        "can_check_in": can_write,
        "checkin_form": checkin_form or (CheckInForm(objective=objective) if can_write else None),
    }


@login_required
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    objective = get_objective_for_user(user, pk)
    return render(request, "coaching/objective_detail.html", _objective_context(user, objective))


@login_required
@require_POST
def checkin_new(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
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
    template = (
        "coaching/_objective_progress.html" if request.htmx else "coaching/objective_detail.html"
    )
    return render(request, template, context)


@login_required
def objective_targets(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    objective = get_objective_for_user(user, pk, write=True)
    plan = plan_for(
        cycle=objective.cycle, employee=objective.employee, department=objective.department
    )
    agreed = bool(plan and plan.is_agreed)
    initial: dict[str, Any] = {}
    filled = None
    fill = request.GET.get("fill")
    if fill == "even":
        filled = targets_spread_evenly(objective)
    elif fill == "copy" and request.GET.get("from", "").isdigit():
        source = get_objective_for_user(user, int(request.GET["from"]))
        filled = targets_copied_from(objective, source)
    values = filled if filled is not None else {t.month: t.planned for t in objective.targets.all()}
    for month, planned in values.items():
        initial[TargetGridForm.field_name(month)] = (
            bool(planned) if objective.measure == "milestone" else planned
        )
    form = TargetGridForm(
        request.POST or None, initial=initial, objective=objective, plan_agreed=agreed
    )
    if request.method == "POST" and form.is_valid():
        phase_targets_save(
            actor=user,
            objective=objective,
            values=form.values(),
            reason=form.cleaned_data.get("reason", ""),
        )
        messages.success(request, _("The targets have been saved."))
        return redirect(objective)
    copy_sources = (
        objectives_visible_to(user)
        .filter(cycle=objective.cycle, targets__isnull=False)
        .exclude(pk=objective.pk)
        .distinct()
        .order_by("title")
    )
    context = {
        "form": form,
        "objective": objective,
        "copy_sources": copy_sources,
        "filled": filled is not None,
    }
    if request.htmx and request.method == "GET":
        return render(request, "coaching/_targets_grid.html", context)
    return render(request, "coaching/objective_targets.html", context)


# --- Team -------------------------------------------------------------------

TEAM_SORTS = ("person", "lagging", "progress")


@login_required
def team(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    indirect = request.GET.get("indirect") == "1"
    only_lagging = request.GET.get("state") == "lagging"
    query = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("sort", "person")
    cycle = _chosen_cycle(request)
    people = reports_of(user, indirect=indirect).filter(is_active=True).order_by("full_name")
    if query:
        people = people.filter(Q(full_name__icontains=query) | Q(job_title__icontains=query))
    people_list = list(people)
    by_person: dict[int, list[Any]] = {p.pk: [] for p in people_list}
    plans: dict[int, PerformancePlan] = {}
    if cycle is not None and people_list:
        objectives = with_progress(
            Objective.objects.filter(cycle=cycle, employee__in=people).select_related("cycle")
        ).order_by("-weight", "title")
        for objective in objectives:
            by_person[cast(int, objective.employee_id)].append(
                (objective, objective_progress(objective))
            )
        plans = {
            cast(int, p.employee_id): p
            for p in PerformancePlan.objects.filter(cycle=cycle, employee__in=people)
        }
    rows = []
    for person in people_list:
        items = by_person[person.pk]
        lagging = sum(1 for _o, p in items if p.state == ProgressState.LAGGING)
        if only_lagging and not lagging:
            continue
        items.sort(key=lambda pair: (PROGRESS_ORDER[pair[1].state], -pair[0].weight))
        rows.append(
            {
                "person": person,
                "items": items,
                "lagging": lagging,
                "weight_total": sum(
                    o.weight for o, _p in items if o.status != Objective.Status.DROPPED
                ),
                "plan": plans.get(person.pk),
                "progress": _average_progress(items),
            }
        )
    if sort == "lagging":
        rows.sort(key=lambda row: (-row["lagging"], row["person"].full_name))
    elif sort == "progress":
        rows.sort(
            key=lambda row: (
                row["progress"] if row["progress"] is not None else 999,
                row["person"].full_name,
            )
        )
    return render(
        request,
        "coaching/team.html",
        {
            "rows": rows,
            "cycle": cycle,
            "cycles": AppraisalCycle.objects.all(),
            "indirect": indirect,
            "only_lagging": only_lagging,
            "query": query,
            "sort": sort if sort in TEAM_SORTS else "person",
        },
    )


def _average_progress(items: list[Any]) -> int | None:
    """Weighted share of plan reached so far, in percent."""
    total_weight = 0
    score = 0.0
    for objective, progress in items:
        if progress.planned and progress.planned > 0:
            ratio = min(float((progress.actual or 0) / progress.planned), 1.5)
            score += ratio * objective.weight
            total_weight += objective.weight
    return round(score / total_weight * 100) if total_weight else None
