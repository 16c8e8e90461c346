"""Measure the main pages and their floors on the benchmark database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coaching_bench \\
        .venv/bin/python bench/run.py [--requests 20]

Run bench/generate.py first. Each page is requested in-process with Django's
test client (DEBUG off) after two warm-up requests; the median and 95th
percentile of the server time and the number of SQL queries are reported, the page's
requests interleaved with its floor's. The
*floor* of a page is the same data fetched with the fewest queries and
rendered by a trivial template: page/floor says how far the page is from what
Django itself can do. Then the jobs on the same organisation: month-end generation of December for
everyone (its tables are deleted first, so each run measures a full
generation), its re-run, the reminder run (first and repeated), the weekly
digest and the XLSX and
CSV export of October (each in its own process, for its peak memory). The no-op
re-runs and the XLSX are printed against their targets (issue 21 §5): a re-run that
creates or sends nothing under 1 s, the XLSX of a 10,000-person month under 5 s.
``--jobs-only`` skips the pages. Prints tables and writes bench/results/pages.json and
bench/results/jobs.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.server import measure_in_process  # noqa: E402 - sets the environment

measure_in_process()


def timed(
    page: Callable[[], Any], floor: Callable[[], Any], repeat: int
) -> tuple[tuple[float, float, int], tuple[float, float, int]]:
    """(median ms, p95 ms, queries) of a page and of its floor, their requests interleaved.

    Each round times the page and its floor back to back (the order alternating from
    round to round), so a change in the machine's load during a run weighs on both
    alike and page/floor stays comparable when other work shares the cores.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        page()
        floor()
    samples: dict[int, list[float]] = {0: [], 1: []}
    queries = {0: 0, 1: 0}
    functions = (page, floor)
    for round_ in range(repeat):
        for which in (0, 1) if round_ % 2 == 0 else (1, 0):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                functions[which]()
                samples[which].append((time.perf_counter() - started) * 1000)
            queries[which] = len(captured.captured_queries)

    def summary(which: int) -> tuple[float, float, int]:
        ordered = sorted(samples[which])
        p95 = ordered[min(len(ordered) - 1, int(round(len(ordered) * 0.95)) - 1)]
        return statistics.median(ordered), p95, queries[which]

    return summary(0), summary(1)


# Issue 21 §5: seconds each may take at 10,000 people on the developers' machine.
JOB_TARGETS = {"generation re-run": 1.0, "reminders re-run": 1.0, "xlsx": 5.0}


def _against_target(name: str, seconds: float) -> str:
    target = JOB_TARGETS.get(name)
    if target is None:
        return ""
    return f"  target < {target:g} s: {'met' if seconds < target else 'MISSED'}"


def jobs() -> dict[str, Any]:
    """Generation, re-run, reminders and exports, each with its time and queries."""
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from accounts.models import Notification, SentReminder
    from bench.exports import measure
    from plans.selectors import current_cycle
    from reviews.jobs import reminders_run, weekly_digest_run
    from reviews.models import ReviewTable
    from reviews.services import review_tables_generate

    cycle = current_cycle()
    assert cycle is not None
    december = dt.date(2026, 12, 1)
    ReviewTable.objects.filter(month=december).delete()
    results: dict[str, Any] = {}

    def timed_once(name: str, work: Callable[[], Any]) -> Any:
        queries = 0

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            started = time.perf_counter()
            value = work()
            seconds = time.perf_counter() - started
        results[name] = {"seconds": round(seconds, 2), "queries": queries}
        if name in JOB_TARGETS:
            results[name]["target_seconds"] = JOB_TARGETS[name]
        print(f"{name:<28} {seconds:>7.2f} s {queries:>7} queries{_against_target(name, seconds)}")
        return value

    first = timed_once(
        "generation (all subjects)", lambda: review_tables_generate(cycle=cycle, month=december)
    )
    results["generation (all subjects)"]["tables_created"] = first.tables_created
    again = timed_once(
        "generation re-run", lambda: review_tables_generate(cycle=cycle, month=december)
    )
    results["generation re-run"]["tables_created"] = again.tables_created

    # Reminders as of today: the first run sends what is due, the re-run nothing.
    newest = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    SentReminder.objects.all().delete()
    now = timezone.now()
    run = timed_once("reminders", lambda: reminders_run(now=now, force=True))
    results["reminders"]["outcome"] = run.detail if run else ""
    rerun = timed_once("reminders re-run", lambda: reminders_run(now=now, force=True))
    results["reminders re-run"]["outcome"] = rerun.detail if rerun else ""
    digest = timed_once("weekly digest", lambda: weekly_digest_run(now=now, force=True))
    results["weekly digest"]["outcome"] = digest.detail if digest else ""
    Notification.objects.filter(pk__gt=newest).delete()

    results["exports (2026-10)"] = exports = measure("2026-10")
    print(
        f"{'xlsx (2026-10)':<28} {exports['xlsx']['seconds']:>7.2f} s"
        f"{_against_target('xlsx', exports['xlsx']['seconds'])}"
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--skip-jobs", action="store_true", help="measure the pages only")
    parser.add_argument("--jobs-only", action="store_true", help="measure the jobs only")
    parser.add_argument(
        "--only", default="", help="measure only the pages whose name contains this (any case)"
    )
    options = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from accounts.models import User
    from reviews.models import ReviewTable

    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    if options.jobs_only:
        (out / "jobs.json").write_text(json.dumps(jobs(), indent=2))
        return
    call_command("collectstatic", "--no-input", verbosity=0)  # as in production
    setup_test_environment()
    override_settings(ROOT_URLCONF="bench.urls").enable()
    lead = User.objects.get(email="bench-lead@bench.example")
    member = lead.direct_reports.order_by("pk").first()
    hr = User.objects.get(email="hr@bench.example")
    assert member is not None
    table = ReviewTable.objects.filter(employee=member).order_by("-month").first()
    assert table is not None
    from plans.models import AppraisalCycle

    calibrated = AppraisalCycle.objects.get(name="2025")  # bench/calibration.py

    def client_for(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def page(user: User, url: str) -> Callable[[], Any]:
        client = client_for(user)

        def request() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return request

    checks: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
        ("Team page (50 reports)", page(lead, "/team/"), page(lead, "/bench-floor/team/")),
        (
            "My objectives",
            page(member, "/objectives/"),
            page(member, "/bench-floor/my_objectives/"),
        ),
        (
            "Coaching overview",
            page(lead, "/coaching/overview/"),
            page(lead, "/bench-floor/overview/"),
        ),
        (
            "Timeline of a person",
            page(lead, f"/coaching/people/{member.pk}/timeline/"),
            page(lead, f"/bench-floor/timeline/{member.pk}/"),
        ),
        (
            "Review table page",
            page(lead, f"/reviews/{table.pk}/"),
            page(lead, f"/bench-floor/review_table/{table.pk}/"),
        ),
        (
            "To review",
            page(lead, "/reviews/to-review/?all=1"),
            page(lead, "/bench-floor/to_review/"),
        ),
        (
            "Review tables list (mine)",
            page(member, "/reviews/"),
            page(member, "/bench-floor/my_tables/"),
        ),
        (
            "HR dashboard",
            page(hr, "/reviews/dashboard/?month=2026-10"),
            page(hr, "/bench-floor/dashboard/?month=2026-10"),
        ),
        (
            "Calibration (whole cycle)",
            page(hr, f"/reviews/cycles/{calibrated.pk}/calibration/"),
            page(hr, f"/bench-floor/calibration/{calibrated.pk}/"),
        ),
    ]
    results = []
    line = "{:<28} {:>10} {:>8} {:>8} {:>9} {:>10}"
    print(line.format("page", "median ms", "p95 ms", "queries", "floor ms", "page/floor"))
    for name, run_page, run_floor in checks:
        if options.only.lower() not in name.lower():
            continue
        (median, p95, queries), (floor_median, _p95, _q) = timed(
            run_page, run_floor, options.requests
        )
        ratio = median / floor_median if floor_median else 0
        results.append(
            {
                "page": name,
                "median_ms": round(median, 1),
                "p95_ms": round(p95, 1),
                "queries": queries,
                "floor_ms": round(floor_median, 1),
                "ratio": round(ratio, 1),
            }
        )
        print(
            line.format(
                name, f"{median:.1f}", f"{p95:.1f}", queries, f"{floor_median:.1f}", f"{ratio:.1f}"
            )
        )
    (out / "pages.json").write_text(json.dumps(results, indent=2))
    if not options.skip_jobs:
        print()
        (out / "jobs.json").write_text(json.dumps(jobs(), indent=2))


if __name__ == "__main__":
    main()
