"""Webhook deliveries on the wire: the signature, the POST, and what a failure does to its endpoint.

Issue 19, section 2. A delivery's body is fixed when it is written to the
outbox (``OutboxMessage.payload["body"]``, the exact JSON text); each attempt
signs it again with the time of sending:

    Webhook-Id: <the message's key, the same on every attempt>
    Webhook-Timestamp: <Unix seconds>
    Webhook-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>

so a receiver recomputes the HMAC over the timestamp and the raw body,
compares in constant time, refuses a timestamp older than a few minutes
(replays), and drops a ``Webhook-Id`` it has already seen (the one repeat no
sender can rule out: README, "Webhooks").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import OutboxMessage, WebhookEndpoint

USER_AGENT = "CoachingCycles-Webhooks/1"


@dataclass(frozen=True)
class DeliveryResult:
    """One attempt: ``accepted`` when the receiver answered 2xx; ``status_code`` (HTTP) or
    ``error`` (the network failure, or the start of a non-2xx answer) otherwise."""

    accepted: bool
    status_code: int | None = None
    error: str = ""


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """``v1=`` and the hex HMAC-SHA256 of ``b"<timestamp>." + body`` under ``secret``."""
    signed = str(timestamp).encode() + b"." + body
    return "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def webhook_headers(
    message: OutboxMessage, *, body: bytes, now: int | None = None
) -> dict[str, str]:
    """The headers of one attempt at ``message`` (its endpoint's secret, the time of sending)."""
    assert message.endpoint is not None  # noqa: S101 - a webhook row always has its endpoint
    timestamp = int(now if now is not None else time.time())
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "Webhook-Id": str(message.key),
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": webhook_signature(
            secret=message.endpoint.secret, timestamp=timestamp, body=body
        ),
    }


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is a failure: the body and its signature go only to the registered URL."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def forbidden_address(host: str) -> bool:
    """Whether ``host`` (an IP literal, bracketed or not) is one no webhook may go to:
    link-local (where a cloud server's instance metadata answers), unspecified or
    multicast, also written as an IPv4-mapped IPv6 address. A host name is not an
    address: ``resolves_to_forbidden`` checks what it resolves to, when sending."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_link_local or address.is_unspecified or address.is_multicast


def resolves_to_forbidden(host: str) -> bool:
    """Whether ``host`` names, or resolves to, a ``forbidden_address`` (checked before each
    delivery: a name such as ``169.254.169.254.nip.io`` passes the form's check)."""
    if forbidden_address(host):
        return True
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False  # the POST fails and says why
    return any(forbidden_address(str(info[4][0])) for info in found)


def webhook_post(message: OutboxMessage) -> DeliveryResult:
    """POST ``message`` to its endpoint once; never raises.

    A switched-off endpoint is not called (the attempt fails with that reason, so
    the message waits until HR switches it on or it gives up). Each outcome
    counts towards the endpoint's run of failures (``_endpoint_outcome``).
    """
    endpoint = message.endpoint
    if endpoint is None:
        return DeliveryResult(False, error="The endpoint was deleted.")
    if not endpoint.is_active:
        return DeliveryResult(False, error="The endpoint is switched off.")
    if resolves_to_forbidden(urllib.parse.urlsplit(endpoint.url).hostname or ""):
        return DeliveryResult(
            False, error="The address resolves to one that cannot receive webhooks."
        )
    body = str(message.payload.get("body", "")).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL form allows http(s) only
        endpoint.url, data=body, headers=webhook_headers(message, body=body), method="POST"
    )
    try:
        with _opener.open(request, timeout=settings.OUTBOX_HTTP_TIMEOUT) as response:
            result = DeliveryResult(200 <= response.status < 300, response.status)
    except urllib.error.HTTPError as error:
        excerpt = error.read(200).decode("utf-8", "replace") if error.fp else ""
        result = DeliveryResult(False, error.code, f"HTTP {error.code}: {excerpt}".strip())
    except Exception as error:  # refused, timed out, bad TLS, bad URL
        result = DeliveryResult(False, None, f"{type(error).__name__}: {error}")
    _endpoint_outcome(endpoint, accepted=result.accepted)
    return result


ENDPOINT_SWITCHED_OFF = gettext_noop(
    "The webhook endpoint %(name)s was switched off: every delivery to it has failed for "
    "%(hours)s hours (%(count)s attempts in a row)."
)


def _endpoint_outcome(endpoint: WebhookEndpoint, *, accepted: bool) -> None:
    """Count a run of failed attempts; switch the endpoint off, and tell every HR person
    (in the app and by e-mail, through the outbox), once it has failed every attempt for
    ``OUTBOX_WEBHOOK_DISABLE_AFTER_HOURS`` and at least ``OUTBOX_WEBHOOK_DISABLE_AFTER``
    times. Both: a busy endpoint down for a short deploy fails many attempts in minutes,
    and must not be switched off for that."""
    if accepted:
        if endpoint.consecutive_failures or endpoint.failing_since:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
                consecutive_failures=0, failing_since=None
            )
        return
    now = timezone.now()
    hours = dt.timedelta(hours=settings.OUTBOX_WEBHOOK_DISABLE_AFTER_HOURS)
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            consecutive_failures=F("consecutive_failures") + 1,
            failing_since=Coalesce("failing_since", Value(now)),
        )
        switched = WebhookEndpoint.objects.filter(
            pk=endpoint.pk,
            is_active=True,
            consecutive_failures__gte=settings.OUTBOX_WEBHOOK_DISABLE_AFTER,
            failing_since__lte=now - hours,
        ).update(is_active=False, disabled_reason="")
        if switched:
            endpoint.refresh_from_db()
            _tell_hr_switched_off(endpoint)


def _tell_hr_switched_off(endpoint: WebhookEndpoint) -> None:
    from accounts.notifications import Reminder, reminders_send  # noqa: PLC0415 - cycle
    from accounts.stand_ins import active_hr_people  # noqa: PLC0415 - cycle

    reminders_send(
        Reminder(
            kind="webhook_off",
            recipient=person,
            key=f"{endpoint.pk}:{timezone.now():%Y%m%d%H%M%S}",
            subject=ENDPOINT_SWITCHED_OFF,
            lines=[],
            url=f"/accounts/webhooks/{endpoint.pk}/",
            params={
                "name": endpoint.name,
                "count": endpoint.consecutive_failures,
                "hours": settings.OUTBOX_WEBHOOK_DISABLE_AFTER_HOURS,
            },
        )
        for person in active_hr_people()
    )


def pending_for(endpoint: WebhookEndpoint) -> int:
    """How many deliveries to ``endpoint`` are still waiting."""
    return OutboxMessage.objects.filter(
        endpoint=endpoint, state=OutboxMessage.State.PENDING
    ).count()
