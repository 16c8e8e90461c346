"""API fixtures: a client holding a real personal access token, as a script would.

``api_client_for(user, scope="write")`` returns a DRF ``APIClient`` that sends
``Authorization: Bearer <token>`` with a token made by ``accounts.tokens.api_token_create``;
``client.token`` is the token row (``ApiToken``), ``client.raw_token`` the token in clear.
``problem(response)`` checks a response is an RFC 9457 problem and returns its body.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiToken, User
from accounts.tokens import api_token_create

ApiClientFor = Callable[..., APIClient]


def make_api_client(user: User, scope: str = ApiToken.Scope.WRITE, name: str = "test") -> APIClient:
    """An APIClient authenticated with a new real token of ``user`` (scope ``read``/``write``)."""
    token, raw = api_token_create(user=user, name=name, scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    setattr(client, "token", token)  # noqa: B010  (APIClient declares no such attribute)
    setattr(client, "raw_token", raw)  # noqa: B010
    return client


@pytest.fixture
def api_client_for(db: None) -> ApiClientFor:
    """``api_client_for(user, scope="write")`` → an APIClient with a real token of ``user``."""
    return make_api_client


def problem(response: Any, status: int) -> dict[str, Any]:
    """Assert ``response`` is a problem-details answer with ``status``; return its body."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= set(body), body
    assert body["status"] == status
    return body
