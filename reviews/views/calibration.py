"""Calibration pages (issue 17 §4): the list, a cycle's calibration, its steps, an adjustment.

Everything here is for HR and the calibration's participants only; everyone else
gets a 404 (``reviews.permissions``, calibration section).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.concurrency import STALE_EDIT_MESSAGE, StaleEditError, refused_as_stale
from accounts.http import user_of
from accounts.inputs import param_choice
from accounts.models import Department, User
from accounts.selectors import user_roles
from plans.models import AppraisalCycle
from reviews.calibration import (
    HIGH_RATING_LOW_COMPLETION,
    LOW_RATING_HIGH_COMPLETION,
    MANAGER_GAP_SHARE,
    MANAGER_MIN_RATED,
    adjustments_of,
    calibration_events,
    calibrations_visible_to,
    cycle_scale,
    high_ratings,
    is_ended,
    managers_page,
    people_page,
    rating_distribution,
    rating_of,
)
from reviews.calibration_forms import (
    AdjustForm,
    CalibrationFilterForm,
    ParticipantsForm,
    StepForm,
)
from reviews.calibration_services import (
    calibration_done,
    calibration_participants_set,
    calibration_publish,
    calibration_reopen,
    calibration_start,
    rating_adjust,
)
from reviews.models import Calibration, CycleResult, rating_label
from reviews.permissions import (
    can_adjust,
    can_manage_calibration,
    get_calibrated_result_for_user,
    get_calibration_for_user,
)

PAGE = "reviews/calibration.html"


# A service's refusal shown beside the field it is about.
_FIELD_OF = {"no_reason": "reason", "bad_rating": "rating", "not_head": "participants"}


def _form_refused(form: Any, error: ValidationError) -> None:
    for problem in error.error_list:
        field = _FIELD_OF.get(str(problem.code))
        form.add_error(field if field in form.fields else None, problem.messages[0])


@login_required
def calibration_list(request: HttpRequest) -> HttpResponse:
    """HR: every ended cycle and its calibration; a participant: their calibrations."""
    user = user_of(request)
    roles = user_roles(user)
    if not (roles.is_hr or roles.is_department_head):
        raise Http404
    rows = [
        (cycle, getattr(cycle, "calibration", None))
        for cycle in calibrations_visible_to(user, is_hr=roles.is_hr)
    ]
    return render(request, "reviews/calibration_list.html", {"rows": rows, "is_hr": roles.is_hr})


def _page_context(
    request: HttpRequest,
    cycle: AppraisalCycle,
    calibration: Calibration,
    *,
    step_form: StepForm | None = None,
) -> dict[str, Any]:
    user = user_of(request)
    departments = list(Department.objects.order_by("name").values_list("pk", "name"))
    distribution = rating_distribution(cycle, department_names=dict(departments))
    managers = sorted(
        ((row.pk, row.name) for row in distribution.managers if row.pk is not None),
        key=lambda pair: pair[1].casefold(),
    )
    filters = CalibrationFilterForm(request.GET, departments=departments, managers=managers)
    page = people_page(
        cycle,
        distribution,
        department=filters.value("department"),
        manager=filters.value("manager"),
        outliers_only=bool(filters.value("outliers")),
        number=request.GET.get("page"),
        viewer_id=user.pk,
    )
    manager_page = managers_page(distribution, request.GET.get("managers_page"))
    is_open = calibration.done_at is None and calibration.published_at is None
    return {
        "cycle": cycle,
        "calibration": calibration,
        "distribution": distribution,
        "charts": distribution.charts(list(manager_page)),
        "page": page,
        "manager_page": manager_page,
        "filters": filters,
        # As sent (a refused value stays selected beside its message), for the options.
        "selected_department": str(request.GET.get("department", "")),
        "selected_manager": str(request.GET.get("manager", "")),
        "participants": list(calibration.participants.order_by("full_name").values("full_name")),
        "events": calibration_events(calibration),
        "is_open": is_open,
        "may_adjust": is_open,
        "can_manage": can_manage_calibration(user),
        "step_form": step_form or StepForm(initial={"version": calibration.version}),
        "high_labels": [rating_label(value) for value in high_ratings(distribution.scale)],
        "lowest_label": rating_label(distribution.scale[0]) if distribution.scale else "",
        "high_threshold": HIGH_RATING_LOW_COMPLETION,
        "low_threshold": LOW_RATING_HIGH_COMPLETION,
        "manager_gap": MANAGER_GAP_SHARE * max(len(distribution.scale) - 1, 1),
        "manager_min": MANAGER_MIN_RATED,
    }


def _start_page(
    request: HttpRequest, cycle: AppraisalCycle, form: ParticipantsForm | None = None
) -> HttpResponse:
    return render(
        request,
        "reviews/calibration_start.html",
        {"cycle": cycle, "ended": is_ended(cycle), "form": form or ParticipantsForm()},
    )


@login_required
def calibration_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The calibration of cycle ``pk``: distribution by department and manager, people with
    completion and flags, adjustments, the steps. HR sees the start form before it exists."""
    user = user_of(request)
    cycle, calibration = get_calibration_for_user(user, pk)
    if calibration is None:
        return _start_page(request, cycle)
    return render(request, PAGE, _page_context(request, cycle, calibration))


@login_required
@require_POST
def calibration_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    """HR starts the calibration of an ended cycle with the chosen participants."""
    user = user_of(request)
    if not can_manage_calibration(user):
        raise Http404
    cycle = get_object_or_404(AppraisalCycle, pk=pk)
    form = ParticipantsForm(request.POST)
    if form.is_valid():
        try:
            calibration_start(
                actor=user, cycle=cycle, participants=list(form.cleaned_data["participants"])
            )
        except ValidationError as error:
            _form_refused(form, error)
        else:
            messages.success(request, _("The calibration has started."))
            return redirect("reviews:calibration", pk=cycle.pk)
    return _start_page(request, cycle, form)


@login_required
def calibration_participants(request: HttpRequest, pk: int) -> HttpResponse:
    """HR changes who takes part while the calibration is open."""
    user = user_of(request)
    if not can_manage_calibration(user):
        raise Http404
    cycle, calibration = get_calibration_for_user(user, pk)
    if calibration is None:
        raise Http404
    form = ParticipantsForm(
        request.POST or None,
        initial={
            "participants": list(calibration.participants.values_list("pk", flat=True)),
            "version": calibration.version,
        },
    )
    context = {"cycle": cycle, "calibration": calibration, "form": form}
    template = "reviews/calibration_participants.html"
    if request.method == "POST" and form.is_valid():
        try:
            calibration_participants_set(
                actor=user,
                calibration=calibration,
                participants=list(form.cleaned_data["participants"]),
                version=form.cleaned_data.get("version"),
            )
        except StaleEditError:
            return refused_as_stale(request, template, context)
        except ValidationError as error:
            _form_refused(form, error)
        else:
            messages.success(request, _("The participants have been saved."))
            return redirect("reviews:calibration", pk=cycle.pk)
    return render(request, template, context)


@login_required
@require_POST
def calibration_step(request: HttpRequest, pk: int) -> HttpResponse:
    """HR marks the calibration done, reopens it (with a reason) or publishes it."""
    user = user_of(request)
    if not can_manage_calibration(user):
        raise Http404
    cycle, calibration = get_calibration_for_user(user, pk)
    if calibration is None:
        raise Http404
    action = param_choice(request.POST, "action", ("done", "reopen", "publish"))
    form = StepForm(request.POST)
    if form.is_valid():
        version = form.cleaned_data.get("version")
        try:
            if action == "done":
                calibration_done(actor=user, calibration=calibration, version=version)
                said = _("The calibration is done: ratings can no longer change.")
            elif action == "reopen":
                calibration_reopen(
                    actor=user,
                    calibration=calibration,
                    reason=form.cleaned_data["reason"],
                    version=version,
                )
                said = _("The calibration is open again.")
            else:
                calibration_publish(actor=user, calibration=calibration, version=version)
                said = _("The results are published: each person now sees their final rating.")
        except StaleEditError:
            messages.error(request, STALE_EDIT_MESSAGE)
            context = _page_context(request, cycle, calibration, step_form=form)
            return render(request, PAGE, context, status=409)
        except ValidationError as error:
            _form_refused(form, error)
        else:
            messages.success(request, said)
            return redirect("reviews:calibration", pk=cycle.pk)
    messages.error(request, _("Nothing was changed: see the message below."))
    return render(request, PAGE, _page_context(request, cycle, calibration, step_form=form))


def _not_adjustable(user: User, calibration: Calibration, result: CycleResult) -> str:
    if result.employee_id == user.pk:
        return _("Nobody adjusts their own rating.")
    if calibration.published_at is not None:
        return _("This calibration is published: nothing in it changes any more.")
    return _("This calibration is done: reopen it to change anything.")


@login_required
def calibration_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's rating in the calibration: its adjustments, and the form to adjust it."""
    user = user_of(request)
    result, calibration = get_calibrated_result_for_user(user, pk)
    scale = cycle_scale(result.cycle)
    allowed = can_adjust(user, calibration, result)
    if request.method == "POST" and not allowed:
        # A tab left open before the calibration was done, or a forged post.
        messages.error(request, _not_adjustable(user, calibration, result))
    bound = request.method == "POST" and allowed
    form = AdjustForm(request.POST if bound else None, result=result, scale=scale)
    context = {
        "result": result,
        "cycle": result.cycle,
        "calibration": calibration,
        "rating": rating_of(result),
        "adjustments": adjustments_of(result),
        "form": form,
        "can_adjust": allowed,
        "own": result.employee_id == user.pk,
    }
    template = "reviews/calibration_adjust.html"
    if bound and form.is_valid():
        try:
            rating_adjust(
                actor=user,
                result=result,
                to_rating=form.cleaned_data["rating"],
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data.get("version"),
            )
        except StaleEditError:
            return refused_as_stale(request, template, context)
        except ValidationError as error:
            _form_refused(form, error)
        else:
            assert result.employee is not None  # noqa: S101 - only people's results
            messages.success(
                request,
                _("%(name)s's rating is now %(rating)s.")
                % {
                    "name": result.employee.full_name,
                    "rating": rating_label(form.cleaned_data["rating"]),
                },
            )
            return redirect("reviews:calibration", pk=result.cycle_id)
    return render(request, template, context)
