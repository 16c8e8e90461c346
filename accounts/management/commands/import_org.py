from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.org_import import org_import, problems_as_text


class Command(BaseCommand):
    help = "Import people, departments, heads and reporting lines from a CSV or XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV (UTF-8) or XLSX file, one row per person")
        parser.add_argument(
            "--invite", action="store_true", help="e-mail an invitation to each new person"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        result = org_import(
            data=path.read_bytes(),
            filename=path.name,
            actor=None,
            invite=options["invite"],
            dry_run=options["dry_run"],
        )
        if not result.ok:
            self.stderr.write(problems_as_text(result.problems))
            raise CommandError(f"{len(result.problems)} problem(s) found; nothing was imported.")
        prefix = "Checked (nothing changed)" if result.dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}: {result.people_created} people created, "
                f"{result.people_updated} updated, {result.people_unchanged} unchanged; "
                f"{result.departments_created} departments created, "
                f"{result.departments_updated} updated."
            )
        )
        if result.reactivated_names:
            self.stdout.write(
                f"{len(result.reactivated_names)} re-activated (invited again): "
                + ", ".join(result.reactivated_names)
            )
        if result.deactivated_user_ids:
            self.stdout.write(f"{len(result.deactivated_user_ids)} deactivated.")
        if result.warnings:
            self.stdout.write(self.style.WARNING(f"{len(result.warnings)} warning(s):"))
            self.stdout.write(problems_as_text(result.warnings))
        for said in result.followed:
            self.stdout.write(f"Then: {said}.")
