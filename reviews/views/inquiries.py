"""Questions on a review table: asking and answering, in place (htmx) or as a whole page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.http import HtmxHttpRequest, user_of
from reviews.forms import AnswerForm, InquiryForm
from reviews.models import Inquiry
from reviews.permissions import TableAccess, get_inquiry_access, get_table_access, require
from reviews.views.tables import TEMPLATE, moment_text, status_changed_text, table_context
from reviews.workflow import InquiryAnsweredError, inquiry_answer, inquiry_ask


def _inquiries_response(
    request: HtmxHttpRequest, access: TableAccess, *, status: int = 200, **context: Any
) -> HttpResponse:
    """The questions part (htmx) or the whole page, with ``context`` over the table's."""
    if request.htmx:
        # htmx swaps only successful answers: a notice must come with a 200.
        return render(request, "reviews/_inquiries.html", table_context(access, **context))
    return render(request, TEMPLATE, table_context(access, **context), status=status)


def _changed_meanwhile(request: HtmxHttpRequest, access: TableAccess, typed: str) -> HttpResponse:
    """The table left review while the person was typing: who did it and when, and their text."""
    return _inquiries_response(
        request,
        access,
        status=409,
        inquiry_notice=status_changed_text(user_of(request), access.table),
        unsaved_text=typed,
    )


@login_required
def inquiry_new(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    access = get_table_access(user, pk)
    table = access.table
    if request.method != "POST":
        return redirect(table)
    form = InquiryForm(request.POST)
    if not access.can_ask:
        require(access.is_questioner)
        # The review closed (or was returned) while the question was being written.
        return _changed_meanwhile(request, access, request.POST.get("question", ""))
    if form.is_valid():
        inquiry = inquiry_ask(
            actor=user,
            table=table,
            question=form.cleaned_data["question"],
            kind=form.cleaned_data["kind"],
        )
        form = InquiryForm()
        if not request.htmx:
            messages.success(
                request,
                _("Your suggestion has been sent.")
                if inquiry.kind == Inquiry.Kind.SUGGESTION
                else _("Your question has been sent."),
            )
            return redirect(table)
    return _inquiries_response(request, access, inquiry_form=form)


@login_required
def inquiry_reply(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inquiry, access = get_inquiry_access(user, pk)
    table = access.table
    if request.method != "POST":
        return redirect(table)
    typed = request.POST.get("answer", "")
    if not access.can_answer:
        require(access.is_assessee)
        return _changed_meanwhile(request, access, typed)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _inquiries_response(
            request, access, answer_errors={inquiry.pk: form.errors.get("answer")}
        )
    try:
        inquiry_answer(actor=user, inquiry=inquiry, answer=form.cleaned_data["answer"])
    except InquiryAnsweredError as answered:
        first = answered.inquiry
        who = first.answered_by
        notice = (
            _("You answered this question on %(when)s, in another tab or window.")
            if who == user
            else _("%(name)s answered this question on %(when)s, before your answer was sent.")
        ) % {
            "name": who.full_name if who else "—",
            "when": moment_text(first.answered_at or first.asked_at),
        }
        return _inquiries_response(
            request,
            access,
            status=409,
            inquiry_notice=notice + " " + _("Your answer was not saved: it is below, to copy."),
            unsaved_text=typed,
        )
    if not request.htmx:
        messages.success(request, _("Your answer has been saved."))
        return redirect(table)
    return _inquiries_response(request, access)
