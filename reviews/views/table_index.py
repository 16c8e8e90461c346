"""HR's page of every review table of the organisation, filtered and paged, from which
the exports of the same filter start (issue 20 §3)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from accounts.http import user_of
from accounts.page_cache import cached_page
from accounts.selectors import user_roles
from accounts.table_memo import table_memo
from reviews.permissions import require
from reviews.table_index import TableIndexFilterForm, export_links, organisation_tables

PER_PAGE = 50


@cached_page
@login_required
def table_index(request: HttpRequest) -> HttpResponse:
    """HR only (403 for others, as HR's other pages answer)."""
    require(user_roles(user_of(request)).is_hr)

    def content() -> str:
        form = TableIndexFilterForm(request.GET)
        tables = organisation_tables(
            month=form.value("month"),
            cycle=form.value("cycle"),
            department=form.value("department"),
            status=form.value("status") or "",
            late=bool(form.value("late")),
        )
        page = Paginator(tables, PER_PAGE).get_page(request.GET.get("page"))
        context = {
            "form": form,
            "page": page,
            "exports": export_links(form, tables) if page.paginator.count else {},
        }
        return render_to_string("reviews/_table_index_content.html", context, request)

    # The same for every HR person: the filters (every department and cycle) and the
    # page of 109,571 tables sorted, kept while none of the tables they read changes.
    name = f"table-index:{request.get_full_path()}:{get_language()}:{timezone.localdate()}"
    return render(request, "reviews/table_index.html", {"content": table_memo(name, content)})
