"""Personal access tokens for the API: create, list, revoke (issue 19, section 1).

A token is shown once, when it is created; only its SHA-512 digest and its first
characters (``token_key``) are stored (knox). Its owner or HR may revoke it; a
person who left has no working token (knox refuses inactive people).
"""

from __future__ import annotations

import logging
from typing import cast

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import ApiToken, User
from accounts.selectors import user_roles

logger = logging.getLogger(__name__)
# A token's primary key: the hex SHA-512 digest knox stores.
_DIGEST_LENGTH = 128


def api_token_create(*, user: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """Create a token for ``user``: returns ``(token row, the token in clear)``.

    The clear token exists only in this return value; show it once and forget it.
    ``scope`` is ``ApiToken.Scope.READ`` or ``WRITE`` (ValueError otherwise).
    """
    if scope not in ApiToken.Scope.values:
        raise ValueError(f"Unknown token scope {scope!r}")
    with transaction.atomic():
        instance, token = ApiToken.objects.create(  # type: ignore[no-untyped-call]
            user=user, name=name, scope=scope
        )
    logger.info("API token %s… created by user %s (%s)", instance.token_key, user.pk, scope)
    return instance, token


def api_token_revoke(*, token: ApiToken, actor: User) -> None:
    """Revoke ``token`` (delete it): it stops working at once. ``actor`` must be
    allowed (``can_revoke_token``); callers fetch the token with ``get_token_for_user``."""
    logger.info(
        "API token %s… of user %s revoked by user %s", token.token_key, token.user_id, actor.pk
    )
    token.delete()


def can_revoke_token(user: User, token: ApiToken) -> bool:
    """Its owner, and HR (for every token of the organisation)."""
    return token.user_id == user.pk or user_roles(user).is_hr


def get_token_for_user(user: User, digest: str) -> ApiToken:
    """The token with primary key ``digest`` if ``user`` may revoke it; 404 otherwise
    (somebody else's token is not even said to exist)."""
    if not (digest.isascii() and digest.isalnum() and len(digest) <= _DIGEST_LENGTH):
        raise Http404  # no digest of ours (and a NUL would be refused by PostgreSQL)
    token: ApiToken | None = ApiToken.objects.select_related("user").filter(pk=digest).first()
    if token is None or not can_revoke_token(user, token):
        raise Http404
    return token


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """``user``'s own tokens, newest first."""
    return cast("QuerySet[ApiToken]", ApiToken.objects.filter(user=user).order_by("-created"))


def tokens_all(*, person: User | None = None) -> QuerySet[ApiToken]:
    """Every token of the organisation (HR's list), with its owner; optionally one person's."""
    queryset: QuerySet[ApiToken] = ApiToken.objects.select_related("user").order_by(
        "user__full_name", "-created"
    )
    if person is not None:
        queryset = queryset.filter(user=person)
    return queryset
