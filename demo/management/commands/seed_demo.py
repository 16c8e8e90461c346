from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from demo.organisation import DEMO_LOGINS, DEMO_PASSWORD, demo_organisation_seed


class Command(BaseCommand):
    help = "Load the demo organisation (and its data). Running it again changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--logins-only", action="store_true", help="only print the demo logins")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["logins_only"]:
            result = demo_organisation_seed()
            self.stdout.write(
                f"Demo organisation: {result.people_created} people created, "
                f"{result.people_unchanged + result.people_updated} already there."
            )
        self.stdout.write(self.style.SUCCESS(f"Open {settings.SITE_URL}/ and log in as:"))
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.email:<28} {login.role}")
        self.stdout.write(f"  password for every demo account: {DEMO_PASSWORD}")
