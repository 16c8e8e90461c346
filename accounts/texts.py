"""Messages kept untranslated until they are written out, in the reader's language.

A notice, a reminder or a job's outcome is worded when somebody reads it, not
when it is made: what is stored or passed around is the message id (marked
with ``gettext_noop``) and its parameters. A message about a number is made
with ``ngettext_lazy(singular, plural, "name")``, the name of the parameter
that holds the number, so that "1 table" and "2 tables" each read right in
every language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext
from django_stubs_ext import StrOrPromise


def message_text(message: StrOrPromise, params: Mapping[str, Any] | None = None) -> str:
    """``message`` in the active language, its placeholders filled from ``params``."""
    if not isinstance(message, str):
        # A plural (``ngettext_lazy`` with a named number) picks its form from ``params``.
        return str(message % dict(params or {}))
    text = gettext(message)
    return text % params if params else text


def month_words(month: dt.date) -> str:
    """``month`` as words in the active language: "November 2026", "2026年11月"."""
    return date_format(month, "YEAR_MONTH_FORMAT")


def day_words(day: dt.date) -> str:
    """``day`` as words in the active language: "30 Nov 2026", "2026年11月30日"."""
    return date_format(day, "DATE_FORMAT")


_lazy_month = lazy(month_words, str)
_lazy_day = lazy(day_words, str)


def month_param(month: dt.date) -> str:
    """``month`` as words in the language active when the sentence is written (a
    notification, an e-mail, a webhook's chat line): pass it in ``params``, never
    ``2026-11``."""
    return _lazy_month(month)


def day_param(day: dt.date) -> str:
    """``day`` as words in the language active when the sentence is written."""
    return _lazy_day(day)
