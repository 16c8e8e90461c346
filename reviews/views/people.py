"""HR's pages for people who move and leave, and for handing a review over (issue 15)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.http import user_of
from accounts.models import User
from accounts.permissions import require_hr
from reviews.handover import review_handover
from reviews.lifecycle import offboarding_preview, person_move, person_offboard
from reviews.lifecycle_forms import HandoverForm, OffboardingForm, PersonMoveForm
from reviews.models import CLOSED_STATUSES, ReviewTable
from reviews.permissions import get_table_for_user, require
from reviews.reviewers import reviewer_named


def _active_person(pk: int) -> User:
    return get_object_or_404(
        User.objects.select_related("manager", "department"), pk=pk, is_active=True
    )


@login_required
def person_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    """HR: a new manager or department for one person, with what follows (issue 15, section 2)."""
    user = user_of(request)
    require_hr(user)
    person = _active_person(pk)
    form = PersonMoveForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        report = person_move(
            person=person,
            manager=form.cleaned_data["manager"],
            department=form.cleaned_data["department"],
            by=user,
        )
        summary = str(report)
        messages.success(
            request,
            _("%(name)s has moved.") % {"name": person.full_name}
            + (f" {summary}." if summary else ""),
        )
        return redirect(person.get_absolute_url())
    return render(request, "reviews/person_move.html", {"person": person, "form": form})


@login_required
def person_offboard_view(request: HttpRequest, pk: int) -> HttpResponse:
    """HR: off-board one person, after seeing everything it touches (issue 15, section 3)."""
    user = user_of(request)
    require_hr(user)
    person = _active_person(pk)
    require(person.pk != user.pk)
    preview = offboarding_preview(person)
    form = OffboardingForm(request.POST or None, preview=preview)
    if request.method == "POST" and form.is_valid():
        report = person_offboard(
            person=person, by=user, reports_to=form.reports_to(), new_heads=form.new_heads()
        )
        summary = str(report)
        messages.success(
            request,
            _("%(name)s has been off-boarded.") % {"name": person.full_name}
            + (f" {summary}." if summary else ""),
        )
        return redirect(person.get_absolute_url())
    return render(
        request,
        "reviews/person_offboard.html",
        {"person": person, "preview": preview, "form": form},
    )


@login_required
def table_handover_view(request: HttpRequest, pk: int) -> HttpResponse:
    """HR: hand a table's review to someone else, recorded (issue 15, section 2)."""
    user = user_of(request)
    require_hr(user)
    table = get_table_for_user(user, pk)
    # A draft's reviewer follows the organisation (``route_drafts``): nothing to hand over.
    require(table.status not in CLOSED_STATUSES and table.status != ReviewTable.Status.DRAFT)
    form = HandoverForm(request.POST or None, table=table)
    if request.method == "POST" and form.is_valid():
        try:
            review_handover(
                table=table,
                to=form.cleaned_data["reviewer"],
                by=user,
                reason=form.cleaned_data["reason"],
            )
        except ValueError as refused:  # the organisation changed since the form was checked
            form.add_error("reviewer", str(refused))
            return _handover_page(request, table, form)
        messages.success(
            request,
            _("The review of %(table)s is now with %(name)s.")
            % {"table": table, "name": form.cleaned_data["reviewer"].full_name},
        )
        return redirect(table.get_absolute_url())
    return _handover_page(request, table, form)


def _handover_page(request: HttpRequest, table: ReviewTable, form: HandoverForm) -> HttpResponse:
    named_reviewer, named_is_top = reviewer_named(table)
    return render(
        request,
        "reviews/table_handover.html",
        {
            "table": table,
            "form": form,
            "named_reviewer": named_reviewer,
            "named_is_top": named_is_top,
        },
    )
