"""HR's list of every review table of the organisation (issue 20 §3): its filters, the
tables they choose, and the exports of the same filter.

The filters are those of the export (month, cycle, department with the ones below
it, state, late), so an export started here holds exactly the tables listed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Max, Min, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.inputs import FilterForm, MonthField
from accounts.models import Department
from accounts.selectors import department_subtree_ids
from plans.models import AppraisalCycle
from reviews.forms import cycle_filter_field, department_filter_field, status_filter_field
from reviews.models import ReviewTable
from reviews.selectors import in_departments_then, late_tables


class TableIndexFilterForm(FilterForm):
    """The filters of HR's tables page; a bad value gets its message and is ignored."""

    month = MonthField(label=_("Month"), required=False)
    cycle = cycle_filter_field()
    department = department_filter_field()
    status = status_filter_field()
    late = forms.BooleanField(label=_("Late tables only"), required=False)


def organisation_tables(
    *,
    month: dt.date | None = None,
    cycle: AppraisalCycle | None = None,
    department: Department | None = None,
    status: str = "",
    late: bool = False,
    today: dt.date | None = None,
) -> QuerySet[ReviewTable]:
    """Every table the filters choose (for HR), newest month first, then by subject.

    ``department`` takes its subtree and each table's department of the time, as the
    export does (``reviews.exports.export_tables``); ``late`` is the dashboards' rule
    (``late_tables``). The related rows a list shows come in the same query.
    """
    tables = ReviewTable.objects.all()
    if month is not None:
        tables = tables.filter(month=month)
    if cycle is not None:
        tables = tables.filter(cycle=cycle)
    if department is not None:
        tables = tables.filter(in_departments_then(department_subtree_ids(department.pk)))
    if status:
        tables = tables.filter(status=status)
    if late:
        tables = tables.filter(late_tables(today or timezone.localdate()))
    return tables.select_related(
        "cycle", "employee__department", "department", "home_department", "line_manager"
    ).order_by("-month", "employee__full_name", "department__name", "pk")


def export_links(form: TableIndexFilterForm, tables: QuerySet[ReviewTable]) -> dict[str, str]:
    """The export page's addresses for the listed tables' XLSX and CSV ({} when none).

    Without a month, the export covers the listed tables' first to last month (one
    query); the other filters are passed as they are.
    """
    month = form.value("month")
    if month is not None:
        first = last = month
    else:
        span: dict[str, Any] = tables.order_by().aggregate(first=Min("month"), last=Max("month"))
        first, last = span["first"], span["last"]
        if first is None:
            return {}
    cycle, department = form.value("cycle"), form.value("department")
    query = {
        "month_from": f"{first:%Y-%m}",
        "month_to": f"{last:%Y-%m}",
        "cycle": cycle.pk if cycle else "",
        "department": department.pk if department else "",
        "status": form.value("status") or "",
    }
    if form.value("late"):
        query["late"] = "on"
    base = reverse("reviews:export")
    return {
        file_format: f"{base}?{urlencode({**query, 'format': file_format})}"
        for file_format in ("xlsx", "csv")
    }
