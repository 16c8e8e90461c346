"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error the API answers has ``type``, ``title``, ``status`` and ``detail``;
a validation error adds ``errors``: ``{field: [message, …]}``, the same
messages the page shows next to the field.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import BadRequest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler

from accounts.concurrency import StaleEditError

PROBLEM_BASE = "https://coaching-cycles.invalid/problems/"


def _titles() -> dict[int, str]:
    return {
        400: _("The request is not valid"),
        401: _("Sign-in required"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Changed by someone else"),
        415: _("Unsupported media type"),
        429: _("Too many requests"),
    }


def problem_response(
    status_code: int, detail: str, *, kind: str = "", errors: Any = None, headers: Any = None
) -> Response:
    """A problem-details response: ``status_code`` (HTTP), ``detail`` (for people),
    ``kind`` (the slug of ``type``), ``errors`` (per field)."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + (kind or str(status_code)),
        "title": _titles().get(status_code, _("Error")),
        "status": status_code,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    response = Response(body, status=status_code, headers=headers)
    response.content_type = "application/problem+json"
    return response


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with its answer reshaped into problem details.

    The services' own refusals are answered as the pages answer them: a Django
    ``ValidationError`` is a 400 with ``errors``, ``StaleEditError`` a 409,
    ``BadRequest`` (a malformed id or choice) a 400.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, StaleEditError):
        return problem_response(status.HTTP_409_CONFLICT, str(api_stale_text()), kind="conflict")
    elif isinstance(exc, BadRequest):
        return problem_response(status.HTTP_400_BAD_REQUEST, str(exc) or _("Bad request."))
    response = exception_handler(exc, context)
    if response is None:
        return None
    kept = ("Retry-After", "WWW-Authenticate", "Allow")
    headers = {k: v for k, v in response.headers.items() if k in kept}
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return problem_response(
            status.HTTP_400_BAD_REQUEST,
            _("Some fields are not valid; see errors."),
            kind="validation",
            errors=errors,
        )
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
    return problem_response(response.status_code, str(detail), headers=headers)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([])
@throttle_classes([])
def api_not_found(request: Request) -> Response:
    """Every address under ``/api/`` that is no endpoint: 404 as problem details."""
    return problem_response(status.HTTP_404_NOT_FOUND, _("There is no such address in the API."))


def api_stale_text() -> str:
    """What a 409 for a stale ``version`` says to a script (the pages speak of tabs)."""
    return _(
        "It was saved by someone else since you read it, and nothing of this request was "
        "written. Read it again (GET), apply your change to what is there now, and send it "
        "with the new version."
    )
