"""HR closes a cycle: its open tables first (withdraw chosen ones), then the close."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.http import user_of
from accounts.inputs import param_choice
from accounts.selectors import user_roles
from plans.models import AppraisalCycle
from plans.permissions import get_cycle_for_hr
from reviews.cycles import cycle_close, review_tables_withdraw
from reviews.forms import CycleCloseForm, TablesWithdrawForm
from reviews.models import ReviewTable
from reviews.selectors import cycle_open_table_counts, cycle_open_tables

TEMPLATE = "reviews/cycle_close.html"
PAGE_SIZE = 100


def _context(
    request: HttpRequest,
    cycle: AppraisalCycle,
    *,
    withdraw_form: TablesWithdrawForm | None = None,
    close_form: CycleCloseForm | None = None,
) -> dict[str, Any]:
    tables = cycle_open_tables(cycle)
    counts = cycle_open_table_counts(cycle)
    # A refused withdrawal shows again with the tables ticked as they were.
    ticked = (
        {
            int(pk)
            for pk in request.POST.getlist("tables")
            if pk.isascii() and pk.isdigit() and len(pk) <= 19
        }
        if withdraw_form is not None and withdraw_form.is_bound
        else set()
    )
    return {
        "cycle": cycle,
        "period_ends_later": cycle.end_date > timezone.localdate(),
        "page": Paginator(tables, PAGE_SIZE).get_page(request.GET.get("page")),
        "counts": [
            (ReviewTable.Status(status).label, counts[status])
            for status in ReviewTable.Status.values
            if status in counts
        ],
        "open_count": sum(counts.values()),
        "withdraw_form": withdraw_form or TablesWithdrawForm(open_tables=tables),
        "ticked": ticked,
        "close_form": close_form or CycleCloseForm(),
        # An administrator outside HR closes cycles but reads no one's table.
        "tables_readable": user_roles(user_of(request)).is_hr,
    }


def _refused(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
    else:
        form.add_error(None, error.messages[0])


@login_required
def cycle_close_page(request: HttpRequest, pk: int) -> HttpResponse:
    """HR's close step: the cycle's open tables with links; withdraw ticked ones, or close
    the cycle, which closes every table still open as unfinished (issue 15 §4)."""
    user = user_of(request)
    cycle = get_cycle_for_hr(user, pk)
    if request.method != "POST":
        return render(request, TEMPLATE, _context(request, cycle))
    action = param_choice(request.POST, "action", ("withdraw", "close"))
    if action == "withdraw":
        withdraw_form = TablesWithdrawForm(request.POST, open_tables=cycle_open_tables(cycle))
        if withdraw_form.is_valid():
            try:
                count = review_tables_withdraw(
                    actor=user,
                    cycle=cycle,
                    table_ids=[table.pk for table in withdraw_form.cleaned_data["tables"]],
                    reason=withdraw_form.cleaned_data["reason"],
                )
            except ValidationError as error:
                _refused(withdraw_form, error)
            else:
                messages.success(
                    request,
                    ngettext("%(count)d table withdrawn.", "%(count)d tables withdrawn.", count)
                    % {"count": count},
                )
                return redirect("reviews:cycle_close", pk=cycle.pk)
        return render(request, TEMPLATE, _context(request, cycle, withdraw_form=withdraw_form))
    close_form = CycleCloseForm(request.POST)
    if close_form.is_valid():
        try:
            count = cycle_close(actor=user, cycle=cycle, reason=close_form.cleaned_data["reason"])
        except ValidationError as error:
            _refused(close_form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "The cycle is closed; %(count)d open table was closed unfinished.",
                    "The cycle is closed; %(count)d open tables were closed unfinished.",
                    count,
                )
                % {"count": count},
            )
            return redirect("plans:cycle_detail", pk=cycle.pk)
    messages.error(request, _("The cycle was not closed: see the message below."))
    return render(request, TEMPLATE, _context(request, cycle, close_form=close_form))
