"""A review table's status badge and deadline, shown on every row of the lists; a
background job's outcome in the reader's language.

Plain strings with the standard library's escaping (what Django's ``escape``
applies) rather than ``format_html``: lists show fifty of each.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.links import pk_url_parts
from accounts.permissions import may_link_person_id
from coaching.models import CoachingType
from plans.models import AppraisalCycle
from reviews.job_outcomes import outcome_lines
from reviews.models import JobRun, ReviewTable

# With the assessee, to fill in or revise (``reviews.selectors.WITH_ASSESSEE``).
WITH_ASSESSEE = frozenset({ReviewTable.Status.DRAFT, ReviewTable.Status.RETURNED})
CLOSED_CYCLE = AppraisalCycle.State.CLOSED

register = template.Library()


def _status_badge(status: str) -> str:
    value = escape(status)
    label = escape(str(ReviewTable.Status(status).label))
    return f'<span class="badge review-{value}" data-status="{value}">{label}</span>'


@register.filter
def status_badge(table: ReviewTable) -> SafeString:
    return mark_safe(_status_badge(table.status))  # noqa: S308 - both values are escaped


def _deadline(day: dt.date, *, editable: bool, today: dt.date) -> str:
    days = (day - today).days
    if editable and days < 0:
        css = "text-danger fw-semibold"
        count = ngettext("%(counter)s day overdue", "%(counter)s days overdue", -days) % {
            "counter": -days
        }
    elif editable and days == 0:
        css, count = "text-warning-emphasis", _("due today")
    elif editable:
        css = "text-warning-emphasis" if days <= 3 else "text-body-secondary"
        count = ngettext("%(counter)s day left", "%(counter)s days left", days) % {"counter": days}
    else:
        css, count = "text-body-secondary", ""
    text = date_filter(day, "SHORT_DATE_FORMAT") + (f" · {count}" if count else "")
    # css is one of the constants above; the text is escaped.
    return f'<span class="{css}" data-testid="deadline">{escape(text)}</span>'


@register.filter
def deadline(table: ReviewTable) -> SafeString:
    """The deadline, with days left or overdue while the assessee can still edit (never in
    a closed cycle, whose tables are a record)."""
    editable = table.assessee_can_edit and not table.cycle.is_closed
    return mark_safe(  # noqa: S308 - escaped in _deadline
        _deadline(table.deadline, editable=editable, today=timezone.localdate())
    )


@register.simple_tag(takes_context=True)
def table_list_rows(
    context: template.Context, tables: list[dict[str, Any]], view: str
) -> SafeString:
    """The rows of a list of review tables (``reviews/table_list.html``): month, who (with
    the department of the time), status, deadline, open questions and, on the list of
    department tables open for questions (``view`` "questions"), the suggestions.

    ``tables`` are ``reviews.selectors.list_rows`` values, not model instances (four a
    row). Built in one step with plain escaped strings, as ``plans_tags.progress_cells``
    builds a team row: a list shows fifty tables, and a filter, tag or translation per
    cell cost more than the rest of the page. Each month's name, deadline, badge and
    person's link is made once per list.
    """
    viewer: Any = context.get("viewer") or getattr(context.get("request"), "user", None)
    today = timezone.localdate()
    questions = view == "questions"
    # The column names as {% translate %} puts them in an attribute: as they are.
    labels = (
        f'<td data-label="{_("Who")}">',
        f'<td data-label="{_("Status")}">',
        f'<td data-label="{_("Deadline")}">',
        f'<td class="text-end" data-label="{_("Open questions")}">',
        f'<td class="text-end" data-testid="suggestion-count" data-label="{_("Suggestions")}">'
        if questions
        else "",
    )
    who, status, deadline_cell, open_cell, suggestions_cell = labels
    department_badge = f' <span class="badge text-bg-light border">{_("department")}</span>'
    months: dict[dt.date, str] = {}
    deadlines: dict[tuple[dt.date, bool], str] = {}
    badges: dict[str, str] = {}
    people: dict[int, str] = {}
    # Each link's path around its key, once per list (``pk_url`` per row read the script
    # prefix and URL configuration each time: most of the rows' time).
    table_url = tuple(escape(part) for part in pk_url_parts("reviews:table_detail"))
    person_url = tuple(escape(part) for part in pk_url_parts("accounts:person_detail"))
    rows = []
    for table in tables:
        editable = table["status"] in WITH_ASSESSEE and table["cycle__state"] != CLOSED_CYCLE
        month = months.get(table["month"])
        if month is None:
            month = months[table["month"]] = escape(
                date_filter(table["month"], "YEAR_MONTH_FORMAT")
            )
        employee_id = table["employee_id"]
        if employee_id is None:
            subject = escape(table["department__name"])
        else:
            subject = people.get(employee_id, "")
            if not subject:
                subject = people[employee_id] = _person_link(
                    viewer,
                    employee_id,
                    table["employee__full_name"],
                    table["employee__is_active"],
                    person_url,
                )
        if table["department_id"]:
            subject += department_badge
        elif table["home_department_id"] and (
            table["home_department_id"] != table["employee__department_id"]
        ):
            name = escape(table["home_department__name"])
            then_in = _("then in %(department)s") % {"department": name}
            subject += (
                f' <span class="small text-body-secondary" data-testid="then-in">· {then_in}</span>'
            )
        key = (table["deadline"], editable)
        due = deadlines.get(key)
        if due is None:
            due = deadlines[key] = _deadline(table["deadline"], editable=editable, today=today)
        badge = badges.get(table["status"])
        if badge is None:
            badge = badges[table["status"]] = _status_badge(table["status"])
        overdue = editable and table["deadline"] < today
        url = f"{table_url[0]}{int(table['pk'])}{table_url[1]}"
        rows.append(
            f'<tr class="{"table-danger" if overdue else ""}">'
            f'<td data-label=""><a class="fw-semibold" href="{url}">'
            f"{month}</a></td>{who}{subject}</td>{status}{badge}</td>{deadline_cell}{due}</td>"
            f"{open_cell}{table['open_inquiries'] or ''}</td>"
        )
        if questions:
            rows.append(f"{suggestions_cell}{table['suggestion_count'] or ''}</td>")
        rows.append("</tr>\n")
    return mark_safe("".join(rows))  # noqa: S308 - every value in it is escaped above


def _person_link(
    viewer: Any, pk: int, full_name: str, is_active: bool, url: tuple[str, ...]
) -> str:
    """``{% person_link person %}`` (``accounts.templatetags.people``) as a plain string;
    ``url`` the person page's path before and after the key, escaped."""
    if viewer is None or not may_link_person_id(viewer, pk, is_active=is_active):
        return escape(full_name)
    return f'<a href="{url[0]}{int(pk)}{url[1]}" data-person-link="{pk}">{escape(full_name)}</a>'


@register.filter
def job_outcome(run: JobRun) -> list[str]:
    """What the run did, in the reader's language (``reviews.job_outcomes``)."""
    return outcome_lines(run)


@register.simple_tag
def late_rows(tables: list[dict[str, Any]]) -> SafeString:
    """The rows of the dashboard's late tables (``reviews/_dashboard_content.html``), as its
    loop wrote them: the subject linked to the table, the month, the deadline and the
    manager of the time (else the subject's manager, else the department's head).

    ``tables`` are ``reviews.dashboard.LATE_FIELDS`` values. Plain escaped strings, each
    month's name and each deadline made once per list: fifty rows of tags and filters
    cost more than the data behind them.
    """
    if not tables:
        return mark_safe(  # noqa: S308 - escaped
            f'<tr><td colspan="4" class="text-body-secondary">{escape(_("Nobody is late."))}'
            "</td></tr>"
        )
    today = timezone.localdate()
    before, after = pk_url_parts("reviews:table_detail")
    before, after = escape(before), escape(after)
    months: dict[dt.date, str] = {}
    deadlines: dict[tuple[dt.date, bool], str] = {}
    rows = []
    for table in tables:
        month = months.get(table["month"])
        if month is None:
            month = months[table["month"]] = escape(
                date_filter(table["month"], "YEAR_MONTH_FORMAT")
            )
        editable = table["status"] in WITH_ASSESSEE and table["cycle__state"] != CLOSED_CYCLE
        key = (table["deadline"], editable)
        due = deadlines.get(key)
        if due is None:
            due = deadlines[key] = _deadline(table["deadline"], editable=editable, today=today)
        # A person's table names the person, a department's the department.
        subject = table["employee__full_name"]
        if subject is None:
            subject = table["department__name"]
        for manager in (
            table["line_manager__full_name"],
            table["employee__manager__full_name"],
            table["department__head__full_name"],
        ):
            if manager is not None:
                manager = escape(manager)
                break
        else:
            manager = "—"
        rows.append(
            f'<tr><td><a href="{before}{int(table["pk"])}{after}">'
            f"{escape(subject)}</a></td><td>{month}</td><td>{due}</td>"
            f"<td>{manager}</td></tr>\n    "
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value in it is escaped above


@register.simple_tag
def coverage_types(labels: dict[str, str], types: dict[str, int]) -> str:
    """A manager's sessions by type on the dashboard's coverage table: "label count "
    for each type held, in the order of ``labels`` (``CoachingType`` value → label);
    '—' for none. Plain text (the template escapes it)."""
    if not types:
        return "—"
    return "".join(f"{label} {types[value]} " for value, label in labels.items() if value in types)


@register.simple_tag
def mix_rows(months: list[Any]) -> SafeString:
    """The rows of the dashboard's coaching mix table (``reviews/_dashboard_content.html``),
    as its loop wrote them: per month (``coaching.mix.MixMonth``), each type's share and
    sessions in ``CoachingType`` order, '—' in a month without sessions, and the total.
    Each month's shares worked out once (``MixMonth.rows`` works them out per type)."""
    kinds = CoachingType.values
    rows = []
    for month in months:
        total = month.total
        if total:
            shares, counts = month.shares, month.counts
            cells = "".join(
                f'<td class="text-end">{shares[kind]}% <span class="small text-body-secondary">'
                f"({counts.get(kind, 0)})</span></td>"
                for kind in kinds
            )
        else:
            cells = '<td class="text-end">—</td>' * len(kinds)
        name = escape(date_filter(month.month, "YEAR_MONTH_FORMAT"))
        rows.append(
            f'<tr data-month="{escape(date_filter(month.month, "Y-m"))}"><th scope="row"'
            f' class="fw-normal text-nowrap">{name}</th>{cells}'
            f'<td class="text-end">{total}</td></tr>\n        '
        )
    return mark_safe("".join(rows))  # noqa: S308 - dates escaped, the rest are integers
