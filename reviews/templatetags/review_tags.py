"""A review table's status badge and deadline, shown on every row of the lists."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reviews.models import ReviewTable

register = template.Library()


@register.filter
def status_badge(table: ReviewTable) -> SafeString:
    return format_html(
        '<span class="badge review-{0}" data-status="{0}">{1}</span>',
        table.status,
        table.get_status_display(),
    )


@register.filter
def deadline(table: ReviewTable) -> SafeString:
    """The deadline, with days left or overdue while the assessee can still edit."""
    days = table.days_left(timezone.localdate())
    editable = table.assessee_can_edit
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
    return format_html(
        '<span class="{}" data-testid="deadline">{}{}</span>',
        css,
        date_filter(table.deadline, "SHORT_DATE_FORMAT"),
        f" · {count}" if count else "",
    )
