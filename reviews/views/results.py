"""The appraisal results (issue 17 §3): a subject's result page, proposing and
acknowledging, the results list, HR's preparing, and the printable page and PDF."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.concurrency import StaleEditError, refused_as_stale
from accounts.http import user_of
from accounts.links import named_url
from accounts.models import Department
from accounts.selectors import user_roles
from coaching.praise import praise_of_cycle
from coaching.trajectory import person_trajectory
from plans.permissions import get_cycle_for_hr
from reviews.calibration import adjustments_of, proposals_open
from reviews.models import rating_label
from reviews.pdf import html_pdf_bytes
from reviews.permissions import ResultAccess, get_result_access, require
from reviews.result_forms import (
    ResultAcknowledgeForm,
    ResultFilterForm,
    ResultProposeForm,
    ResultsPrepareForm,
)
from reviews.result_selectors import (
    mark_proposers,
    own_published_results,
    result_cycles_for,
    result_page,
    results_listed,
)
from reviews.results import result_acknowledge, result_propose, results_prepare
from reviews.views.exports import pdf_unavailable

TEMPLATE = "reviews/result_detail.html"
PAGE_SIZE = 50


def _refused(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
    else:
        form.add_error(None, error.messages[0])


def result_context(
    access: ResultAccess,
    *,
    propose_form: ResultProposeForm | None = None,
    acknowledge_form: ResultAcknowledgeForm | None = None,
) -> dict[str, Any]:
    """The result page's context; bound forms are shown again as the person filled them."""
    result = access.result
    return {
        **_printable(access),
        "propose_form": propose_form or ResultProposeForm(result=result),
        "acknowledge_form": acknowledge_form or ResultAcknowledgeForm(result=result),
    }


@login_required
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_result_access(user_of(request), pk)
    return render(request, TEMPLATE, result_context(access))


@login_required
@require_POST
def result_propose_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager proposes (or changes) the rating, until the calibration is done."""
    access = get_result_access(user_of(request), pk)
    require(access.is_proposer)
    form = ResultProposeForm(request.POST, result=access.result)
    if form.is_valid():
        try:
            result_propose(
                actor=access.user,
                result_id=access.result.pk,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                version=form.cleaned_data["version"],
            )
        except StaleEditError:
            return refused_as_stale(request, TEMPLATE, result_context(access, propose_form=form))
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Your proposal is saved."))
            return redirect(access.result.get_absolute_url())
    return render(request, TEMPLATE, result_context(access, propose_form=form), status=400)


@login_required
@require_POST
def result_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The person acknowledges their published result, once, with an optional comment."""
    access = get_result_access(user_of(request), pk)
    require(access.is_subject)
    form = ResultAcknowledgeForm(request.POST, result=access.result)
    if form.is_valid():
        try:
            result_acknowledge(
                actor=access.user,
                result_id=access.result.pk,
                comment=form.cleaned_data["comment"],
                version=form.cleaned_data["version"],
            )
        except StaleEditError:
            return refused_as_stale(
                request, TEMPLATE, result_context(access, acknowledge_form=form)
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("You acknowledged your result."))
            return redirect(access.result.get_absolute_url())
    return render(request, TEMPLATE, result_context(access, acknowledge_form=form), status=400)


@login_required
def result_list(request: HttpRequest) -> HttpResponse:
    """The results a manager answers for (their chain's), or every one for HR: one cycle
    at a time, filtered by department and state, what still needs a proposal marked."""
    user = user_of(request)
    cycles = result_cycles_for(user)
    departments = Department.objects.order_by("name")
    # Someone who answers for nobody's results has no filters: any given are ignored.
    filters = request.GET if cycles.exists() else QueryDict()
    form = ResultFilterForm(filters, cycles=cycles, departments=departments)
    cycle = form.value("cycle") or cycles.first()
    is_hr = user_roles(user).is_hr
    context: dict[str, Any] = {
        "form": form,
        "cycle": cycle,
        "is_hr": is_hr,
        # The reader's own published results first; the team part for those who answer
        # for someone's (HR, a manager, a head).
        "own_results": own_published_results(user),
        "answers_for_others": is_hr or cycle is not None,
        "prepare_form": ResultsPrepareForm(),
        # No "Propose" link once the calibration is done or the results are published.
        "proposals_open": cycle is not None and proposals_open(cycle),
    }
    if cycle is not None:
        department = form.value("department")
        results = results_listed(
            user,
            cycle=cycle,
            department_id=department.pk if department else None,
            state=form.value("state") or "",
        )
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
        mark_proposers(user, list(page.object_list))
        context["page"] = page
    return render(request, "reviews/result_list.html", context)


@login_required
@require_POST
def results_prepare_view(request: HttpRequest, pk: int) -> HttpResponse:
    """HR prepares a cycle's results now (and refreshes their figures)."""
    cycle = get_cycle_for_hr(user_of(request), pk)
    form = ResultsPrepareForm(request.POST)
    form.is_valid()  # a checkbox: anything but "on" is unticked
    try:
        done = results_prepare(
            cycle=cycle, refresh_proposed=bool(form.cleaned_data.get("refresh_proposed"))
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("Results prepared: %(created)s new, %(refreshed)s with changed figures.")
            % {"created": done.created, "refreshed": done.refreshed},
        )
    return redirect(f"{named_url('reviews:result_list')}?cycle={cycle.pk}")


def _printable(access: ResultAccess) -> dict[str, Any]:
    """What every view of a result shows; the ratings as ``_result_body.html`` may show them."""
    result = access.result
    return {
        "result": result,
        "access": access,
        "page": result_page(access),
        "subject_name": result.employee.full_name if result.employee else str(result.department),
        # How the year's coaching went, month by month (issue 17 §5), as the reader may see it.
        "trajectory": (
            person_trajectory(viewer=access.user, person=result.employee, cycle=result.cycle)
            if result.employee
            else None
        ),
        # The praise received during the cycle that the reader may see (issue 18 §1).
        "praise_list": (
            praise_of_cycle(access.user, result.employee, result.cycle) if result.employee else []
        ),
        # Who changed the rating in calibration, when, from what to what and why: for
        # those who read the proposal (HR, the participants, the managers), never the person.
        "adjustments": adjustments_of(result) if access.sees_proposal else [],
        "labels": {
            "proposed": rating_label(result.proposed_rating) if access.sees_proposal else "",
            "final": rating_label(result.final_rating) if access.sees_final else "",
        },
    }


@login_required
def result_print(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_result_access(user_of(request), pk)
    return render(request, "reviews/result_print.html", _printable(access))


@login_required
def result_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable result as a PDF (WeasyPrint, like a table's), showing what the
    reader may see of it."""
    access = get_result_access(user_of(request), pk)
    html = render_to_string("reviews/result_pdf.html", _printable(access), request=request)
    try:
        content = html_pdf_bytes(html)
    except RuntimeError as error:
        return pdf_unavailable(
            request, str(error), reverse("reviews:result_detail", args=[access.result.pk])
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="result-{access.result.pk}.pdf"'
    return response
