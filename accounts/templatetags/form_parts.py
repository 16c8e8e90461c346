"""Filters for long forms folded into parts (``<details>``): a part opens by itself
when it holds something the person typed or an error to fix."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms, template

register = template.Library()

_EMPTY: tuple[Any, ...] = (None, "", [], (), False)


def _holds_input(field: forms.BoundField) -> bool:
    return bool(field.errors) or field.value() not in _EMPTY


@register.filter
def part_has_input(form: forms.BaseForm, names: str) -> bool:
    """True when any of ``form``'s fields named in ``names`` (comma-separated field
    names, e.g. ``"strengths,strengths_example"``) holds a value or an error.

    Raises ``KeyError`` for a name the form does not have (a typo in a template).
    """
    return any(_holds_input(form[name.strip()]) for name in names.split(",") if name.strip())


@register.filter
def forms_have_input(entries: Iterable[Any]) -> bool:
    """True when any form in ``entries`` — forms, or tuples ending in a form such as
    ``(objective, form)`` — holds a value or an error in any of its visible fields."""
    for entry in entries:
        form = entry[-1] if isinstance(entry, tuple) else entry
        if form.non_field_errors() or any(_holds_input(field) for field in form.visible_fields()):
            return True
    return False
