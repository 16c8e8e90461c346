"""Messages kept untranslated until they are written out, in the reader's language.

A notice, a reminder or a job's outcome is worded when somebody reads it, not
when it is made: what is stored or passed around is the message id (marked
with ``gettext_noop``) and its parameters. A message about a number is made
with ``ngettext_lazy(singular, plural, "name")``, the name of the parameter
that holds the number, so that "1 table" and "2 tables" each read right in
every language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext
from django_stubs_ext import StrOrPromise


def message_text(message: StrOrPromise, params: Mapping[str, Any] | None = None) -> str:
    """``message`` in the active language, its placeholders filled from ``params``."""
    if not isinstance(message, str):
        # A plural (``ngettext_lazy`` with a named number) picks its form from ``params``.
        return str(message % dict(params or {}))
    text = gettext(message)
    return text % params if params else text
