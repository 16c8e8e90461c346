"""HR's appraisal cycles: the list, a cycle's page, its form and its state."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.concurrency import StaleEditError, refused_as_stale
from accounts.http import user_of
from accounts.inputs import param_choice
from accounts.models import User
from accounts.page_cache import cached_page
from plans.carry_forms import CycleCreateForm
from plans.carry_forward import cycle_create_carried
from plans.carry_preview import cycle_carried_summary
from plans.cycles import cycle_counts
from plans.extensions import cycle_actions
from plans.forms import CycleForm, CycleReopenForm
from plans.models import AppraisalCycle
from plans.permissions import (
    can_manage_cycles,
    can_read_every_plan,
    can_use_templates,
    get_cycle_for_hr,
)
from plans.selectors import cycle_history, cycles_all
from plans.services import cycle_save, cycle_transition
from plans.template_models import CarryForward


@cached_page
@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    if not can_manage_cycles(user_of(request)):
        raise PermissionDenied
    return render(request, "plans/cycle_list.html", {"cycles": cycles_all()})


@login_required
def cycle_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = user_of(request)
    if not can_manage_cycles(user):
        raise PermissionDenied
    cycle = get_cycle_for_hr(user, pk) if pk else None
    # A new cycle may be carried forward from an earlier one as it is created.
    form_class = CycleForm if cycle is not None else CycleCreateForm
    form = form_class(request.POST or None, instance=cycle)
    if cycle is not None and cycle.is_closed:
        for field in form.fields.values():
            field.disabled = True
        form.helper.inputs = []  # read-only: no Save button that would save nothing
    context = {"form": form, "cycle": cycle}
    if request.method == "POST" and form.is_valid() and cycle is None:
        return _cycle_create(request, user, form)
    if request.method == "POST" and form.is_valid() and not (cycle and cycle.is_closed):
        try:
            saved = cycle_save(
                actor=user,
                cycle=cycle,
                name=form.cleaned_data["name"],
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
                frequency=form.cleaned_data["frequency"],
                rating_scale=form.cleaned_data["rating_labels"],
                version=form.cleaned_data.get("version"),
            )
        except StaleEditError:
            return refused_as_stale(request, "plans/cycle_form.html", context)
        messages.success(request, _("The cycle has been saved."))
        return redirect("plans:cycle_detail", pk=saved.pk)
    return render(request, "plans/cycle_form.html", context)


def _cycle_create(request: HttpRequest, user: User, form: CycleForm) -> HttpResponse:
    data = form.cleaned_data
    try:
        saved, carried = cycle_create_carried(
            actor=user,
            name=data["name"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            frequency=data["frequency"],
            rating_scale=data["rating_labels"],
            source=data.get("carry_from"),
            which=data.get("carry_which") or CarryForward.UNFINISHED,
        )
    except ValidationError as error:
        # A refused carry created no cycle either: the form again, the reason beside it.
        form.add_error("carry_from", error.messages[0])
        return render(request, "plans/cycle_form.html", {"form": form, "cycle": None})
    messages.success(request, _("The cycle has been saved."))
    for line in carried.messages() if carried else []:
        messages.success(request, line)
    return redirect("plans:cycle_detail", pk=saved.pk)


def _detail_context(
    user: User, cycle: AppraisalCycle, reopen_form: CycleReopenForm | None = None
) -> dict[str, Any]:
    return {
        "cycle": cycle,
        "counts": cycle_counts(cycle=cycle),
        "plans_readable": can_read_every_plan(user),
        "events": cycle_history(cycle=cycle),
        "reopen_form": reopen_form or CycleReopenForm(),
        "extension_links": cycle_actions.links(user, cycle),
        "carried": cycle_carried_summary(cycle=cycle),
        "can_assign_templates": can_use_templates(user),
    }


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    cycle = get_cycle_for_hr(user, pk)
    return render(request, "plans/cycle_detail.html", _detail_context(user, cycle))


@login_required
@require_POST
def cycle_state(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a cycle, take it back to planning, or reopen a closed one (with a reason).

    Closing is not done here: it closes the cycle's open review tables first, on the
    close page that ``reviews`` adds to the cycle page (``cycle_actions``).
    """
    user = user_of(request)
    cycle = get_cycle_for_hr(user, pk)
    state = param_choice(
        request.POST, "state", [AppraisalCycle.State.PLANNING, AppraisalCycle.State.ACTIVE]
    )
    seen_state = param_choice(request.POST, "seen_state", AppraisalCycle.State.values, default="")
    reopen_form = None
    reason = ""
    if seen_state == AppraisalCycle.State.CLOSED and cycle.is_closed:
        reopen_form = CycleReopenForm(request.POST)
        if not reopen_form.is_valid():
            return render(
                request, "plans/cycle_detail.html", _detail_context(user, cycle, reopen_form)
            )
        reason = reopen_form.cleaned_data["reason"]
    try:
        cycle_transition(
            actor=user, cycle=cycle, state=state, seen_state=seen_state or None, reason=reason
        )
    except ValidationError as error:
        if reopen_form is not None and hasattr(error, "error_dict"):
            for field, problems in error.message_dict.items():
                for problem in problems:
                    reopen_form.add_error(field if field in reopen_form.fields else None, problem)
            return render(
                request, "plans/cycle_detail.html", _detail_context(user, cycle, reopen_form)
            )
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The cycle's state has been changed."))
    return redirect("plans:cycle_detail", pk=pk)
