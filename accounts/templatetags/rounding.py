"""``{{ value|half_up }}`` / ``{{ value|half_up:1 }}``: the product's one rounding on pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

from accounts.rounding import round_half_up

register = template.Library()


@register.filter
def half_up(value: Any, places: int | str = 0) -> str:
    """``value`` rounded half up (``accounts.rounding``) to ``places`` decimals, written
    in the reader's language; "" for no value, the value itself when it is no number."""
    if value is None or value == "":
        return ""
    try:
        decimals = int(places)
        rounded: Decimal = round_half_up(
            value if not isinstance(value, str) else Decimal(value), decimals
        )
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    return number_format(rounded, decimal_pos=max(decimals, 0))
