from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from reviews.selectors import jobs_status


class Command(BaseCommand):
    help = (
        "Last run and outcome of each periodic job, pending work, and whether the broker answers."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        status = jobs_status()
        self.stdout.write(
            f"Broker: {'answers' if status.broker_ok else 'DOES NOT ANSWER'} ({status.broker})"
        )
        for job in status.jobs:
            last = job.last
            if last is None:
                self.stdout.write(f"{job.name:<22} never ran")
            else:
                started = timezone.localtime(last.started_at)  # the organisation's time
                self.stdout.write(
                    f"{job.name:<22} {started:%Y-%m-%d %H:%M} {last.outcome:<7} "
                    f"{last.detail.splitlines()[0] if last.detail else ''}"
                )
        for label, count in status.pending:
            self.stdout.write(f"Pending: {label}: {count}")
        for channel in status.outbox.channels:
            oldest = (
                f", oldest {timezone.localtime(channel.oldest):%Y-%m-%d %H:%M}"
                if channel.oldest
                else ""
            )
            self.stdout.write(
                f"Outbox {channel.channel}: {channel.waiting} waiting ({channel.retrying} after a "
                f"failure{oldest}), {channel.gave_up_this_week} given up this week"
            )
        for message in status.outbox.troubled[:5]:
            self.stdout.write(
                f"  {message.state:<7} {message.channel} to {message.recipient[:60]}: "
                f"{message.last_error[:100]}"
            )
