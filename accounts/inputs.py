"""Reading what people send: ids and choices in a request, sane dates, list filters.

The product's own pages only send well-formed ids and known choices; anything
else was typed into the address bar or forged, and is a client error: 400 for
a value that is not an id or not one of the choices, 404 (the caller's fetch)
for a well-formed id of nothing. It never reaches the database, where a letter
for a number or a NUL character would be a server error.

List filters are forms instead (``FilterForm``): a bad filter gets a message
beside it and falls back to its default, and the list still shows.

Dates people enter are kept to the years 2000-2100 (``limit_dates``): the month
arithmetic, the calendar feed and every report can count with them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.models import User

EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
# A primary key is a 64-bit integer at most: 19 digits.
_MAX_ID_DIGITS = 19


def param_id(params: QueryDict, name: str) -> int | None:
    """The id in ``params[name]``, or None when it is absent or empty; 400 when it is not an id."""
    raw = params.get(name, "")
    if raw == "":
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= _MAX_ID_DIGITS):
        raise BadRequest(f"The parameter {name!r} is not an id.")
    return int(raw)


def required_id(params: QueryDict, name: str) -> int:
    """The id in ``params[name]``; 400 when it is absent or not an id."""
    value = param_id(params, name)
    if value is None:
        raise BadRequest(f"The parameter {name!r} is missing.")
    return value


def param_choice(
    params: QueryDict, name: str, choices: Iterable[str], *, default: str | None = None
) -> str:
    """``params[name]`` if it is one of ``choices``; ``default`` when it is absent or
    empty (400 if there is no default); 400 for anything else."""
    raw = params.get(name, "")
    if raw == "" and default is not None:
        return default
    if raw not in set(choices):
        raise BadRequest(f"The parameter {name!r} is not one of the choices.")
    return raw


def validate_sane_date(value: dt.date) -> None:
    """Refuse a date outside the years 2000-2100 (the message says so)."""
    if not (EARLIEST_DATE <= value <= LATEST_DATE):
        raise ValidationError(
            _("Pick a date between the years %(first)d and %(last)d."),
            code="date_out_of_range",
            params={"first": EARLIEST_DATE.year, "last": LATEST_DATE.year},
        )


def validate_sane_date_list(value: Any) -> None:
    """Refuse anything but a list of ISO dates ("2026-03-01") within the years 2000-2100."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(
            _('Give a list of dates such as ["2026-03-01"].'), code="not_a_date_list"
        )
    for item in value:
        try:
            day = dt.date.fromisoformat(item)
        except ValueError:
            raise ValidationError(
                _("“%(value)s” is not a date such as 2026-03-01."),
                code="not_a_date",
                params={"value": item[:30]},
            ) from None
        validate_sane_date(day)


def parse_sane_dates(values: Any) -> list[dt.date]:
    """The dates of a stored list that are ISO dates within 2000-2100, sorted; the rest
    (typed by hand before they were checked) is left out rather than failing a page."""
    days = set()
    for item in values if isinstance(values, list) else []:
        try:
            day = dt.date.fromisoformat(item)
        except (TypeError, ValueError):
            continue
        if EARLIEST_DATE <= day <= LATEST_DATE:
            days.add(day)
    return sorted(days)


def limit_dates(form: forms.BaseForm) -> None:
    """Keep every date field of ``form`` to the years 2000-2100 (call at the end of __init__)."""
    for field in form.fields.values():
        # A disabled field keeps its stored value: not the person's to correct.
        if (
            isinstance(field, forms.DateField)
            and not field.disabled
            and validate_sane_date not in field.validators
        ):
            field.validators.append(validate_sane_date)


class MonthField(forms.DateField):
    """A month (``<input type="month">``): its value is the month's first day.

    Takes ``2026-03`` as browsers send it, and ``2026-03-15`` from a link or an
    older browser; shows ``2026-03``. Days outside 2000-2100 are refused with the
    other date fields (``limit_dates``).
    """

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]
    default_error_messages = {"invalid": _("Choose a month like 2026-03.")}

    def to_python(self, value: Any) -> dt.date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day else None


class FilterForm(forms.Form):
    """The filters of a list, from the query string; always bound and validated.

    A filter with a bad value keeps its message (shown beside it) and counts as
    its default; the others still apply.
    """

    def __init__(self, data: QueryDict, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        limit_dates(self)
        self.is_valid()

    def value(self, name: str) -> Any:
        """The filter's cleaned value, or its default when it is empty or bad."""
        field = self.fields[name]
        if name in self.errors:
            return field.initial
        value = self.cleaned_data.get(name)
        return field.initial if value in (None, "") else value


class PersonField(forms.EmailField):
    """An active person, typed as their e-mail address (no list of ten thousand names).

    Cleans to the ``User``, matched without regard to case; an address of nobody
    active gets a message beside the field. ``exclude`` ids are refused too
    (the person themselves, say) with ``exclude_message``.
    """

    def __init__(
        self, *, exclude: Iterable[int] = (), exclude_message: Any = "", **kwargs: Any
    ) -> None:
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)
        self.exclude = set(exclude)
        self.exclude_message = exclude_message

    def prepare_value(self, value: Any) -> Any:
        return getattr(value, "email", value)

    def clean(self, value: Any) -> Any:
        email = super().clean(value)
        if not email:
            return None
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise ValidationError(_("Nobody active has this e-mail address."), code="nobody")
        if person.pk in self.exclude:
            message = self.exclude_message or _("Choose someone else.")
            raise ValidationError(message, code="excluded")
        return person
