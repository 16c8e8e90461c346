"""The one way figures are rounded for people: half up, as people count (12.5 → 13).

Python's ``round()`` and ``Decimal.quantize()`` without a rounding mode round half
to even (12.5 → 12, 13.5 → 14), so a page, a PDF and a spreadsheet that each round
on their own can disagree. Every percentage and rounded figure a person reads —
pages (the ``half_up`` template filter), PDF, XLSX, CSV, the API and e-mails — goes
through these functions.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

Number = Decimal | int | float


def round_half_up(value: Number, places: int = 0) -> Decimal:
    """``value`` rounded to ``places`` decimals, a half away from zero (2.5 → 3, -2.5 → -3).

    A float is taken by its shortest written form (``0.125`` is 0.125, not the binary
    0.12499…). Raises ``InvalidOperation`` for a value that is not a finite number.
    """
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise InvalidOperation(f"{value!r} is not a finite number")
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def round_int(value: Number) -> int:
    """``value`` rounded half up to a whole number."""
    return int(round_half_up(value))


def percent_of(part: Number, whole: Number, places: int = 0) -> Decimal | None:
    """``part`` as a percentage of ``whole``, rounded half up to ``places`` decimals;
    ``None`` when ``whole`` is zero or less (no share can be given)."""
    whole_number = Decimal(str(whole)) if isinstance(whole, float) else Decimal(whole)
    if whole_number <= 0:
        return None
    part_number = Decimal(str(part)) if isinstance(part, float) else Decimal(part)
    return round_half_up(part_number * 100 / whole_number, places)
