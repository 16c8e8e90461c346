"""Lists of review tables (mine, to review, open for questions) and creating tables by hand."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.http import user_of
from accounts.page_cache import cached_page
from accounts.selectors import user_roles
from accounts.table_memo import memo_page
from reviews.forms import TableCreateForm
from reviews.permissions import can_create_tables, require
from reviews.selectors import (
    department_tables_open_for_questions,
    list_rows,
    tables_creatable_for,
    tables_of_assessee,
    tables_to_review,
)
from reviews.services import month_tables_generate
from reviews.team_tables import team_tables_page


def _page(request: HttpRequest, queryset: Any) -> Any:
    # Kept while none of the tables the list reads changes (a chain of 10,000 people
    # takes ~200 ms to sort): accounts.table_memo. The rows as values (list_rows).
    return memo_page(list_rows(queryset), 50, request.GET.get("page"))


@cached_page
@login_required
def table_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reviews/table_list.html",
        {"page": _page(request, tables_of_assessee(user_of(request))), "view": "mine"},
    )


@cached_page
@login_required
def to_review(request: HttpRequest) -> HttpResponse:
    everything = request.GET.get("all") == "1"
    user = user_of(request)
    number = request.GET.get("page")
    return render(
        request,
        "reviews/table_list.html",
        {
            "page": team_tables_page(user, number)
            if everything
            else _page(request, tables_to_review(user)),
            "view": "to_review",
            "everything": everything,
        },
    )


@login_required
def open_for_questions(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reviews/table_list.html",
        {
            "page": _page(request, department_tables_open_for_questions(user_of(request))),
            "view": "questions",
        },
    )


@login_required
def tables_create(request: HttpRequest) -> HttpResponse:
    """HR or a manager creates a month's tables by hand."""
    user = user_of(request)
    require(can_create_tables(user))
    roles = user_roles(user)
    people, departments = tables_creatable_for(user)
    form = TableCreateForm(
        request.POST or None,
        people=people.order_by("full_name"),
        departments=departments,
        is_hr=roles.is_hr,
    )
    if request.method == "POST" and form.is_valid():
        month = form.cleaned_data["month"]
        scope = form.cleaned_data["scope"]
        employee_ids: list[int] | None = []
        department_ids: list[int] | None = []
        if scope == "person":
            employee_ids = [form.cleaned_data["employee"].pk]
        elif scope == "department":
            department_ids = [form.cleaned_data["department"].pk]
        elif scope == "team":
            employee_ids = list(people.values_list("pk", flat=True))
            department_ids = list(departments.values_list("pk", flat=True))
        else:
            employee_ids = department_ids = None
        # Every active cycle of the month, as the command and the month-end job do.
        results = month_tables_generate(
            month=month, employee_ids=employee_ids, department_ids=department_ids
        )
        if not results:
            form.add_error("month", _("No active appraisal cycle covers this month."))
        else:
            created = sum(result.tables_created for _cycle, result in results)
            messages.success(
                request,
                ngettext(
                    "%(count)d table created; tables that already existed were left as they are.",
                    "%(count)d tables created; tables that already existed were left as they are.",
                    created,
                )
                % {"count": created},
            )
            if roles.is_hr:
                return redirect("reviews:create")
            # New tables are drafts, not yet waiting for review: list the whole team's.
            return redirect(f"{reverse('reviews:to_review')}?all=1")
    return render(request, "reviews/tables_create.html", {"form": form})
