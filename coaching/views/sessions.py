"""Coaching sessions: the full form, the one-minute note, a session's page, its steps."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.concurrency import StaleEditError, refused_as_stale
from accounts.http import HtmxHttpRequest, user_of
from accounts.inputs import param_choice, param_id
from accounts.models import User
from coaching.extensions import session_records
from coaching.facts import facts_of_month
from coaching.forms import AcknowledgeForm, QuickNoteForm, SessionFormBundle
from coaching.models import ActionItem, CoachingSession
from coaching.permissions import (
    can_acknowledge,
    can_edit_session,
    can_read_session_content,
    get_action_item_for_user,
    get_coachee_for_user,
    get_session_for_user,
    improvement_plan_in_closed_cycle,
    improvement_plans_visible_to,
    is_coachee,
    session_in_closed_cycle,
)
from coaching.praise import praise_from_session
from coaching.praise_access import can_praise_from_session
from coaching.questions import NINE_QUESTIONS, answered_questions, unanswered_questions
from coaching.read_log import private_note_reads_of
from coaching.selectors import (
    coaching_type_suggest,
    quick_note_people,
    session_action_items,
    session_links,
)
from coaching.services import action_item_mark, session_acknowledge, session_save
from plans.permissions import get_objective_for_user


@login_required
def session_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    source = request.POST if request.method == "POST" else request.GET
    employee, department = get_coachee_for_user(user, source)
    suggestion = coaching_type_suggest(employee=employee) if employee else None
    initial: dict[str, Any] = {"type": suggestion.type} if suggestion else {}
    plan_id = param_id(request.GET, "plan")
    if plan_id is not None:
        plan = get_object_or_404(improvement_plans_visible_to(user), pk=plan_id)
        if improvement_plan_in_closed_cycle(plan):
            raise PermissionDenied  # a plan of a closed cycle is a record
        initial["improvement_plan"] = plan.pk
    # From an objective's page: the session starts linked to it, never to one of a
    # closed cycle (a record, issue 15 §4).
    ticked = []
    objective_id = param_id(request.GET, "objective")
    if objective_id is not None:
        objective = get_objective_for_user(user, objective_id)
        if objective.cycle.is_closed:
            raise PermissionDenied
        ticked.append(objective.pk)
    forms = SessionFormBundle(
        actor=user,
        session=None,
        employee=employee,
        department=department,
        data=request.POST if request.method == "POST" else None,
        initial=initial,
        ticked=ticked,
    )
    if request.method == "POST" and forms.is_valid():
        saved = session_save(
            actor=user, employee=employee, department=department, **forms.save_arguments()
        )
        messages.success(request, _("The coaching session has been saved."))
        return redirect(saved)
    return new_session_page(
        request,
        forms,
        employee=employee,
        department=department,
        suggestion=suggestion,
        month=timezone.localdate(),
    )


def new_session_page(
    request: HttpRequest,
    forms: SessionFormBundle,
    *,
    employee: User | None,
    department: Any,
    suggestion: Any,
    month: Any,
    **extra: Any,
) -> HttpResponse:
    """The form of a new session for ``employee`` or ``department``, with the facts of
    ``month`` (a date in it) beside it; ``extra`` goes into the context (a higher app's
    page, such as the review conversation, serves the same form this way)."""
    user = user_of(request)
    return render(
        request,
        "coaching/session_form.html",
        {
            **forms.context(),
            "employee": employee,
            "department": department,
            "suggestion": suggestion,
            "session": None,
            "facts": facts_of_month(user, employee, month) if employee else [],
            **extra,
        },
    )


@login_required
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    session = get_session_for_user(user, pk, write=True)
    forms = SessionFormBundle(
        actor=user,
        session=session,
        employee=session.employee,
        department=session.department,
        data=request.POST if request.method == "POST" else None,
    )
    valid = request.method == "POST" and forms.is_valid()
    # After validation: which parts open, and the question, follow its errors.
    context = {
        **forms.context(),
        "employee": session.employee,
        "department": session.department,
        "session": session,
        "facts": facts_of_month(user, session.employee, session.held_on)
        if session.employee is not None
        else [],
    }
    if valid:
        try:
            saved = session_save(
                actor=user,
                session=session,
                employee=session.employee,
                department=session.department,
                **forms.save_arguments(),
            )
        except StaleEditError:
            return refused_as_stale(request, "coaching/session_form.html", context)
        messages.success(request, _("The coaching session has been saved."))
        return redirect(saved)
    return render(request, "coaching/session_form.html", context)


@login_required
def session_quick(request: HttpRequest) -> HttpResponse:
    """The one-minute note: person, type, one line."""
    user = user_of(request)
    initial = {}
    employee_id = param_id(request.GET, "employee")
    if employee_id is not None:
        initial["employee"] = employee_id
    form = QuickNoteForm(request.POST or None, people=quick_note_people(user=user), initial=initial)
    if request.method == "POST" and form.is_valid():
        session = session_save(
            actor=user,
            employee=form.cleaned_data["employee"],
            type=form.cleaned_data["type"],
            note=form.cleaned_data["note"],
            duration_minutes=1,
        )
        messages.success(request, _("Note saved. You can expand it into a full session any time."))
        return redirect(session)
    return render(request, "coaching/session_quick.html", {"form": form})


def _session_context(
    user: User, session: CoachingSession, acknowledge_form: AcknowledgeForm | None = None
) -> dict[str, Any]:
    content = can_read_session_content(user, session)
    closed = session_in_closed_cycle(session)
    is_coach = session.coach_id == user.pk
    left = session.employee is not None and not session.employee.is_active
    return {
        "session": session,
        "question_total": len(NINE_QUESTIONS),
        # Who reads the content reads the answers; HR without it, only their count.
        "answered_questions": answered_questions(session.question_answers) if content else [],
        # What is left to cover, for the coach alone (a full session, not a quick note).
        "unanswered_questions": unanswered_questions(session.question_answers)
        if is_coach and session.questions_answered
        else [],
        "closed_cycle": closed,
        "coachee_left": left,
        "show_content": content,
        "show_private": is_coach,
        # Who else read the private note, and why: its author's to know (issue 18 §3).
        "note_reads": private_note_reads_of(session) if is_coach else [],
        "can_edit": can_edit_session(user, session),
        "can_acknowledge": can_acknowledge(user, session),
        # The coach turns an encouragement's "what went well" into praise (issue 18 §1).
        "can_praise": can_praise_from_session(user, session),
        # ... once: the praise already given from it is linked instead of the button.
        "session_praise": praise_from_session(user, session) if is_coach else None,
        "acknowledge_form": acknowledge_form or AcknowledgeForm(),
        "links": session_links(session=session) if content else [],
        "records": session_records.links(user, session),
        # The performance facts of the session's month, as the reader may read them.
        "facts": facts_of_month(user, session.employee, session.held_on)
        if content and session.employee is not None
        else [],
        "items": session_action_items(session=session) if content else [],
        "tickable": content
        and not (closed or left)
        and (session.coach_id == user.pk or is_coachee(user, session)),
    }


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    session = get_session_for_user(user, pk)
    return render(request, "coaching/session_detail.html", _session_context(user, session))


@login_required
@require_POST
def session_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    session = get_session_for_user(user, pk)
    if not can_acknowledge(user, session):
        raise PermissionDenied
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        # Shown again with the comment as typed and the reason beside it.
        return render(
            request,
            "coaching/session_detail.html",
            _session_context(user, session, acknowledge_form=form),
        )
    session_acknowledge(actor=user, session=session, comment=form.cleaned_data["comment"])
    messages.success(request, _("Thank you: the session is acknowledged."))
    return redirect(session)


@login_required
@require_POST
def action_item_mark_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Mark a step done or not done, as the button pressed says (``done`` = 1 or 0)."""
    user = user_of(request)
    item = get_action_item_for_user(user, pk)
    done = param_choice(request.POST, "done", ("1", "0")) == "1"
    session = item.session
    item, changed = action_item_mark(actor=user, item=item, done=done)
    note = "" if changed else _unchanged_step_note(item)
    if request.htmx:
        return render(
            request,
            "coaching/_action_item.html",
            {"item": item, "tickable": True, "tick_note": note},
        )
    if note:
        messages.info(request, note)
    # Not redirect(): it would take a bare word in ``next`` for the name of a URL.
    return HttpResponseRedirect(_safe_next(request) or session.get_absolute_url())


def _unchanged_step_note(item: ActionItem) -> str:
    """What a button on a stale page found: the step already as it asked."""
    if item.is_withdrawn:
        return _("“%(step)s” was withdrawn when its owner left: nothing changed.") % {
            "step": item.title
        }
    if not item.is_done:
        return _("“%(step)s” was already marked as not done: nothing changed.") % {
            "step": item.title
        }
    assert item.done_at is not None  # noqa: S101 - is_done
    when = date_format(timezone.localtime(item.done_at), "DATETIME_FORMAT")
    if item.done_by is not None:
        return _("“%(step)s” was already marked done by %(name)s on %(when)s.") % {
            "step": item.title,
            "name": item.done_by.full_name,
            "when": when,
        }
    return _("“%(step)s” was already marked done on %(when)s.") % {
        "step": item.title,
        "when": when,
    }


def _safe_next(request: HttpRequest) -> str | None:
    """The ``next`` address if it stays on this site (never a redirect elsewhere)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None
