"""The objective template library and assigning a set in a cycle (issue 17 §1).

Only HR and department heads have the library; anyone else gets 404 on every page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.concurrency import StaleEditError, VersionField, refused_as_stale
from accounts.http import user_of
from accounts.inputs import param_id
from accounts.models import User
from plans.forms_templates import ObjectiveTemplateForm, TemplateAssignForm, TemplateSetForm
from plans.permissions import (
    can_use_templates,
    get_template_for_user,
    get_template_set_for_user,
    template_sets_visible_to,
)
from plans.templates_assign import (
    AssignmentPreview,
    AssignmentRefused,
    assignment_preview,
    people_for_assignment,
    template_set_assign,
)
from plans.templates_lib import (
    objective_template_delete,
    objective_template_save,
    template_set_delete,
    template_set_save,
    template_set_uses,
    template_sets_of,
    templates_of,
)


def _library_user(request: HttpRequest) -> User:
    user = user_of(request)
    if not can_use_templates(user):
        raise Http404
    return user


def _posted_version(request: HttpRequest) -> int | None:
    return VersionField().to_python(request.POST.get("version"))


@login_required
def template_set_list(request: HttpRequest) -> HttpResponse:
    user = _library_user(request)
    return render(request, "plans/template_set_list.html", {"sets": template_sets_of(user=user)})


@login_required
def template_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    template_set = get_template_set_for_user(user, pk)
    templates = templates_of(template_set=template_set)
    return render(
        request,
        "plans/template_set_detail.html",
        {
            "template_set": template_set,
            "templates": templates,
            "weight_total": sum(t.default_weight for t in templates),
            "uses": template_set_uses(template_set=template_set),
        },
    )


@login_required
def template_set_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _library_user(request)
    template_set = get_template_set_for_user(user, pk) if pk else None
    form = TemplateSetForm(request.POST or None, instance=template_set, user=user)
    context = {"form": form, "template_set": template_set}
    if request.method == "POST" and form.is_valid():
        try:
            saved = template_set_save(
                actor=user,
                template_set=template_set,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                department=form.cleaned_data["department"],
                version=form.cleaned_data.get("version"),
            )
        except StaleEditError:
            return refused_as_stale(request, "plans/template_set_form.html", context)
        messages.success(request, _("The template set has been saved."))
        return redirect("plans:template_set_detail", pk=saved.pk)
    return render(request, "plans/template_set_form.html", context)


@login_required
@require_POST
def template_set_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    template_set = get_template_set_for_user(user, pk)
    try:
        template_set_delete(actor=user, template_set=template_set, version=_posted_version(request))
    except StaleEditError:
        messages.error(
            request, _("The set was changed while you were looking at it: nothing was deleted.")
        )
        return redirect("plans:template_set_detail", pk=pk)
    messages.success(request, _("The template set has been deleted."))
    return redirect("plans:template_set_list")


@login_required
def template_edit(
    request: HttpRequest, set_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    """Add a template to a set (``set_pk``) or change one (``pk``)."""
    user = user_of(request)
    template = get_template_for_user(user, pk) if pk else None
    template_set = (
        template.template_set if template else get_template_set_for_user(user, set_pk or 0)
    )
    form = ObjectiveTemplateForm(
        request.POST or None, instance=template, user=user, template_set=template_set
    )
    context = {"form": form, "template_set": template_set, "template": template}
    if request.method == "POST" and form.is_valid():
        data = {
            name: form.cleaned_data[name]
            for name in (
                "title",
                "description",
                "measure",
                "unit",
                "target",
                "default_weight",
                "pattern",
                "curve",
                "parent",
            )
        }
        try:
            objective_template_save(
                actor=user,
                template_set=template_set,
                template=template,
                version=form.cleaned_data.get("version"),
                **data,
            )
        except StaleEditError:
            return refused_as_stale(request, "plans/template_form.html", context)
        messages.success(request, _("The template has been saved."))
        return redirect("plans:template_set_detail", pk=template_set.pk)
    return render(request, "plans/template_form.html", context)


@login_required
@require_POST
def template_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    template = get_template_for_user(user, pk)
    set_pk = template.template_set_id
    try:
        objective_template_delete(actor=user, template=template, version=_posted_version(request))
    except StaleEditError:
        messages.error(
            request,
            _("The template was changed while you were looking at it: nothing was removed."),
        )
    else:
        messages.success(request, _("The template has been removed. Copies already in plans stay."))
    return redirect("plans:template_set_detail", pk=set_pk)


def _assign_people(user: User, data: dict[str, Any]) -> tuple[list[User], list[str]]:
    target = data["target"]
    if target == "people":
        return people_for_assignment(actor=user, emails=data["emails"])
    if target == "job_title":
        return people_for_assignment(actor=user, job_title=data["job_title"])
    return people_for_assignment(
        actor=user, department_id=data["department"].pk, include_below=data["include_below"]
    )


@login_required
def template_assign(request: HttpRequest) -> HttpResponse:
    """Step 1: the form; step 2 ("preview"): who gets what, who is refused and why;
    step 3 ("assign" or "assign_others"): done, or the preview again if it changed."""
    user = _library_user(request)
    sets = template_sets_visible_to(user)
    initial: dict[str, Any] = {}
    if request.method == "GET":
        initial = {
            "template_set": param_id(request.GET, "set"),
            "cycle": param_id(request.GET, "cycle"),
        }
    form = TemplateAssignForm(request.POST or None, initial=initial, user=user, sets=sets)
    action = request.POST.get("action", "preview")
    if request.method != "POST" or not form.is_valid():
        return render(request, "plans/template_assign.html", {"form": form})
    data = form.cleaned_data
    people, unknown = _assign_people(user, data)
    common = {
        "actor": user,
        "cycle": data["cycle"],
        "template_set": data["template_set"],
        "people": people,
        "unknown": unknown,
    }
    if action in ("assign", "assign_others"):
        try:
            done = template_set_assign(
                **common,
                seen=request.POST.get("seen", "")[:40],
                others_only=action == "assign_others",
            )
        except AssignmentRefused as refusal:
            if refusal.changed:
                messages.error(
                    request,
                    _(
                        "Something changed since the preview: nothing was assigned. "
                        "Here is what assigning would do now."
                    ),
                )
            else:
                messages.error(
                    request,
                    _(
                        "Some people are refused: nothing was assigned. Assign to the others "
                        "only, or change the choice."
                    ),
                )
            return _preview_page(request, form, refusal.preview)
        objectives = ngettext("%(count)d objective", "%(count)d objectives", done.objectives) % {
            "count": done.objectives
        }
        people_text = ngettext("%(count)d person", "%(count)d people", done.people) % {
            "count": done.people
        }
        text = _("%(objectives)s given to %(people)s.") % {
            "objectives": objectives,
            "people": people_text,
        }
        messages.success(request, text)
        if done.reopened:
            messages.warning(
                request,
                ngettext(
                    "%(count)d plan had been confirmed: it is open again, and its people "
                    "have been told.",
                    "%(count)d plans had been confirmed: they are open again, and their "
                    "people have been told.",
                    done.reopened,
                )
                % {"count": done.reopened},
            )
        return redirect("plans:template_set_detail", pk=data["template_set"].pk)
    return _preview_page(request, form, assignment_preview(**common))


def _preview_page(
    request: HttpRequest, form: TemplateAssignForm, preview: AssignmentPreview
) -> HttpResponse:
    # The choice as sent, carried by the confirmation form; the form below it may change it.
    sent = [(name, value) for name in form.fields for value in request.POST.getlist(name)]
    return render(
        request,
        "plans/template_assign_preview.html",
        {"form": form, "preview": preview, "sent": sent},
    )
