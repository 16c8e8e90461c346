"""The OpenAPI schema: the bearer-token scheme, and the problem answers of every operation.

Every ``/api/v1/`` operation may answer 401 (no or bad token), 403 (not allowed, or a
read-only token writing), 404 (nothing there, or nothing the caller may see) and 429
(too many requests), each as ``application/problem+json``; writes also 400 (with
``errors``) and 409 (changed by someone else). Documented once here, not per view.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error, as RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "description": (
                "Validation errors: field name → messages (`non_field_errors` for the form)."
            ),
            "additionalProperties": {},
        },
    },
    "required": ["type", "title", "status", "detail"],
}

_DESCRIPTIONS = {
    "400": "The request is not valid (see `errors`).",
    "401": "No token, or a token that is revoked or belongs to someone who left.",
    "403": "Not allowed (as on the pages), or a read-only token asked to write.",
    "404": "Nothing there, or nothing the caller may see.",
    "409": "Changed by someone else since it was read (send the current `version`).",
    "429": "Too many requests; wait `Retry-After` seconds.",
}
_WRITES = {"post", "put", "patch", "delete"}


class PersonalTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """``Authorization: Bearer <token>``: a personal access token from the profile page."""

    target_class = "api.auth.PersonalTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A personal access token made on your profile page; a read-only token "
                "may only read."
            ),
        }


def add_problem_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Postprocessing hook: the ``Problem`` component and the error answers of each operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    content = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = ["400", "401", "403", "404", "429"]
            if method in _WRITES:
                codes.append("409")
            for code in codes:
                operation["responses"].setdefault(
                    code, {"description": _DESCRIPTIONS[code], "content": content}
                )
    return result
