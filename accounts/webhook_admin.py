"""HR's webhook endpoints (issue 19 §2): the reads of their pages and the changes HR makes.

Every function here is for HR; the views check that (``require_hr``) first.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from accounts.integration_models import _new_secret
from accounts.models import OutboxAttempt, OutboxMessage, User, WebhookEndpoint

DELIVERIES_PER_PAGE = 25

ENDPOINT_FIELDS = ("name", "url", "events", "format", "language", "is_active")


def webhook_endpoints_listed() -> QuerySet[WebhookEndpoint]:
    """Every endpoint with ``pending`` (deliveries waiting) and its last attempt:
    ``last_at``, ``last_accepted``, ``last_code``, ``last_error`` (None without one). One query."""
    last = OutboxAttempt.objects.filter(message__endpoint=OuterRef("pk")).order_by("-at", "-pk")
    return WebhookEndpoint.objects.annotate(
        pending=Count("deliveries", filter=Q(deliveries__state=OutboxMessage.State.PENDING)),
        last_at=Subquery(last.values("at")[:1]),
        last_accepted=Subquery(last.values("accepted")[:1]),
        last_code=Subquery(last.values("status_code")[:1]),
        last_error=Subquery(last.values("error")[:1]),
    )


def webhook_deliveries_page(endpoint: WebhookEndpoint, number: Any) -> Page[OutboxMessage]:
    """The page ``number`` of ``endpoint``'s deliveries, newest first, each with its attempts
    (``tries``) prefetched: three queries whatever the page holds."""
    deliveries = OutboxMessage.objects.filter(endpoint=endpoint).prefetch_related("tries")
    return Paginator(deliveries.order_by("-created_at", "-pk"), DELIVERIES_PER_PAGE).get_page(
        number
    )


@transaction.atomic
def webhook_endpoint_save(
    *, actor: User, endpoint: WebhookEndpoint | None = None, **fields: Any
) -> WebhookEndpoint:
    """Register an endpoint, or change ``endpoint``; ``fields`` are ``ENDPOINT_FIELDS``.

    Switching an endpoint back on clears its run of failures and the reason it was
    switched off, so it starts afresh (its waiting deliveries are sent again).
    """
    if endpoint is None:
        endpoint = WebhookEndpoint(created_by=actor)
    was_active = endpoint.pk is not None and endpoint.is_active
    for name in ENDPOINT_FIELDS:
        if name in fields:
            setattr(endpoint, name, fields[name])
    if endpoint.is_active and not was_active:
        endpoint.consecutive_failures = 0
        endpoint.failing_since = None
        endpoint.disabled_reason = ""
    endpoint.save()
    return endpoint


def webhook_endpoint_secret_rotate(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new signing secret; every attempt from now on is signed with it (waiting ones too)."""
    endpoint.secret = _new_secret()
    endpoint.save(update_fields=["secret"])
    return endpoint


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint and its delivery log (waiting deliveries are never sent)."""
    endpoint.delete()
