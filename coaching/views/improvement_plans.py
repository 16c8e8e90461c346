"""Improvement plans: opened when a phase objective is missed, then reviewed and closed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.concurrency import StaleEditError, refused_as_stale
from accounts.http import user_of
from accounts.inputs import param_id
from accounts.models import Department, User
from accounts.selectors import user_roles
from coaching.checkpoint_models import Checkpoint
from coaching.checkpoints import (
    PlanAlreadyOpen,
    can_answer_checkpoint,
    checkpoint_plan_open,
    checkpoints_visible_to,
    improvement_plan_initial,
    open_plan_of,
)
from coaching.forms import ImprovementPlanFilterForm, ImprovementPlanForm
from coaching.models import ImprovementPlan
from coaching.permissions import (
    can_edit_improvement_plan,
    get_coachee_for_user,
    improvement_plans_visible_to,
)
from coaching.selectors import (
    PlanScope,
    improvement_plan_objectives,
    improvement_plans_by_ids,
    improvement_plans_listed,
    readable_sessions_of_plan,
)
from coaching.services import improvement_plan_save
from plans.early_warnings import COACH_RELATED
from plans.models import Objective
from plans.permissions import get_objective_for_user

PLAN_LIST_PAGE_SIZE = 50


def _plan_scopes(user: User) -> list[tuple[str, str]]:
    """The lists ``user`` may choose between, the widest last (the default): all they
    may see is every plan for HR."""
    roles = user_roles(user)
    scopes = [(PlanScope.MINE, str(_("Mine")))]
    if roles.is_manager or roles.is_department_head:
        scopes.append((PlanScope.TEAM, str(_("My team's"))))
    scopes.append((PlanScope.ALL, str(_("All (HR)") if roles.is_hr else _("All I may see"))))
    return scopes


@login_required
def improvement_plan_list(request: HttpRequest) -> HttpResponse:
    """The plans the viewer is the subject of, those of their team, or all (HR)."""
    user = user_of(request)
    filters = ImprovementPlanFilterForm(
        request.GET,
        scopes=_plan_scopes(user),
        departments=Department.objects.order_by("name"),
    )
    today = timezone.localdate()
    ids = improvement_plans_listed(
        user=user,
        scope=filters.value("scope"),
        status=filters.value("status") or "",
        department=filters.value("department"),
        name=(filters.value("q") or "").strip(),
        today=today,
    )
    page = Paginator(ids, PLAN_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "plan": plan,
            "next_review": plan.next_review_on(today),
            "outcome_due": plan.outcome_due(today),
        }
        for plan in improvement_plans_by_ids(user=user, ids=list(page.object_list))
    ]
    return render(
        request,
        "coaching/improvement_plan_list.html",
        {"filters": filters, "page": page, "rows": rows},
    )


def _checkpoint_to_plan(user: User, request: HttpRequest) -> Checkpoint | None:
    """The checkpoint the plan is opened from (``?checkpoint=``): one the viewer sees
    (else 404) and answers (else 403)."""
    checkpoint_id = param_id(request.GET, "checkpoint")
    if checkpoint_id is None:
        return None
    checkpoint = get_object_or_404(
        checkpoints_visible_to(user).select_related(
            "objective__cycle",
            *(f"objective__{path}" for path in COACH_RELATED),
            "improvement_plan",
        ),
        pk=checkpoint_id,
    )
    if not can_answer_checkpoint(user, checkpoint):
        raise PermissionDenied
    return checkpoint


ALREADY_OPEN = gettext_lazy("An improvement plan is already open for this checkpoint: here it is.")


@login_required
def improvement_plan_new(request: HttpRequest) -> HttpResponse:
    """Open a plan for an employee or department the viewer coaches; from a checkpoint
    (``?checkpoint=``) it starts with the checkpoint's objective and reasons, and is
    linked to it once saved."""
    user = user_of(request)
    checkpoint = _checkpoint_to_plan(user, request)
    initial: dict[str, object] = {}
    if checkpoint is not None:
        already = open_plan_of(checkpoint)
        if already is not None:  # opened meanwhile, or this form sent again (Back)
            messages.info(request, ALREADY_OPEN)
            return redirect(already)
        employee, department = checkpoint.objective.employee, checkpoint.objective.department
        initial = improvement_plan_initial(checkpoint)
        # The plan is about the missed objective: the only one offered.
        objectives = Objective.objects.filter(pk=checkpoint.objective_id)
    else:
        source = request.POST if request.method == "POST" else request.GET
        # An employee or a department that ``user`` coaches (404 for nobody, 403 otherwise).
        employee, department = get_coachee_for_user(user, source)
        objectives = improvement_plan_objectives(
            user=user, employee=employee, department=department, newest_first=True
        )
    objective_id = param_id(request.GET, "objective")
    if objective_id is not None and checkpoint is None:
        objective = get_objective_for_user(user, objective_id)
        if objective.cycle.is_closed:
            raise PermissionDenied  # an objective of a closed cycle is a record (issue 15 §4)
        initial["objective"] = objective.pk
    form = ImprovementPlanForm(request.POST or None, objectives=objectives, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.endswith("_review")}

        def open_plan() -> ImprovementPlan:
            return improvement_plan_save(
                actor=user, employee=employee, department=department, **data
            )

        if checkpoint is None:
            plan = open_plan()
        else:
            try:
                plan = checkpoint_plan_open(checkpoint=checkpoint, actor=user, open_plan=open_plan)
            except PlanAlreadyOpen as first:
                messages.info(request, ALREADY_OPEN)
                return redirect(first.plan)
        messages.success(request, _("The improvement plan has been opened."))
        return redirect(plan)
    return render(
        request,
        "coaching/improvement_plan_form.html",
        {
            "form": form,
            "employee": employee,
            "department": department,
            "plan": None,
            "checkpoint": checkpoint,
        },
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
            "outcome_due": plan.outcome_due(timezone.localdate()),
        },
    )


@login_required
def improvement_plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    plan = get_object_or_404(improvement_plans_visible_to(user), pk=pk)
    if not can_edit_improvement_plan(user, plan):
        raise PermissionDenied
    if plan.objective_id is not None and plan.checkpoints.exists():
        # Opened from a checkpoint: about its missed objective, which stays.
        objectives = Objective.objects.filter(pk=plan.objective_id)
    else:
        objectives = improvement_plan_objectives(
            user=user, employee=plan.employee, department=plan.department
        )
    form = ImprovementPlanForm(request.POST or None, instance=plan, objectives=objectives)
    context = {
        "form": form,
        "employee": plan.employee,
        "department": plan.department,
        "plan": plan,
    }
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.endswith("_review")}
        try:
            improvement_plan_save(actor=user, plan=plan, **data)
        except StaleEditError:
            return refused_as_stale(request, "coaching/improvement_plan_form.html", context)
        messages.success(request, _("The improvement plan has been saved."))
        return redirect(plan)
    return render(request, "coaching/improvement_plan_form.html", context)
