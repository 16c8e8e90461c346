"""The demo's webhook endpoints (issue 19 §2): a JSON receiver that is not there, so its
log shows failed attempts and the next retry, and a Slack channel switched off after
failing in a row, with the reason HR reads.

Idempotent: once a demo endpoint exists it does nothing.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import (
    HR_GROUP_NAME,
    OutboxAttempt,
    OutboxMessage,
    User,
    WebhookEndpoint,
    WebhookEvent,
)
from accounts.webhook_events import webhook_ping

REFUSED = "URLError: <urlopen error [Errno 111] Connection refused>"


def demo_webhooks_seed() -> None:
    """Two endpoints; the JSON one has a test event that failed twice and waits for its
    third attempt, as the worker records it when nothing listens on port 9."""
    if WebhookEndpoint.objects.filter(name__startswith="Demo ").exists():
        return
    hr = User.objects.filter(groups__name=HR_GROUP_NAME, is_active=True).order_by("pk").first()
    receiver = WebhookEndpoint.objects.create(
        name="Demo HR system (not running)",
        url="http://127.0.0.1:9/",
        events=[WebhookEvent.REVIEW_SUBMITTED, WebhookEvent.REVIEW_FINALISED],
        created_by=hr,
    )
    WebhookEndpoint.objects.create(
        name="Demo sales channel (Slack)",
        url="https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        format=WebhookEndpoint.Format.SLACK,
        events=[WebhookEvent.REVIEW_OVERDUE, WebhookEvent.ACTION_ITEM_OVERDUE],
        is_active=False,
        consecutive_failures=15,
        failing_since=timezone.now() - dt.timedelta(hours=13),
        created_by=hr,
    )
    message = webhook_ping(endpoint=receiver)
    now = timezone.now()
    tries = [now - dt.timedelta(minutes=3), now - dt.timedelta(minutes=2)]
    OutboxAttempt.objects.bulk_create(
        OutboxAttempt(message=message, at=at, error=REFUSED, duration_ms=1) for at in tries
    )
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=tries[0],
        attempts=len(tries),
        last_error=REFUSED,
        due_at=now + dt.timedelta(minutes=1),
    )
