"""Webhook events: what the product tells the endpoints HR registered, written to the outbox.

Issue 19, section 2. A service that changes something calls
``webhook_event_emit`` in its own transaction: one ``OutboxMessage`` per active
endpoint subscribed to the event, whose body is fixed there and then (the
worker only signs and sends it, ``accounts.webhooks``). Each endpoint gets the
body in its format:

- ``json``: ``{"id", "event", "occurred_at", "data", "url"}`` — ``data`` is what
  HR may read about the thing, never a private note nor content not shared with HR;
- ``slack``: an incoming-webhook message, ``{"text", "blocks"}``;
- ``teams``: a message with an Adaptive Card (Teams incoming webhooks and Workflows).

Chat bodies say one sentence in the endpoint's language (``message_language``).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django_stubs_ext import StrOrPromise

from accounts.links import pk_url
from accounts.models import OutboxMessage, WebhookEndpoint
from accounts.outbox import outbox_wake
from accounts.texts import message_text

# The test event HR sends from an endpoint's page; not a subscribable event, so every
# endpoint takes it and no choice (nor migration) is needed for it.
PING = "ping"
PING_TEXT = gettext_noop(
    "Test event from Coaching Cycles: the endpoint %(name)s is set up and receives messages."
)


@dataclass(frozen=True)
class WebhookCall:
    """An event to emit later in the same transaction (``webhook_event_emit``'s arguments),
    for code that decides only afterwards whether it happened (a reminder recorded once)."""

    event: str
    # Or a function that makes it, so that a reminder job builds data only for what it emits.
    data: dict[str, Any] | Callable[[], dict[str, Any]]
    text: StrOrPromise
    params: dict[str, Any] = field(default_factory=dict)
    url: str = ""

    def emit(self) -> list[OutboxMessage]:
        return webhook_event_emit(
            event=self.event, data=self.data, text=self.text, params=self.params, url=self.url
        )


def absolute_url(url: str) -> str:
    """A path on this site as a full link (``SITE_URL``); a full link is kept."""
    if not url or "://" in url:
        return url
    return f"{settings.SITE_URL}{url}"


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _mrkdwn(text: str) -> str:
    """Slack's control characters escaped (its ``mrkdwn`` reads ``<…>`` as links)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webhook_body(
    endpoint: WebhookEndpoint,
    *,
    key: uuid.UUID,
    event: str,
    occurred_at: dt.datetime,
    data: dict[str, Any],
    sentence: str,
    url: str,
) -> dict[str, Any]:
    """The JSON object ``endpoint`` receives, in its format (``sentence`` in its language)."""
    if endpoint.format == WebhookEndpoint.Format.SLACK:
        with translation.override(endpoint.message_language):
            label = gettext("Open in Coaching Cycles")
        section = _mrkdwn(sentence) + (f"\n<{url}|{_mrkdwn(label)}>" if url else "")
        return {
            "text": _mrkdwn(sentence),  # Slack reads &, <, > in the fallback text too
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": section}}],
        }
    if endpoint.format == WebhookEndpoint.Format.TEAMS:
        with translation.override(endpoint.message_language):
            label = gettext("Open in Coaching Cycles")
        card: dict[str, Any] = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": [{"type": "TextBlock", "text": sentence, "wrap": True}],
        }
        if url:
            card["actions"] = [{"type": "Action.OpenUrl", "title": label, "url": url}]
        return {
            "type": "message",
            "summary": sentence,
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "contentUrl": None,
                    "content": card,
                }
            ],
        }
    return {
        "id": str(key),
        "event": event,
        "occurred_at": _iso(occurred_at),
        "data": data,
        "url": url,
    }


def _active_endpoints() -> list[WebhookEndpoint]:
    # One small query over a handful of rows; filtered in Python, as SQLite (the demo)
    # has no JSON containment lookup.
    return list(WebhookEndpoint.objects.filter(is_active=True))


def webhook_event_emit(
    *,
    event: str,
    data: dict[str, Any] | Callable[[], dict[str, Any]],
    text: StrOrPromise,
    params: dict[str, Any],
    url: str,
    endpoint: WebhookEndpoint | None = None,
) -> list[OutboxMessage]:
    """Write one delivery of ``event`` per active endpoint subscribed to it, in the caller's
    transaction, and wake the sender once it commits.

    ``event`` is a ``WebhookEvent`` value (or ``PING``); ``data`` is JSON-serialisable
    and must hold only what HR may read (or a function making it, called only when
    some endpoint is subscribed); ``text`` an untranslated sentence
    (``gettext_noop`` or ``ngettext_lazy`` with a named number) whose ``%(name)s``
    placeholders ``params`` fill — dates through ``month_param``/``day_param`` read as
    words of the endpoint's language; ``url`` a path on this site (made absolute).
    ``endpoint`` sends to that one endpoint only, subscribed or not (the test event).
    Each delivery is retried until ``OUTBOX_WEBHOOK_RETRY_HOURS`` from now. Returns the
    messages written (none without a subscriber: one query).
    """
    call = WebhookCall(event=event, data=data, text=text, params=params, url=url)
    targets = [endpoint] if endpoint is not None else _active_endpoints()
    return _write([call], targets, to_all=endpoint is not None)


def webhook_calls_emit(calls: Iterable[WebhookCall]) -> list[OutboxMessage]:
    """``webhook_event_emit`` for many events at once (a reminder job's batch): one query
    for the endpoints, one insert for the deliveries."""
    calls = list(calls)
    if not calls:
        return []
    return _write(calls, _active_endpoints(), to_all=False)


def _write(
    calls: list[WebhookCall], endpoints: list[WebhookEndpoint], *, to_all: bool
) -> list[OutboxMessage]:
    now = timezone.now()
    give_up_at = now + dt.timedelta(hours=settings.OUTBOX_WEBHOOK_RETRY_HOURS)
    rows = []
    for call in calls:
        targets = [e for e in endpoints if to_all or call.event in e.events]
        if not targets:
            continue
        data = call.data() if callable(call.data) else call.data
        link = absolute_url(call.url)
        for target in targets:
            key = uuid.uuid4()
            with translation.override(target.message_language):
                sentence = message_text(call.text, call.params)
            body = webhook_body(
                target,
                key=key,
                event=call.event,
                occurred_at=now,
                data=data,
                sentence=sentence,
                url=link,
            )
            rows.append(
                OutboxMessage(
                    key=key,
                    channel=OutboxMessage.Channel.WEBHOOK,
                    endpoint=target,
                    event=call.event[:50],
                    recipient=target.url[:500],
                    subject=sentence[:300],
                    payload={"body": json.dumps(body, ensure_ascii=False, separators=(",", ":"))},
                    created_at=now,
                    due_at=now,
                    give_up_at=give_up_at,
                )
            )
    if rows:
        OutboxMessage.objects.bulk_create(rows)
        outbox_wake()
    return rows


def webhook_ping(*, endpoint: WebhookEndpoint) -> OutboxMessage:
    """Send ``endpoint`` a test event (``PING``) through the same path as every event."""
    url = pk_url("accounts:webhook_detail", endpoint.pk)
    return webhook_event_emit(
        event=PING,
        data={"endpoint": endpoint.name},
        text=PING_TEXT,
        params={"name": endpoint.name},
        url=url,
        endpoint=endpoint,
    )[0]
