"""Small pieces of markup repeated on every row of the plan and team tables.

Filters instead of included templates: a team page shows hundreds of values,
and an ``{% include %}`` per value costs more than the rest of the row.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

from django import template
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.rounding import round_half_up
from plans.permissions import can_open_carried_origin
from plans.selectors import plan_for

register = template.Library()


CENT = Decimal("0.01")


def _number(value: Decimal) -> str:
    """Like ``floatformat:"-2"`` (two decimals, none for a whole number), in a third of the time."""
    rounded = round_half_up(value, 2)
    if rounded == rounded.to_integral_value():
        return str(int(rounded))
    return f"{rounded:.2f}".replace(".", str(get_format("DECIMAL_SEPARATOR")))


@register.filter
def measured(value: Decimal | None, subject: Any) -> str:
    """A value in its objective's (or review row's) measure: "12.5 orders", "80 %", "done"."""
    if value is None:
        return "—"
    measure = getattr(subject, "measure", "")
    if measure == "milestone":
        return _("done") if value >= 1 else _("not done")
    number = _number(value)
    if measure == "percent":
        return f"{number} %"
    unit = getattr(subject, "unit", "")
    return f"{number} {unit}" if unit else str(number)


_CELL_LABELS: dict[str | None, tuple[str, str, str, str]] = {}


def _cell_labels(language: str | None) -> tuple[str, str, str, str]:
    """The four columns' ``data-label`` attributes, translated once per language (not
    once per row: a team page has hundreds of rows)."""
    found = _CELL_LABELS.get(language)
    if found is None:
        found = (
            f' data-label="{escape(_("Weight"))}"',
            f' data-label="{escape(_("Plan for today"))}"',
            f' data-label="{escape(_("Actual"))}"',
            f' data-label="{escape(_("Progress"))}"',
        )
        _CELL_LABELS[language] = found
    return found


_BADGES: dict[tuple[str | None, str], str] = {}


def _badge(progress: Any) -> str:
    """The state's badge, built once per language and state."""
    key = (get_language(), str(progress.state))
    found = _BADGES.get(key)
    if found is None:
        state = escape(key[1])
        found = (
            f'<span class="badge progress-{state}" data-state="{state}">'
            f"{escape(progress.label)}</span>"
        )
        _BADGES[key] = found
    return found


@register.filter
def progress_badge(progress: Any) -> SafeString:
    return mark_safe(_badge(progress))  # noqa: S308 - escaped in _badge


@register.simple_tag
def progress_cells(
    objective: Any, progress: Any, *, title: bool = False, labels: bool = False
) -> SafeString:
    """Weight, plan for today, actual and state: the four cells every objective row shows.

    With ``title``, the objective's linked title first. With ``labels``, each figure
    carries its column's name (``data-label``) for a ``.table-cards`` table, whose
    rows become cards on a phone. Built here in one step, as the admin builds its
    change-list cells: a team page has hundreds of these rows, so plain string
    building with the standard library's escaping (the same that Django's
    ``escape`` applies) rather than ``format_html``.
    """
    weight, planned, actual, state = _cell_labels(get_language()) if labels else ("", "", "", "")
    cells = (
        f'<td class="text-end"{weight}>{int(objective.weight)}</td>'
        f'<td class="text-end"{planned}>{escape(measured(progress.planned, objective))}</td>'
        f'<td class="text-end"{actual}>{escape(measured(progress.actual, objective))}</td>'
        f"<td{state}>{_badge(progress)}</td>"
    )
    if title:
        link = escape(objective.get_absolute_url())
        badge = _carried(objective, link=True) if objective.carried_from_id else ""
        cells = f'<td><a href="{link}">{escape(objective.title)}</a>{badge}</td>{cells}'
    return mark_safe(cells)  # noqa: S308 - every value in it is escaped above


def _carried(objective: Any, *, link: bool) -> str:
    """ " carried from 2026", linked to the original where the reader may open it."""
    origin = objective.carried_from
    label = escape(_("carried from %(cycle)s") % {"cycle": origin.cycle.name})
    if link and can_open_carried_origin(objective, reads_copy=True):
        title = escape(_("Open the objective it was carried forward from"))
        return (
            f' <a class="badge text-bg-light border text-decoration-none" '
            f'href="{escape(origin.get_absolute_url())}" title="{title}" '
            f'data-testid="carried-from">{label}</a>'
        )
    return f' <span class="badge text-bg-light border" data-testid="carried-from">{label}</span>'


@register.simple_tag
def carried_badge(objective: Any, *, link: bool = False) -> SafeString:
    """The "carried from <cycle>" badge of an objective carried forward (issue 17 §2);
    nothing for the others. ``link``: the reader may open ``objective``, so also its
    original where ``can_open_carried_origin`` says so. Needs ``carried_from__cycle``
    loaded (``select_related``) on a list.
    """
    if objective is None or not objective.carried_from_id:
        return mark_safe("")  # noqa: S308 - empty
    return mark_safe(_carried(objective, link=link))  # noqa: S308 - escaped in _carried


@register.simple_tag
def plan_not_agreed_badge(cycle: Any, employee: Any, department: Any) -> SafeString:
    """A small badge where the subject's plan in ``cycle`` is not agreed by both sides
    (no plan record at all counts as not agreed); nothing where it is. One query.

    For pages of higher apps (a monthly review table) that show a subject in a cycle.
    """
    if cycle is None or (employee is None and department is None):
        return mark_safe("")  # noqa: S308 - empty
    plan = plan_for(cycle=cycle, employee=employee, department=department)
    if plan is not None and plan.is_agreed:
        return mark_safe("")  # noqa: S308 - empty
    title = escape(_("Both sides have not confirmed this plan yet, or a change cleared it."))
    label = escape(_("plan not agreed"))
    return mark_safe(  # noqa: S308 - escaped above
        f'<span class="badge text-bg-warning" title="{title}" '
        f'data-testid="plan-not-agreed">{label}</span>'
    )
