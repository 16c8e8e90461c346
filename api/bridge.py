"""From a JSON body to the page's own Django form, and from its errors to problem details.

The API validates what a script sends with the very forms the pages use, so rules and
messages are the pages'. ``FormData`` turns JSON values into the strings a browser
would post (refusing lists and objects where one value is expected); ``form_errors``
turns a bound form's errors into the ``errors`` of a problem-details answer.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.problems import problem_response

# Ids in addresses: digits only, never longer than a database id (so never a 5xx).
ID_PATTERN = r"[0-9]{1,18}"
MAX_ID = 2**31 - 1


class IdField(forms.IntegerField):
    """An id in a filter: a whole number a database id can be (else 400, never a 5xx)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class IdFilter(django_filters.Filter):
    """``?employee=12``: the rows whose ``field_name`` is that id."""

    field_class = IdField


class ProblemSerializer(serializers.Serializer[Any]):
    """RFC 9457 problem details, as every error of the API is answered."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(  # type: ignore[assignment]  # a field, not the property
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


def problems(*codes: int) -> dict[tuple[int, str], OpenApiResponse]:
    """The documented error answers of an endpoint (``extend_schema(responses=…)``)."""
    described = {
        400: _("The request is not valid: see errors"),
        403: _("Not allowed"),
        404: _("Not found"),
        409: _("Changed by someone else"),
    }
    return {
        (code, "application/problem+json"): OpenApiResponse(
            ProblemSerializer, description=str(described.get(code, ""))
        )
        for code in codes
    }


class BadBody(exceptions.ValidationError):
    """The body is not what the endpoint takes: answered 400 with ``errors``
    (``{field: [message]}``) by the problem-details handler."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)


def body_of(request: Request) -> dict[str, Any]:
    """The JSON object sent (``BadBody`` for an array, a number, …)."""
    data = request.data
    if not isinstance(data, dict):
        raise BadBody({"non_field_errors": [_("Send a JSON object.")]})
    return data


def scalar(value: Any, where: str) -> str:
    """``value`` as a browser would post it: text; ``True`` ticks a box, ``False`` and
    ``null`` leave it empty. ``BadBody`` for a list or an object."""
    if value is None or value is False:
        return ""
    if value is True:
        return "on"
    if isinstance(value, str | int | float):
        return str(value)
    raise BadBody({where: [_("Expected a single value.")]})


def list_of_objects(value: Any, where: str) -> list[dict[str, Any]]:
    """``value`` as a list of JSON objects (``[]`` for null); ``BadBody`` otherwise."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise BadBody({where: [_("Expected a list of objects.")]})
    return value


def an_id(value: Any, where: str) -> int:
    """``value`` as an id (a positive whole number); ``BadBody`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadBody({where: [_("Expected an id.")]})
    text = str(value)
    if not (text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID):
        raise BadBody({where: [_("Expected an id.")]})
    return int(text)


def form_errors(
    form: forms.BaseForm, *, prefix: str = "", names: Any = None
) -> dict[str, list[str]]:
    """A bound form's errors as ``{field: [message]}``; ``names`` renames fields
    (form field → API field), ``prefix`` goes before each (``rows.0.``)."""
    found: dict[str, list[str]] = {}
    for field, messages in form.errors.items():
        name = (names or {}).get(field, field)
        key = "non_field_errors" if field == "__all__" else name
        found.setdefault(prefix + key, []).extend(str(message) for message in messages)
    return found


def invalid(errors: dict[str, list[str]], detail: str = "") -> Response:
    """400 problem details with per-field ``errors``."""
    return problem_response(
        400, detail or _("Some fields are not valid; see errors."), kind="validation", errors=errors
    )
