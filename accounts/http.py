"""The request as our views see it: typed, with its signed-in person."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class HtmxHttpRequest(HttpRequest):
    """The request as django-htmx's middleware leaves it, for type checking."""

    htmx: HtmxDetails


def user_of(request: HttpRequest) -> User:
    """The signed-in person of a request that ``login_required`` let through."""
    return cast(User, request.user)
