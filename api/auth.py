"""Who is calling: a personal access token (``Authorization: Bearer …``) or the browser session."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from knox.auth import TokenAuthentication
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from accounts.models import ApiToken, User


class PersonalTokenAuthentication(TokenAuthentication):
    """Knox's hashed-token check, refusing people who left, and recording *last used*.

    ``request.auth`` is the ``ApiToken``; its scope is enforced by ``TokenScope``.
    """

    def authenticate_credentials(self, token: bytes) -> tuple[User, ApiToken]:
        user, auth_token = super().authenticate_credentials(token)  # type: ignore[no-untyped-call]
        now = timezone.now()
        # One short UPDATE per use: "last used" is what HR and the owner see.
        ApiToken.objects.filter(pk=auth_token.pk).update(last_used_at=now)
        auth_token.last_used_at = now
        return user, auth_token


class TokenScope(BasePermission):
    """A read-only token may only read; a session (the browser) may do what its pages do."""

    message = "This token is read-only: create a token with write access to change data."

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if isinstance(token, ApiToken) and request.method not in SAFE_METHODS:
            return token.can_write
        return True
