"""Benchmark: assigning a set of 5 objective templates to 1,000 people (issue 17 §1:
under 5 s), and assigning it again (nothing is created twice).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coaching_bench \\
        .venv/bin/python bench/templates_assign.py --people 1000

It creates (or empties) the database named in DATABASE_URL, fills it with PEOPLE
employees in one department, each with one objective of weight 10 in an active
12-month cycle, and an HR person; then times, through the whole Django stack (test
client, signed in as HR), the preview of assigning the set to the department, the
assignment itself (objectives, monthly targets, history, stored progress), and the
same assignment again. Prints a table and writes bench/results/templates_assign.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
os.environ.setdefault("ALLOWED_HOSTS", "localhost,testserver,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    options = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from bench.month_end import _ensure_database

    if connection.vendor != "postgresql":
        raise SystemExit("Run the benchmark on PostgreSQL: set DATABASE_URL.")
    _ensure_database(settings.DATABASES["default"])
    call_command("flush", "--no-input", verbosity=0)
    call_command("migrate", "--no-input", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)  # as in production

    from django.contrib.auth.models import Group

    from accounts.models import HR_GROUP_NAME, Department, User
    from plans.models import (
        AppraisalCycle,
        Objective,
        ObjectiveChange,
        ObjectiveTemplate,
        PhaseTarget,
        TemplateSet,
    )
    from plans.services import cycle_nodes

    started = time.perf_counter()
    department = Department.objects.create(name="Field sales")
    boss = User.objects.create(email="boss@bench.example", full_name="Boss", department=department)
    hr = User.objects.create(email="hr@bench.example", full_name="HR", password="!")  # noqa: S106
    hr.groups.add(Group.objects.get_or_create(name=HR_GROUP_NAME)[0])
    people = User.objects.bulk_create(
        [
            User(
                email=f"p{i}@bench.example",
                full_name=f"Person {i}",
                department=department,
                manager=boss,
                job_title="Sales representative",
                password="!",  # noqa: S106 - unusable
            )
            for i in range(options.people)
        ],
        batch_size=5000,
    )
    today = timezone.localdate()
    start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    cycle = AppraisalCycle.objects.create(
        name="Bench",
        start_date=start,
        end_date=end,
        state=AppraisalCycle.State.ACTIVE,
        time_nodes=cycle_nodes(start_date=start, end_date=end, frequency="monthly"),
    )
    Objective.objects.bulk_create(
        [
            Objective(cycle=cycle, employee=p, title="Own", weight=10, target=12, unit="u")
            for p in people
        ],
        batch_size=5000,
    )
    template_set = TemplateSet.objects.create(name="Sales representative", created_by=hr)
    for index, pattern in enumerate(["even", "back_loaded", "curve", "even", "back_loaded"]):
        ObjectiveTemplate.objects.create(
            template_set=template_set,
            title=f"Template {index + 1}",
            unit="k€",
            target=Decimal(120),
            default_weight=15,
            pattern=pattern,
            curve=[5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100] if pattern == "curve" else [],
        )
    fill_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum soon would after a bulk load (README)

    client = Client()
    client.force_login(hr)
    url = reverse("plans:template_assign")
    form = {
        "template_set": template_set.pk,
        "cycle": cycle.pk,
        "target": "department",
        "department": department.pk,
        "include_below": "on",
    }

    def timed_post(data: dict[str, object]) -> tuple[float, int, str]:
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.post(url, data)
            seconds = time.perf_counter() - began
        if response.status_code not in (200, 302):
            raise SystemExit(f"HTTP {response.status_code}")
        body = response.content.decode() if response.status_code == 200 else ""
        return seconds, len(captured.captured_queries), body

    preview_seconds, preview_queries, page = timed_post({**form, "action": "preview"})
    seen = re.search(r'name="seen" value="([0-9a-f]+)"', page)
    if seen is None:
        raise SystemExit("The preview page has no confirmation form.")
    assign_seconds, assign_queries, _body = timed_post(
        {**form, "action": "assign", "seen": seen.group(1)}
    )
    created = Objective.objects.filter(template__isnull=False).count()
    _seconds, _queries, page = timed_post({**form, "action": "preview"})
    again_seen = re.search(r'name="seen" value="([0-9a-f]+)"', page)
    assert again_seen is not None  # noqa: S101
    again_seconds, again_queries, _body = timed_post(
        {**form, "action": "assign", "seen": again_seen.group(1)}
    )
    result = {
        "people": options.people,
        "templates": 5,
        "fill_seconds": round(fill_seconds, 1),
        "preview_seconds": round(preview_seconds, 2),
        "preview_queries": preview_queries,
        "assign_seconds": round(assign_seconds, 2),
        "assign_queries": assign_queries,
        "objectives_created": created,
        "targets_created": PhaseTarget.objects.filter(objective__template__isnull=False).count(),
        "history_created": ObjectiveChange.objects.count(),
        "again_seconds": round(again_seconds, 2),
        "again_queries": again_queries,
        "objectives_after_again": Objective.objects.filter(template__isnull=False).count(),
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "templates_assign.json").write_text(json.dumps(result, indent=2))
    for key, value in result.items():
        print(f"{key:<24} {value}")


if __name__ == "__main__":
    main()
