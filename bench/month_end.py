"""Benchmark: month-end generation for a large organisation, and its re-run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coaching_bench \\
        .venv/bin/python bench/month_end.py --people 10000

It creates (or empties) the database named in DATABASE_URL, fills it with
PEOPLE employees with four objectives each and monthly targets, then times
the generation of one month's review tables and a re-run. Prints a table and
writes bench/results/month_end.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
os.environ.setdefault("ALLOWED_HOSTS", "localhost")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    options = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("Run the benchmark on PostgreSQL: set DATABASE_URL.")
    _ensure_database(settings.DATABASES["default"])
    call_command("flush", "--no-input", verbosity=0)
    call_command("migrate", "--no-input", verbosity=0)

    from accounts.models import Department, User
    from plans.models import AppraisalCycle, CheckIn, Objective, PhaseTarget
    from plans.services import cycle_nodes
    from reviews.models import ReviewRow, ReviewTable
    from reviews.services import review_tables_generate

    started = time.perf_counter()
    department = Department.objects.create(name="Everyone")
    boss = User.objects.create(email="boss@bench.example", full_name="Boss", department=department)
    people = User.objects.bulk_create(
        [
            User(
                email=f"p{i}@bench.example",
                full_name=f"Person {i}",
                department=department,
                manager=boss,
                password="!",  # noqa: S106 - unusable
            )
            for i in range(options.people)
        ],
        batch_size=5000,
    )
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    cycle = AppraisalCycle.objects.create(
        name="Bench",
        start_date=start,
        end_date=end,
        state=AppraisalCycle.State.ACTIVE,
        time_nodes=cycle_nodes(start_date=start, end_date=end, frequency="monthly"),
    )
    objectives = Objective.objects.bulk_create(
        [
            Objective(
                cycle=cycle, employee=p, title=f"Objective {k}", weight=25, target=120, unit="u"
            )
            for p in people
            for k in range(4)
        ],
        batch_size=5000,
    )
    nodes = cycle.nodes
    PhaseTarget.objects.bulk_create(
        [
            PhaseTarget(objective=o, month=m, planned=Decimal(10 * (i + 1)))
            for o in objectives
            for i, m in enumerate(nodes)
        ],
        batch_size=10000,
    )
    CheckIn.objects.bulk_create(
        [
            CheckIn(
                objective=o,
                value=Decimal(25),
                confidence=3,
                recorded_on=dt.date(2026, 3, 20),
                author=boss,
            )
            for o in objectives
        ],
        batch_size=10000,
    )
    fill_seconds = time.perf_counter() - started

    month = dt.date(2026, 3, 1)
    connection.queries_log.clear()
    started = time.perf_counter()
    first = review_tables_generate(cycle=cycle, month=month)
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = review_tables_generate(cycle=cycle, month=month)
    again_seconds = time.perf_counter() - started

    result = {
        "people": options.people,
        "objectives": len(objectives),
        "fill_seconds": round(fill_seconds, 1),
        "generation_seconds": round(first_seconds, 2),
        "tables_created": first.tables_created,
        "rows_created": first.rows_created,
        "rerun_seconds": round(again_seconds, 2),
        "rerun_tables_created": again.tables_created,
        "tables_in_db": ReviewTable.objects.filter(month=month).count(),
        "rows_in_db": ReviewRow.objects.filter(table__month=month).count(),
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "month_end.json").write_text(json.dumps(result, indent=2))
    for key, value in result.items():
        print(f"{key:<22} {value}")


def _ensure_database(config: Any) -> None:
    """Create the benchmark database if it does not exist yet."""
    import psycopg2

    name = str(config["NAME"])
    admin = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or "postgres",
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
        password=config.get("PASSWORD") or None,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


if __name__ == "__main__":
    main()
