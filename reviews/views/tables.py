"""A review table's page: the assessee's part, the reviewer's part and its steps, printing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.http import user_of
from accounts.models import User
from accounts.page_cache import cached_page
from coaching.facts import facts_of_month
from reviews.conversations import can_hold_conversation, conversation_of
from reviews.fill_forms import ReviewTableFillForms
from reviews.forms import InquiryForm, ReviewerForm
from reviews.models import ReviewTable
from reviews.permissions import TableAccess, get_table_access, require
from reviews.reviewers import reviewer_named
from reviews.selectors import last_status_change, rows_follow_up, table_contents, table_history
from reviews.services import StaleTableError
from reviews.workflow import SubmissionIncomplete, review_table_decide, review_table_save

TEMPLATE = "reviews/table_detail.html"

STALE_MESSAGE = gettext_lazy(
    "This table was saved since you opened this page (in another tab, or by someone else). "
    "Nothing of yours was saved: your input is still below. Open the table again in a new "
    "tab to see what was saved, then save yours."
)

DONE_MESSAGES = {
    "save": gettext_lazy("Saved."),
    "start_review": gettext_lazy("The review has started: questions are open."),
    "return": gettext_lazy("Returned for revision."),
    "finalise": gettext_lazy("Finalised. The table is now locked."),
}


def table_context(
    access: TableAccess,
    *,
    fill: ReviewTableFillForms | None = None,
    reviewer_form: ReviewerForm | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """The table page's context; ``fill`` and ``reviewer_form`` are bound forms to show again.

    A bound form is shown even when its owner may no longer edit the table (it
    was submitted or finalised meanwhile): disabled, so the typed text is not lost.
    The template reads what the person may do from ``access``.
    """
    table = access.table
    contents = table_contents(table)
    rows_follow_up(access.user, table, contents.rows)
    named_reviewer, named_is_top = reviewer_named(table)
    context: dict[str, Any] = {
        **contents.context(),
        "access": access,
        "named_reviewer": named_reviewer,
        "named_is_top": named_is_top,
        "open_inquiries": sum(1 for i in contents.inquiries if i.is_open),
        "inquiry_form": InquiryForm(),
        # The month's performance facts of the person, as the viewer may read them.
        "facts": facts_of_month(access.user, table.employee, table.month)
        if table.employee is not None
        else [],
        # The month's review conversation: held (its session), or to hold by the reviewer.
        "conversation": conversation_of(table),
        "can_hold_conversation": can_hold_conversation(access),
    }
    if access.can_see_history:
        context["events"] = table_history(table)
    if fill is None and access.can_fill:
        fill = ReviewTableFillForms(table, rows=contents.rows, items=contents.items)
    if fill is not None:
        context.update(fill.context())
    if reviewer_form is None and access.can_review:
        reviewer_form = ReviewerForm(table=table)
    if reviewer_form is not None:
        context["reviewer_form"] = reviewer_form
    context.update(overrides)
    return context


def moment_text(moment: dt.datetime) -> str:
    """A moment as people read it here: local time, in the reader's language."""
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def status_changed_text(user: User, table: ReviewTable) -> str:
    """What happened to a table whose status changed under the person: who, when, to what."""
    change = last_status_change(table)
    status = table.get_status_display()
    if change is None or change.actor is None:
        return _(
            "This table is now “%(status)s”, so it can no longer be changed here. Nothing you "
            "typed was saved: your text is still below, to copy."
        ) % {"status": status}
    if change.actor == user:
        return _(
            "You changed this table to “%(status)s” on %(when)s, in another tab or window. "
            "Nothing you typed here was saved: your text is still below, to copy."
        ) % {"status": status, "when": moment_text(change.at)}
    return _(
        "%(name)s changed this table to “%(status)s” on %(when)s, while you were editing it. "
        "Nothing you typed was saved: your text is still below, to copy."
    ) % {"name": change.actor.full_name, "status": status, "when": moment_text(change.at)}


@cached_page
@login_required
def table_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The table; the assessee saves their part here (POST), and may submit it at once."""
    user = user_of(request)
    access = get_table_access(user, pk)
    table = access.table
    if request.method != "POST":
        return render(request, TEMPLATE, table_context(access))
    contents = table_contents(table)
    rows_follow_up(user, table, contents.rows)
    fill = ReviewTableFillForms(table, rows=contents.rows, items=contents.items, data=request.POST)
    if not access.can_fill:
        require(access.is_assessee)
        messages.error(request, status_changed_text(user, table))
        return render(request, TEMPLATE, table_context(access, fill=fill), status=409)
    submit = "then_submit" in request.POST
    if not fill.is_valid():
        if submit:
            fill.show_problems(fill.submission_preview())
        messages.error(request, _("Nothing was saved: see the messages by the fields."))
        return render(request, TEMPLATE, table_context(access, fill=fill))
    try:
        review_table_save(actor=user, table=table, submit=submit, **fill.fill_arguments())
    except StaleTableError:
        messages.error(request, STALE_MESSAGE)
        table.refresh_from_db()
        return render(request, TEMPLATE, table_context(access, fill=fill), status=409)
    except SubmissionIncomplete as refused:
        table.refresh_from_db()
        fill.show_problems(refused.problems)
        messages.error(
            request,
            _(
                "Not submitted, and nothing was saved: complete what is marked below and "
                "press Save and submit again, or press Save to keep a draft."
            ),
        )
        return render(request, TEMPLATE, table_context(access, fill=fill))
    if submit:
        messages.success(request, _("Submitted. Your reviewer has been told."))
    else:
        messages.success(request, _("Saved."))
    return redirect(table)


@login_required
def table_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer's form: save the reviewer's part, and take the step of the button pressed."""
    user = user_of(request)
    access = get_table_access(user, pk)
    table = access.table
    if request.method != "POST":
        return redirect(table)
    form = ReviewerForm(request.POST, table=table)
    if not access.can_review:
        require(access.is_reviewer)
        messages.error(request, status_changed_text(user, table))
        return render(request, TEMPLATE, table_context(access, reviewer_form=form), status=409)
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: see the messages by the fields."))
        return render(request, TEMPLATE, table_context(access, reviewer_form=form))
    data = dict(form.cleaned_data)
    action = data.pop("action")
    require(action == "save" or action in access.actions)
    try:
        review_table_decide(
            actor=user,
            table=table,
            version=data["version"],
            action=action,
            reviewer_summary=data["reviewer_summary"],
            suggestions=data["suggestions"],
            expectations=data["expectations"],
            rating=data["rating"],
            comment=data["comment"],
            confirm_open_inquiries=data["confirm"],
        )
    except StaleTableError:
        messages.error(request, STALE_MESSAGE)
        return render(request, TEMPLATE, table_context(access, reviewer_form=form), status=409)
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
        messages.error(request, _("Not done, and nothing was saved: see the messages below."))
        table.refresh_from_db()
        return render(request, TEMPLATE, table_context(access, reviewer_form=form))
    messages.success(request, str(DONE_MESSAGES[action]))
    return redirect(table)


@login_required
def table_print(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_table_access(user_of(request), pk)
    contents = table_contents(access.table)
    rows_follow_up(access.user, access.table, contents.rows)
    return render(request, "reviews/table_print.html", contents.context())
