"""Calling the API as a script does: a real personal access token in ``Authorization``."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from accounts.models import ApiToken, User

ROLES = ["manager", "report", "indirect_report", "peer", "other_manager", "hr", "outsider"]


def client_for(user: User, scope: str = ApiToken.Scope.WRITE) -> APIClient:
    """An API client carrying a fresh token of ``user`` with ``scope``."""
    _instance, token = ApiToken.objects.create(user=user, name="t", scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def problem(response: Any, status: int) -> dict[str, Any]:
    """The problem details of ``response``, after checking its status and media type."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def outcome(status: int) -> str:
    """A page's or an endpoint's answer as a person notices it: refused how, or done."""
    if status in (403, 404, 409):
        return str(status)
    assert status < 500, status
    return "ok"
