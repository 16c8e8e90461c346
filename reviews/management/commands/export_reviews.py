from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from accounts.models import Department
from reviews.exports import ExportFilter, csv_lines, export_tables, write_xlsx
from reviews.management.commands.generate_reviews import parse_month
from reviews.models import ReviewTable
from reviews.result_selectors import export_results


class Command(BaseCommand):
    help = (
        "Export review tables (every table: run by an administrator) to a file, its headers "
        "and states in --language, its times in the organisation's time zone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--to-month", help="YYYY-MM, for a range")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--status", choices=[s.value for s in ReviewTable.Status], default="")
        parser.add_argument(
            "--department", help="A department's name: its tables and those below it."
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="Language of the headers and states.",
        )
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            required=True,
            help="A file, or a folder to write review-tables_<period>_<filter>.<format> in.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start = parse_month(options["month"])
        end = parse_month(options["to_month"]) if options["to_month"] else start
        if end < start:
            raise CommandError("--to-month comes before --month")
        department_id = None
        if options["department"]:
            department = Department.objects.filter(name=options["department"]).first()
            if department is None:
                raise CommandError(f"No department is named {options['department']!r}.")
            department_id = department.pk
        spec = ExportFilter(
            month_from=start, month_to=end, status=options["status"], department_id=department_id
        )
        with translation.override(options["language"]):
            self._write(spec, options["format"], options["output"])

    def _write(self, spec: ExportFilter, file_format: str, output: Path) -> None:
        if output.is_dir():
            output = output / spec.file_name(file_format)
        tables = export_tables(None, spec)
        if file_format == "csv":
            with output.open("w", encoding="utf-8", newline="") as handle:
                for chunk in csv_lines(tables):
                    handle.write(chunk)
            self.stdout.write(f"Wrote {output}.")
            return
        results = export_results(
            None,
            cycle_id=None,
            month_from=spec.month_from,
            month_to=spec.month_to,
            department_id=spec.department_id,
        )
        rows = write_xlsx(tables, str(output), results=results)
        self.stdout.write(f"Wrote {rows} rows to {output}.")
