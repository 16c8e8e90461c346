"""What every endpoint module shares: a page's form as the validator, ids in a body, the caller.

The pages validate with Django forms; so does the API, with the same forms, so the
rules and the messages are the same (``form_cleaned`` → a 400 problem with ``errors``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.request import Request

from accounts.models import User

# The id fields of a body: a whole number, as JSON or as text.
_MAX_ID = 2**63 - 1


def caller(request: Request) -> User:
    """The person calling (IsAuthenticated let them through)."""
    return cast(User, request.user)


def schema_only(view: Any) -> bool:
    """Whether drf-spectacular is calling ``get_queryset`` to describe the view (no caller)."""
    return bool(getattr(view, "swagger_fake_view", False))


def form_errors(form: forms.BaseForm) -> dict[str, list[str]]:
    """``{field: [messages]}`` of a bound, invalid form; its own as ``non_field_errors``."""
    return {
        ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
        for field, messages in form.errors.items()
    }


def form_cleaned(form: forms.BaseForm) -> dict[str, Any]:
    """The form's cleaned data; a ``ValidationError`` (400 problem, same messages) if invalid."""
    if not form.is_valid():
        raise serializers.ValidationError(form_errors(form))
    return dict(form.cleaned_data)


def body(request: Request) -> dict[str, Any]:
    """The request's body as a flat dict (JSON object, or a form); 400 if it is not an object."""
    data = request.data
    if not isinstance(data, Mapping):
        raise serializers.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    if hasattr(data, "dict"):
        return cast(dict[str, Any], data.dict())
    return dict(data)


def with_current(form: forms.BaseForm, data: Mapping[str, Any]) -> dict[str, Any]:
    """For a partial update (PATCH): the form's current values, overlaid with ``data``.

    An unbound form built on the stored object gives each field's current value,
    so what the caller leaves out stays as it is, as on the page. ``version`` is
    never filled in: an edit without the version read is refused as stale (409).
    """
    current: dict[str, Any] = {}
    for name in form.fields:
        if name == "version":
            continue  # the version the caller read, never the stored one: else no stale check
        value = form[name].value()
        if value is not None:
            current[name] = value
    current.update({key: value for key, value in data.items() if key in form.fields})
    return current


def body_id(data: Mapping[str, Any], name: str, *, required: bool = True) -> int | None:
    """The id ``data[name]`` (a whole number or its digits); 400 with ``errors`` otherwise."""
    value = data.get(name)
    if value in (None, ""):
        if required:
            raise serializers.ValidationError({name: [_("This field is required.")]})
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= _MAX_ID:
        raise serializers.ValidationError({name: [_("Give the id, a whole number.")]})
    return value
