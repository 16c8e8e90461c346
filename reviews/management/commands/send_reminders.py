from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reviews.jobs import reminders_run, weekly_digest_run


class Command(BaseCommand):
    help = "Send the reminders that are due now (each is sent once, ever)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--digest", action="store_true", help="also send the weekly digest, whatever the day"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = reminders_run(force=True)
        self.stdout.write(f"Reminders: {run.detail if run else 'not due'}")
        if options["digest"]:
            digest = weekly_digest_run(force=True)
            self.stdout.write(f"Digest: {digest.detail if digest else 'not due'}")
