"""Template filters of the calibration pages (issue 17 §4)."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.utils.formats import date_format, localize
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from accounts.links import pk_url_parts
from reviews.models import rating_label

register = template.Library()


@register.filter
def rating_text(value: str | None) -> str:
    """A stored rating as people read it (``rating_label``); '' for none."""
    return rating_label(value) if value else ""


@register.filter
def name_or_dash(value: object) -> str:
    """A person's full name or a department's name; '—' for nobody (a deleted account)."""
    if value is None:
        return "—"
    return str(getattr(value, "full_name", None) or getattr(value, "name", None) or "—")


@register.filter
def signed(value: float | None) -> str:
    """A step gap with its sign, two decimals ('+0.50', '-1.25'); '—' when there is none."""
    if value is None:
        return "—"
    return f"{value:+.2f}"


@register.filter
def step(value: float | None) -> str:
    """An average step, two decimals; '—' when nobody was rated."""
    if value is None:
        return "—"
    return f"{value:.2f}"


@register.simple_tag
def select_options(choices: list[tuple[object, object]], selected: str) -> SafeString:
    """The ``<option>`` elements of a filter's choices, ``selected`` marked, built in one call
    (the manager filter of a large organisation has hundreds of options)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if str(value) == selected else "", label)  # noqa: S308
            for value, label in choices
        ),
    )


@register.simple_tag
def people_rows(page: Iterable[Any], may_adjust: bool) -> SafeString:
    """The rows of the calibration page's people table (``reviews/calibration.html``), each
    as the template's loop wrote it: person with flags, department, manager, completion,
    proposed and final rating, adjustments and the adjust link; the empty row when the page
    has nobody.

    ``page`` holds ``reviews.calibration.people_page`` rows (dicts, with ``flags`` and
    ``adjustments``). Built with plain escaped strings: fifty rows of a dozen tags,
    filters and translations each cost more than the rest of the page. The column
    labels, the rating labels, the result link's and the adjust link's paths are worked
    out once per call.
    """
    department, manager = escape(_("Department")), escape(_("Manager"))
    completion_label = escape(_("Weighted completion"))
    proposed_label, final_label = escape(_("Proposed rating")), escape(_("Final rating"))
    adjustments_label = escape(_("Adjustments"))
    action = escape(_("Adjust") if may_adjust else _("Details"))
    adjust_before, adjust_after = pk_url_parts("reviews:calibration_adjust")
    result_before, result_after = (escape(part) for part in pk_url_parts("reviews:result_detail"))
    labels: dict[str, str] = {}
    warning = ' class="table-warning"'

    def rating(value: str | None) -> str:
        if not value:
            return "—"
        if value not in labels:
            labels[value] = escape(rating_label(value)) or "—"
        return labels[value]

    adjusted = _("%(when)s, %(who)s: %(from)s → %(to)s")  # reviews/_adjustments.html

    def adjustment_line(adjustment: dict[str, Any]) -> str:
        """One ``<li>`` of ``reviews/_adjustments.html``."""
        values = {
            "when": escape(date_format(localtime(adjustment["at"]), "SHORT_DATETIME_FORMAT")),
            "who": escape(adjustment["actor__full_name"] or "—"),
            "from": rating(adjustment["from_rating"]),
            "to": rating(adjustment["to_rating"]) if adjustment["to_rating"] else "",
        }
        return f"<li>{adjusted % values} — <q>{escape(adjustment['reason'])}</q></li>\n"

    parts = []
    for result in page:
        flags = result["flags"]
        name = escape(result["employee__full_name"])
        flag_html = "".join(
            f'<div><span class="badge text-bg-warning" data-testid="flag">{escape(flag)}</span>'
            "</div>"
            for flag in flags
        )
        completion = (
            "—" if result["completion"] is None else f"{escape(localize(result['completion']))} %"
        )
        if result["adjustments"]:
            items = "".join(adjustment_line(a) for a in result["adjustments"])
            adjustments = (
                f'<ul class="list-unstyled small mb-0" data-testid="adjustments">\n{items}\n</ul>\n'
            )
        else:
            adjustments = '<span class="text-body-secondary small">—</span>'
        pk = int(result["pk"])
        parts.append(
            f"\n      <tr{warning if flags else ''}"
            f' data-testid="person-{escape(localize(result["employee_id"]))}">\n'
            f'        <td data-label=""><a class="fw-semibold"'
            f' href="{result_before}{pk}{result_after}">{name}</a>{flag_html}</td>\n'
            f'        <td data-label="{department}">'
            f"{escape(result['home_department__name'] or '—')}</td>\n"
            f'        <td data-label="{manager}">'
            f"{escape(result['line_manager__full_name'] or '—')}</td>\n"
            f'        <td class="text-end" data-label="{completion_label}">{completion}</td>\n'
            f'        <td data-label="{proposed_label}">{rating(result["proposed_rating"])}</td>\n'
            f'        <td class="fw-semibold" data-testid="final-rating"'
            f' data-label="{final_label}">{rating(result["rating"])}</td>\n'
            f'        <td data-label="{adjustments_label}">{adjustments}</td>\n'
            f'        <td class="card-action" data-label=""><a class="btn btn-sm'
            f' btn-outline-primary" href="{adjust_before}{pk}{adjust_after}">'
            f'{action}<span class="visually-hidden"> · {name}</span></a></td>\n'
            "      </tr>\n    "
        )
    if not parts:
        empty = escape(_("Nobody matches these filters."))
        parts.append(
            f'\n      <tr><td colspan="8" class="text-body-secondary">{empty}</td></tr>\n    '
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
