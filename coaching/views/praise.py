"""Praise (issue 18 §1): give it (on its own or from an encouragement session), read it,
choose who sees it, withdraw it; the walls, "My praise", and HR's company values."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import user_of
from accounts.inputs import param_id
from accounts.models import Department, User
from coaching.forms.praise import CompanyValueForm, PraiseForm, PraiseVisibilityForm
from coaching.models import CoachingSession
from coaching.praise import (
    company_value_save,
    department_wall,
    organisation_wall,
    praise_from_session,
    praise_give,
    praise_given,
    praise_received,
    praise_visibility_set,
    praise_withdraw,
    session_praise_initial,
)
from coaching.praise_access import (
    can_set_praise_visibility,
    can_withdraw_praise,
    get_praise_for_user,
    get_praise_session_for_user,
    get_wall_department_for_user,
    mark_for_viewer,
    praise_refusal,
    require_company_values_manager,
    shows_objective,
    shows_session,
    wall_department_ids,
)
from coaching.praise_models import (
    RECIPIENT_VISIBILITY_LABELS,
    CompanyValue,
    Praise,
    PraiseVisibility,
)

WALL_PAGE_SIZE = 20


def _page(request: HttpRequest, user: User, listed: QuerySet[Praise], name: str = "page") -> Any:
    """One page of ``listed``, each praise marked with what ``user`` may read of it."""
    page = Paginator(listed, WALL_PAGE_SIZE).get_page(request.GET.get(name))
    page.object_list = mark_for_viewer(user, page.object_list)
    return page


def _walls_of(user: User) -> QuerySet[Department]:
    return Department.objects.filter(pk__in=wall_department_ids(user)).order_by("name")


@login_required
def praise_wall(request: HttpRequest) -> HttpResponse:
    """The organisation's wall: praise its recipients showed to everyone, newest first."""
    user = user_of(request)
    return render(
        request,
        "coaching/praise_wall.html",
        {
            "page": _page(request, user, organisation_wall(user)),
            "department": None,
            "walls": _walls_of(user),
        },
    )


@login_required
def praise_department_wall(request: HttpRequest, pk: int) -> HttpResponse:
    """A department's wall: for its present members and the heads above it."""
    user = user_of(request)
    department = get_wall_department_for_user(user, pk)
    return render(
        request,
        "coaching/praise_wall.html",
        {
            "page": _page(request, user, department_wall(user, department)),
            "department": department,
            "walls": _walls_of(user),
        },
    )


@login_required
def praise_mine(request: HttpRequest) -> HttpResponse:
    """The praise I received (all standing) and gave (the withdrawn marked)."""
    user = user_of(request)
    return render(
        request,
        "coaching/praise_mine.html",
        {
            "received": _page(request, user, praise_received(user), "received"),
            "given": _page(request, user, praise_given(user), "given"),
        },
    )


@login_required
def praise_new(request: HttpRequest) -> HttpResponse:
    """Give praise: to anyone (``?employee=``, or typed), or from one's encouragement
    session (``?session=``), prefilled from its shared *what went well* only.

    Someone who cannot be praised in ``?employee=`` (oneself, a technical account) gets
    the form for typing a person, with the reason above it."""
    user = user_of(request)
    session: CoachingSession | None = None
    employee: User | None = None
    refusal = ""
    session_id = param_id(request.GET, "session")
    if session_id is not None:
        session = get_praise_session_for_user(user, session_id)
        employee = session.employee
    else:
        employee_id = param_id(request.GET, "employee")
        if employee_id is not None:
            employee = get_object_or_404(User, pk=employee_id, is_active=True)
            refusal = praise_refusal(user, employee)
            if refusal:
                employee = None
    initial = session_praise_initial(session) if session is not None else {}
    data = request.POST if request.method == "POST" else None
    form = PraiseForm(data, giver=user, employee=employee, initial=initial)
    if data is not None and form.is_valid():
        person = employee or form.cleaned_data["employee"]
        try:
            praise, given = praise_give(
                giver=user, employee=person, session=session, **form.give_arguments()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if given:
                messages.success(
                    request,
                    _("Your praise is given. %(name)s has been told.") % {"name": person.full_name},
                )
            else:
                messages.info(
                    request,
                    _("You already gave this praise: here it is. Nobody was told again."),
                )
            return redirect(praise)
    return render(
        request,
        "coaching/praise_form.html",
        {
            "form": form,
            "employee": employee,
            "session": session,
            "refusal": refusal,
            "already_praised": praise_from_session(user, session) if session else None,
        },
    )


def _detail(
    request: HttpRequest, praise: Praise, *, visibility_form: PraiseVisibilityForm | None = None
) -> HttpResponse:
    user = user_of(request)
    visible = can_set_praise_visibility(user, praise)
    return render(
        request,
        "coaching/praise_detail.html",
        {
            "praise": praise,
            "objective_shown": shows_objective(user, praise),
            "session_shown": shows_session(user, praise),
            "can_set_visibility": visible,
            "visibility_form": visibility_form
            or PraiseVisibilityForm(initial={"visibility": praise.visibility}),
            "can_withdraw": can_withdraw_praise(user, praise),
            # Where the praise is listed for this viewer: theirs, or the wall.
            "is_mine": user.pk in (praise.employee_id, praise.giver_id),
            "visibility_label": (
                RECIPIENT_VISIBILITY_LABELS[PraiseVisibility(praise.visibility)]
                if praise.employee_id == user.pk
                else praise.get_visibility_display()
            ),
        },
        status=400 if visibility_form is not None else 200,
    )


@login_required
def praise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_praise_for_user(user_of(request), pk))


@login_required
@require_POST
def praise_visibility(request: HttpRequest, pk: int) -> HttpResponse:
    """The recipient chooses who sees their praise (403 to anyone else who sees it)."""
    user = user_of(request)
    praise = get_praise_for_user(user, pk)
    if not can_set_praise_visibility(user, praise):
        raise PermissionDenied
    form = PraiseVisibilityForm(request.POST)
    if not form.is_valid():
        return _detail(request, praise, visibility_form=form)
    visibility = form.cleaned_data["visibility"]
    praise_visibility_set(actor=user, praise=praise, visibility=visibility)
    messages.success(
        request,
        _("Saved: %(who)s may see this praise.")
        % {"who": RECIPIENT_VISIBILITY_LABELS[PraiseVisibility(visibility)]},
    )
    return redirect(praise)


@login_required
def praise_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The giver takes their praise back, after confirming it on this page (403 to
    anyone else who sees it). The notifications that point to it go too."""
    user = user_of(request)
    praise = get_praise_for_user(user, pk)
    if not can_withdraw_praise(user, praise):
        raise PermissionDenied
    if request.method != "POST":
        return render(request, "coaching/praise_withdraw.html", {"praise": praise})
    praise_withdraw(actor=user, praise=praise)
    messages.success(request, _("Your praise is withdrawn: only you see it now."))
    return redirect(praise)


@login_required
def company_values(request: HttpRequest) -> HttpResponse:
    """HR's company values: the list, and a value added."""
    require_company_values_manager(user_of(request))
    data = request.POST if request.method == "POST" else None
    form = CompanyValueForm(data, prefix="new", initial={"active": True})
    if data is not None and form.is_valid():
        value = company_value_save(value=None, **form.cleaned_data)
        messages.success(request, _("The value “%(name)s” is added.") % {"name": value.name})
        return redirect("coaching:company_values")
    return render(
        request,
        "coaching/praise_values.html",
        {"form": form, "values": CompanyValue.objects.all()},
    )


@login_required
def company_value_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename, reorder, stop offering (or offer again) one value: HR only."""
    require_company_values_manager(user_of(request))
    value = get_object_or_404(CompanyValue, pk=pk)
    name = value.name  # as saved: the form writes what was typed into ``value``
    data = request.POST if request.method == "POST" else None
    form = CompanyValueForm(data, instance=value)
    if data is not None and form.is_valid():
        company_value_save(value=value, **form.cleaned_data)
        messages.success(request, _("The value “%(name)s” is saved.") % {"name": value.name})
        return redirect("coaching:company_values")
    return render(
        request,
        "coaching/praise_value_form.html",
        {"form": form, "name": name},
    )
