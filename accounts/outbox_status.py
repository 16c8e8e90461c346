"""What the outbox holds and why, for the background jobs page and ``jobs_status``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.utils import timezone

from accounts.models import OutboxMessage

# Messages shown by name: those that wait after a failure, and those given up on.
SHOWN = 20


@dataclass(frozen=True)
class ChannelBacklog:
    """One channel's waiting messages: how many, the oldest's age, how many failed at least once."""

    channel: str
    label: str
    waiting: int
    retrying: int
    oldest: dt.datetime | None
    gave_up_this_week: int


@dataclass(frozen=True)
class OutboxStatus:
    """The outbox at a glance: per channel, and the messages that need a look, newest first."""

    channels: list[ChannelBacklog]
    troubled: list[OutboxMessage]

    @property
    def waiting(self) -> int:
        return sum(channel.waiting for channel in self.channels)


def outbox_status() -> OutboxStatus:
    """Two queries: the counts per channel, and the last ``SHOWN`` messages that failed.

    A message "needs a look" when it waits after at least one failed attempt
    (its ``last_error`` says why and ``due_at`` when it is tried again) or was
    given up on; sent messages are not listed.
    """
    week_ago = timezone.now() - dt.timedelta(days=7)
    pending = Q(state=OutboxMessage.State.PENDING)
    rows = {
        row["channel"]: row
        for row in OutboxMessage.objects.filter(
            pending | Q(state=OutboxMessage.State.FAILED, created_at__gte=week_ago)
        )
        .values("channel")
        .annotate(
            waiting=Count("pk", filter=pending),
            retrying=Count("pk", filter=pending & Q(attempts__gt=0)),
            oldest=Min("created_at", filter=pending),
            gave_up=Count("pk", filter=Q(state=OutboxMessage.State.FAILED)),
        )
    }
    channels = [
        ChannelBacklog(
            channel=value,
            label=str(label),
            waiting=rows.get(value, {}).get("waiting", 0),
            retrying=rows.get(value, {}).get("retrying", 0),
            oldest=rows.get(value, {}).get("oldest"),
            gave_up_this_week=rows.get(value, {}).get("gave_up", 0),
        )
        for value, label in OutboxMessage.Channel.choices
    ]
    troubled = list(
        OutboxMessage.objects.filter(
            (pending & Q(attempts__gt=0)) | Q(state=OutboxMessage.State.FAILED)
        )
        .select_related("endpoint")
        .order_by("-created_at", "-pk")[:SHOWN]
    )
    return OutboxStatus(channels=channels, troubled=troubled)
