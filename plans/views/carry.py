"""HR carries a cycle forward (issue 17 §2): choose, read the preview, carry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.concurrency import StaleEditError, refused_as_stale
from accounts.http import user_of
from plans.carry_forms import CarryForwardForm
from plans.carry_forward import cycle_carry_forward
from plans.carry_preview import (
    CarryPreview,
    carry_forward_preview,
    carry_sources,
    cycle_carried_summary,
)
from plans.models import AppraisalCycle
from plans.permissions import get_cycle_for_hr

TEMPLATE = "plans/cycle_carry.html"


def _context(
    cycle: AppraisalCycle, form: CarryForwardForm, preview: CarryPreview | None
) -> dict[str, Any]:
    confirm = None
    if cycle.is_closed:
        preview = None
    if preview is not None:
        confirm = CarryForwardForm(
            cycle=cycle,
            confirm=True,
            initial={
                "source": preview.source.pk,
                "which": preview.which,
                "seen": preview.fingerprint,
            },
        )
    return {
        "cycle": cycle,
        "form": form,
        "preview": preview,
        "confirm_form": confirm,
        "carried": cycle_carried_summary(cycle=cycle),
        "has_sources": carry_sources(cycle).exists(),
    }


def _preview_of(cycle: AppraisalCycle, form: CarryForwardForm) -> CarryPreview:
    return carry_forward_preview(
        cycle=cycle, source=form.cleaned_data["source"], which=form.cleaned_data["which"]
    )


@login_required
def cycle_carry(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the choice (earlier cycle, which objectives) and, once chosen, the preview with
    a "Carry forward" button; POST (that button): carry, then back to the cycle page."""
    user = user_of(request)
    cycle = get_cycle_for_hr(user, pk)
    if request.method != "POST":
        form = CarryForwardForm(request.GET or None, cycle=cycle)
        valid = form.is_bound and form.is_valid() and not cycle.is_closed
        preview = _preview_of(cycle, form) if valid else None
        return render(request, TEMPLATE, _context(cycle, form, preview))
    if cycle.is_closed:
        messages.error(request, _("This cycle is closed: nothing can be carried into it."))
        return redirect("plans:cycle_detail", pk=cycle.pk)
    form = CarryForwardForm(request.POST, cycle=cycle, confirm=True)
    if not form.is_valid():
        # Shown again as the visible choice, each problem beside its field.
        shown = CarryForwardForm(request.POST, cycle=cycle)
        shown.is_valid()
        return render(request, TEMPLATE, _context(cycle, shown, None))
    try:
        result = cycle_carry_forward(
            actor=user,
            cycle=cycle,
            source=form.cleaned_data["source"],
            which=form.cleaned_data["which"],
            version=form.cleaned_data["version"],
            seen=form.cleaned_data["seen"] or None,
        )
    except StaleEditError:
        cycle.refresh_from_db()
        shown = CarryForwardForm(request.POST, cycle=cycle)
        preview = _preview_of(cycle, shown) if shown.is_valid() else None
        return refused_as_stale(request, TEMPLATE, _context(cycle, shown, preview))
    except ValidationError as error:
        messages.error(request, error.messages[0])
        cycle.refresh_from_db()
        shown = CarryForwardForm(request.POST, cycle=cycle)
        preview = _preview_of(cycle, shown) if shown.is_valid() else None
        return render(request, TEMPLATE, _context(cycle, shown, preview))
    for line in result.messages():
        messages.success(request, line)
    return redirect("plans:cycle_detail", pk=cycle.pk)
