"""Two people (or two tabs) editing the same thing: the later save must not silently
undo the earlier one.

An edit form carries the version of the object it was built from (``VersionField``,
hidden). The service saving it claims that version in the same UPDATE that bumps it
(``version_claim``): if anyone saved the object in between, nothing matches, nothing
is saved, and ``StaleEditError`` lets the view show the person's input again with a
message (HTTP 409). The UPDATE also locks the row until the transaction ends, so the
rest of the save cannot interleave with another one.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import F, Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

STALE_EDIT_MESSAGE = gettext_lazy(
    "Someone saved this while you were editing it: another person, or you in another tab. "
    "Nothing of yours was saved: your input is still below. Open the page again in a new "
    "tab to see what changed, then save yours."
)


class StaleEditError(Exception):
    """The object was saved by someone else (or another tab) since the form was loaded."""


class VersionField(forms.IntegerField):
    """The version of the object the form was built from, in a hidden input.

    Never an error beside a field nobody sees: a missing or mangled value counts as
    no version, which ``version_claim`` refuses as stale.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            return None
        return number if 1 <= number < 2**31 else None

    def validate(self, value: Any) -> None:
        return None

    def run_validators(self, value: Any) -> None:
        return None


def carry_version(form: forms.ModelForm[Any]) -> None:
    """An edit form carries the version it was built from; a new object has none."""
    if form.instance.pk:
        form.fields["version"].initial = form.instance.version
    else:
        del form.fields["version"]


def version_claim(model: type[Model], pk: int, version: int | None) -> int:
    """Bump the stored version of ``model`` ``pk`` if it still is ``version``; the new one.

    Call inside the transaction that saves the rest. Raises ``StaleEditError`` when
    the object was saved since ``version`` was read (or no version was sent).
    """
    if version is None:
        raise StaleEditError
    manager = model._default_manager
    updated = manager.filter(pk=pk, version=version).update(version=F("version") + 1)
    if updated != 1:
        raise StaleEditError
    return version + 1


def refused_as_stale(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The form again as the person filled it, with the reason nothing was saved (409)."""
    messages.error(request, STALE_EDIT_MESSAGE)
    return render(request, template, context, status=409)
