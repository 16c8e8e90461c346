"""Rate limits per token (or per signed-in person), counted in the rate-limit cache (Redis)."""

from __future__ import annotations

from typing import Any

from django.core.cache import caches
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """``API_RATE`` requests per token (``REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['token']``);
    a browser session is counted per person."""

    scope = "token"

    def __init__(self) -> None:
        self.cache = caches["ratelimit"]
        super().__init__()

    def get_rate(self) -> str | None:
        # Read at each request, not once at import as DRF does: a changed setting applies.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return None if rate is None else str(rate)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return str(self.cache_format % {"scope": self.scope, "ident": ident})
