"""Template filters of the calibration pages (issue 17 §4)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

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
