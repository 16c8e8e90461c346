from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plans.cycles import active_cycles_for
from reviews.services import month_tables_generate


def parse_month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date().replace(day=1)  # noqa: DTZ007
    except ValueError:
        raise CommandError(f"--month {value!r} is not a month like 2026-03") from None


class Command(BaseCommand):
    help = "Create a month's review tables for everyone in active cycles (safe to run twice)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--cycle", help="name of the cycle (default: every active one)")

    def handle(self, *args: Any, **options: Any) -> None:
        month = parse_month(options["month"])
        cycles = active_cycles_for(month)
        if options["cycle"]:
            cycles = cycles.filter(name=options["cycle"])
        # The same code path as HR's Create tables page and the month-end job.
        results = month_tables_generate(month=month, cycles=list(cycles))
        if not results:
            raise CommandError(f"No active cycle covers {month:%Y-%m}.")
        for cycle, result in results:
            self.stdout.write(
                f"{cycle.name} {month:%Y-%m}: {result.tables_created} tables created, "
                f"{result.rows_created} rows, {result.items_carried} work items carried over."
            )
