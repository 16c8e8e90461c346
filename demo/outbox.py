"""The demo's outbox holds no past messages: what the demo's history caused (a round's
invitations in September, January's result e-mails) went out when it happened.

The seed's steps write their e-mails as the app does, dated by the demo's clock
(``demo.clock``); this last step records every one dated before today as sent then,
so the worker started with the demo sends only what is due now.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import OutboxAttempt, OutboxMessage


def demo_outbox_settle(*, today: dt.date | None = None) -> int:
    """Mark the pending messages created before ``today`` (local) as sent at their
    creation, with one accepted attempt each. Returns how many."""
    today = today or timezone.localdate()
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    with transaction.atomic():
        past = list(
            OutboxMessage.objects.select_for_update().filter(
                state=OutboxMessage.State.PENDING, created_at__lt=midnight
            )
        )
        for message in past:
            message.state = OutboxMessage.State.SENT
            message.sent_at = message.due_at = message.created_at
            message.attempts = max(message.attempts, 1)
            message.claimed_until = None
        OutboxMessage.objects.bulk_update(
            past, ["state", "sent_at", "due_at", "attempts", "claimed_until"]
        )
        OutboxAttempt.objects.bulk_create(
            OutboxAttempt(message=message, at=message.created_at, accepted=True) for message in past
        )
    return len(past)
