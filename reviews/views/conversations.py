"""The month's review conversation: the coaching session form, served for one table."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.http import user_of
from coaching.forms import SessionFormBundle
from coaching.models import CoachingSession
from coaching.selectors import coaching_type_suggest
from coaching.views.sessions import new_session_page
from reviews.conversations import (
    ConversationAlreadyHeld,
    can_hold_conversation,
    conversation_note,
    conversation_of,
    review_conversation_save,
    subject_open_checkpoints,
)
from reviews.permissions import get_table_access, require
from reviews.selectors import table_contents


@login_required
def table_conversation(request: HttpRequest, pk: int) -> HttpResponse:
    """Hold the review conversation of table ``pk``: a coaching session of occasion
    mid-term review, starting from the table's rows and gaps; once."""
    user = user_of(request)
    access = get_table_access(user, pk)
    require(can_hold_conversation(access))
    table = access.table
    held = conversation_of(table)
    if held is not None:
        messages.info(request, _("The review conversation of this table was already held."))
        return redirect(held.session)
    employee, department = table.employee, table.department
    rows = table_contents(table).rows
    suggestion = coaching_type_suggest(employee=employee) if employee else None
    initial = {
        "occasion": CoachingSession.Occasion.MIDTERM,
        # The month's review is a planned, formal talk, not a one-minute note.
        "form": CoachingSession.Form.FORMAL,
        "duration_minutes": 30,
        "note": conversation_note(table, rows, subject_open_checkpoints(table)),
        **({"type": suggestion.type} if suggestion else {}),
    }
    forms = SessionFormBundle(
        actor=user,
        session=None,
        employee=employee,
        department=department,
        data=request.POST if request.method == "POST" else None,
        initial=initial,
        ticked=[row.objective_id for row in rows if row.objective_id],
    )
    if request.method == "POST" and forms.is_valid():
        try:
            saved = review_conversation_save(actor=user, table=table, **forms.save_arguments())
        except ConversationAlreadyHeld as first:
            messages.info(request, _("The review conversation of this table was already held."))
            return redirect(first.session)
        messages.success(request, _("The review conversation has been saved."))
        return redirect(saved)
    return new_session_page(
        request,
        forms,
        employee=employee,
        department=department,
        suggestion=suggestion,
        month=table.month,
        review_table=table,
    )
