from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reviews.exports import ExportFilter, csv_lines, export_tables, write_xlsx
from reviews.management.commands.generate_reviews import parse_month
from reviews.models import ReviewTable
from reviews.result_selectors import export_results


class Command(BaseCommand):
    help = "Export a month's review tables (every table: run by an administrator) to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--to-month", help="YYYY-MM, for a range")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--status", choices=[s.value for s in ReviewTable.Status], default="")
        parser.add_argument("-o", "--output", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        start = parse_month(options["month"])
        end = parse_month(options["to_month"]) if options["to_month"] else start
        if end < start:
            raise CommandError("--to-month comes before --month")
        tables = export_tables(
            None, ExportFilter(month_from=start, month_to=end, status=options["status"])
        )
        output: Path = options["output"]
        if options["format"] == "csv":
            with output.open("w", encoding="utf-8", newline="") as handle:
                for chunk in csv_lines(tables):
                    handle.write(chunk)
            self.stdout.write(f"Wrote {output}.")
        else:
            results = export_results(
                None, cycle_id=None, month_from=start, month_to=end, department_id=None
            )
            rows = write_xlsx(tables, str(output), results=results)
            self.stdout.write(f"Wrote {rows} rows to {output}.")
