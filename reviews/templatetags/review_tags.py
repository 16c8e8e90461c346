"""A review table's status badge and deadline, shown on every row of the lists; a
background job's outcome in the reader's language.

Plain strings with the standard library's escaping (what Django's ``escape``
applies) rather than ``format_html``: lists show fifty of each.
"""

from __future__ import annotations

from html import escape

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reviews.job_outcomes import outcome_lines
from reviews.models import JobRun, ReviewTable

register = template.Library()


@register.filter
def status_badge(table: ReviewTable) -> SafeString:
    status = escape(table.status)
    label = escape(str(ReviewTable.Status(table.status).label))
    return mark_safe(  # noqa: S308 - both values are escaped
        f'<span class="badge review-{status}" data-status="{status}">{label}</span>'
    )


@register.filter
def deadline(table: ReviewTable) -> SafeString:
    """The deadline, with days left or overdue while the assessee can still edit (never in
    a closed cycle, whose tables are a record)."""
    days = table.days_left(timezone.localdate())
    editable = table.assessee_can_edit and not table.cycle.is_closed
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
    text = date_filter(table.deadline, "SHORT_DATE_FORMAT") + (f" · {count}" if count else "")
    # css is one of the constants above; the text is escaped.
    return mark_safe(f'<span class="{css}" data-testid="deadline">{escape(text)}</span>')  # noqa: S308


@register.filter
def job_outcome(run: JobRun) -> list[str]:
    """What the run did, in the reader's language (``reviews.job_outcomes``)."""
    return outcome_lines(run)
