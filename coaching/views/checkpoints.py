"""Time-node checkpoints (issue 16 §1): the coach's list, and one checkpoint's page
where the talk, the reasons and the decision are recorded."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.concurrency import StaleEditError, refused_as_stale
from accounts.http import user_of
from accounts.inputs import FilterForm
from accounts.selectors import user_roles
from coaching.checkpoint_models import Checkpoint
from coaching.checkpoints import (
    can_answer_checkpoint,
    checkpoint_answer,
    checkpoints_visible_to,
    coached_by,
    open_checkpoints,
    open_plan_of,
    readable_plans_set,
)
from coaching.forms.checkpoints import CheckpointForm
from plans.early_warnings import COACH_RELATED

LIST_PAGE_SIZE = 50
TEMPLATE = "coaching/checkpoint_detail.html"


class CheckpointFilterForm(FilterForm):
    """Whose checkpoints (those I coach, or all I may see) and which (open or answered)."""

    scope = forms.ChoiceField(
        label=gettext_lazy("Checkpoints"),
        choices=[
            ("mine", gettext_lazy("Those I coach")),
            ("all", gettext_lazy("All I may see")),
        ],
        required=False,
        initial="mine",
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[
            ("open", gettext_lazy("To talk through")),
            ("answered", gettext_lazy("Answered")),
            ("all", gettext_lazy("All")),
        ],
        required=False,
        initial="open",
    )


@login_required
def checkpoint_list(request: HttpRequest) -> HttpResponse:
    """The checkpoints the viewer coaches (or all they may see), open ones first."""
    user = user_of(request)
    query: QueryDict = request.GET
    roles = user_roles(user)
    coaches = roles.is_manager or roles.is_department_head
    if not query.get("scope") and (roles.is_hr or not coaches):
        # HR, and whoever coaches nobody, start from all they see (their own talks too).
        query = request.GET.copy()
        query["scope"] = "all"
    filters = CheckpointFilterForm(query)
    listed = checkpoints_visible_to(user)
    if filters.value("scope") == "mine":
        listed = listed.filter(coached_by(user))
    status = filters.value("status")
    if status == "open":
        listed = listed.filter(pk__in=open_checkpoints().values("pk"))
    elif status == "answered":
        listed = listed.filter(answered_at__isnull=False).exclude(
            decision=Checkpoint.Decision.IMPROVEMENT_PLAN, improvement_plan__isnull=True
        )
    # Unanswered first, then the latest answered; the latest node first within each.
    listed = listed.select_related(
        "objective__cycle",
        "objective__employee",
        "objective__department",
        "target_check",
        "improvement_plan",
    ).order_by(F("answered_at").desc(nulls_first=True), "-month", "objective__title", "pk")
    page = Paginator(listed, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    readable_plans_set(user, list(page.object_list))
    return render(
        request,
        "coaching/checkpoint_list.html",
        {"filters": filters, "page": page, "is_hr": roles.is_hr},
    )


@login_required
def checkpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The checkpoint; its coach records the talk here (404 to whoever may not see it)."""
    user = user_of(request)
    checkpoint = get_object_or_404(
        checkpoints_visible_to(user).select_related(
            "objective__cycle",
            *(f"objective__{path}" for path in COACH_RELATED),
            "target_check",
            "improvement_plan",
            "answered_by",
        ),
        pk=pk,
    )
    readable_plans_set(user, [checkpoint])
    can_answer = can_answer_checkpoint(user, checkpoint)
    form = None
    if can_answer:
        data = request.POST if request.method == "POST" else None
        form = CheckpointForm(data, instance=checkpoint)
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "checkpoint": checkpoint,
        "form": form,
        "can_answer": can_answer,
        # A new plan may follow from the checkpoint unless one is open.
        "can_open_plan": can_answer and open_plan_of(checkpoint) is None,
    }
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            checkpoint_answer(actor=user, checkpoint=checkpoint, **form.cleaned_data)
        except StaleEditError:
            return refused_as_stale(request, TEMPLATE, context)
        if checkpoint.wants_improvement_plan:
            messages.success(
                request, _("The checkpoint is saved. Now set out the improvement plan.")
            )
            query = urlencode({"checkpoint": checkpoint.pk})
            return redirect(f"{reverse('coaching:improvement_plan_new')}?{query}")
        messages.success(request, _("The checkpoint is saved."))
        return redirect(checkpoint)
    return render(request, TEMPLATE, context)
