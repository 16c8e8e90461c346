"""Small pieces of markup repeated on every row of the plan and team tables.

Filters instead of included templates: a team page shows hundreds of values,
and an ``{% include %}`` per value costs more than the rest of the row.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def measured(value: Decimal | None, subject: Any) -> str:
    """A value in its objective's (or review row's) measure: "12.5 orders", "80 %", "done"."""
    if value is None:
        return "—"
    measure = getattr(subject, "measure", "")
    if measure == "milestone":
        return _("done") if value >= 1 else _("not done")
    number = floatformat(value, "-2")
    if measure == "percent":
        return f"{number} %"
    unit = getattr(subject, "unit", "")
    return f"{number} {unit}" if unit else str(number)


@register.filter
def progress_badge(progress: Any) -> SafeString:
    return format_html(
        '<span class="badge progress-{0}" data-state="{0}">{1}</span>',
        progress.state,
        progress.label,
    )
