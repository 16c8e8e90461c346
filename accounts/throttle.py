"""Limits on guessing: failed log-ins (django-axes) and password reset requests.

Both count by the *normalised* e-mail address. Log-in matches addresses
without regard to case (``email__iexact``), so a limit keyed on the address as
typed would give every spelling of it (``ROB@…``, ``Rob@…``) its own fresh
tries.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
import unicodedata
from collections.abc import Mapping

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

log = logging.getLogger(__name__)

RATE_LIMIT_CACHE = "ratelimit"
_HOUR = 3600


def normalise_email(value: object) -> str:
    """One spelling per address, whatever case or width it was typed in.

    ``upper().lower()`` also folds letters whose upper case is plain ASCII
    ("ſ" → "S" → "s"), which the database's case-insensitive match treats as
    the same letter.
    """
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    return text.upper().lower()


def login_identity(request: HttpRequest | None, credentials: Mapping[str, object] | None) -> str:
    """The username django-axes counts failures against (``AXES_USERNAME_CALLABLE``)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    value: object = None
    if credentials:
        value = credentials.get(field)
    elif request is not None:
        value = getattr(request, "POST", {}).get(field)
    return normalise_email(value)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's IP address, for the log-in and password-reset limits; None if unknown.

    Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each appending the address it
    was called from, the client is that many places from the right of
    X-Forwarded-For (a header shorter than that, or not an address there: the
    connection's address); without proxies, the connection's own address.
    django-axes asks here too (``AXES_CLIENT_IP_CALLABLE``), so both limits count
    the same client.
    """
    if request is None:
        return None
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    candidates = [forwarded[-count]] if count and len(forwarded) >= count else []
    candidates.append(str(request.META.get("REMOTE_ADDR") or ""))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def client_address(request: HttpRequest) -> str:
    """``client_ip``, or "unknown" (all unknown clients share one count)."""
    return client_ip(request) or "unknown"


def _hit(kind: str, subject: str, limit: int) -> bool:
    """Count one request against ``subject``; True when it is over ``limit`` this hour.

    A fixed one-hour window per subject: the key names the hour, so an old
    count simply expires. Subjects are hashed: no addresses in the cache.
    """
    window = int(time.time()) // _HOUR
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    key = f"{kind}:{digest}:{window}"
    cache = caches[RATE_LIMIT_CACHE]
    try:
        cache.add(key, 0, timeout=_HOUR + 60)
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this is the first request
        cache.set(key, 1, timeout=_HOUR + 60)
        count = 1
    except Exception:
        # The counters live in Redis in production. If it is down, let people
        # reset their password rather than lock everyone out; say so in the log.
        log.warning("Rate-limit cache unavailable; %s not counted.", kind, exc_info=True)
        return False
    return count > limit


def password_reset_allowed(*, email: str, request: HttpRequest) -> bool:
    """Count a password reset request; False when its client or its address is over the limit.

    Counted whether or not the address belongs to anyone, so the answer never
    tells an account that exists from one that does not.
    """
    if _hit("pwreset-client", client_address(request), settings.PASSWORD_RESET_LIMIT_PER_CLIENT):
        return False
    return not _hit(
        "pwreset-address", normalise_email(email), settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
    )
