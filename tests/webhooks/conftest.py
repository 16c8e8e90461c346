"""Webhook endpoints for the tests, and the bodies written for them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from accounts.models import OutboxMessage, WebhookEndpoint, WebhookEvent

# Nothing listens there: a delivery that is sent by accident fails at once.
NOWHERE = "http://127.0.0.1:9/hook"


@pytest.fixture(autouse=True)
def _no_sending_after_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests here send the outbox themselves (``outbox_send``) when they mean to."""
    monkeypatch.setattr("accounts.webhook_events.outbox_wake", lambda: None)


def make_endpoint(
    *, events: list[str] | None = None, url: str = NOWHERE, **fields: Any
) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        name=fields.pop("name", "Our HR system"),
        url=url,
        events=list(WebhookEvent.values) if events is None else events,
        **fields,
    )


@pytest.fixture
def every_format(db: None) -> list[WebhookEndpoint]:
    """One JSON, one Slack and one Teams endpoint, each subscribed to every event."""
    return [
        make_endpoint(name=f"{kind} endpoint", format=kind) for kind in ("json", "slack", "teams")
    ]


def bodies(event: str) -> dict[str, dict[str, Any]]:
    """The body of each delivery of ``event``, by its endpoint's format."""
    deliveries = OutboxMessage.objects.filter(event=event).select_related("endpoint")
    return {m.endpoint.format: json.loads(m.payload["body"]) for m in deliveries if m.endpoint}


def raw_bodies(event: str) -> list[str]:
    return [m.payload["body"] for m in OutboxMessage.objects.filter(event=event)]
