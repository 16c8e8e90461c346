"""Measure the organisation-wide pages as the people at the top of the chain.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coaching_bench \\
        .venv/bin/python bench/orgwide.py [--requests 10] [--profile "Team (CEO, all)"]

bench/run.py measures each page as a lead with 50 reports; this measures the pages
whose size grows with the organisation, as the CEO (everyone below), a division head
and HR, so that the figures at 200 and at 10,000 people can be compared (issue 21 §3).
Each page, asked again (the page cache off, the kept numbers, lists and chains of
``accounts.table_memo`` on, as in production): median and 95th percentile of the
server time, the number of queries, the number of them that walk the reporting chain
(``WITH RECURSIVE`` from a manager) and the milliseconds spent in SQL; then the median
and queries of the same page computed whole (``TABLE_MEMO`` off), as on a first visit
or the first after a change to a table it reads. ``--profile NAME`` prints the cProfile
of one request of that page (cumulative, top 30) and its slowest queries.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.server import measure_in_process  # noqa: E402 - sets the environment

measure_in_process(table_memo=True)


class QueryLog:
    """Counts the queries of a request, their time and the walks of the chain."""

    def __init__(self) -> None:
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - started) * 1000, sql))

    @property
    def walks(self) -> int:
        return sum(sql.count("WITH RECURSIVE chain(id, depth)") for _ms, sql in self.queries)

    @property
    def sql_ms(self) -> float:
        return sum(ms for ms, _sql in self.queries)


def pages() -> list[tuple[str, Any, str]]:
    """(name, user, url) of each organisation-wide page."""
    from accounts.models import Department, User
    from plans.models import AppraisalCycle

    ceo = User.objects.get(email="ceo@bench.example")
    hr = User.objects.get(email="hr@bench.example")
    division = (
        Department.objects.filter(parent__parent__isnull=True, parent__isnull=False)
        .exclude(head__isnull=True)
        .order_by("pk")
        .first()
    )
    head = division.head if division else ceo
    calibrated = AppraisalCycle.objects.get(name="2025")
    return [
        ("Dashboard (CEO)", ceo, "/reviews/dashboard/?month=2026-10"),
        ("Dashboard (division head)", head, "/reviews/dashboard/?month=2026-10"),
        ("Dashboard (HR)", hr, "/reviews/dashboard/?month=2026-10"),
        ("To review (CEO, all)", ceo, "/reviews/to-review/?all=1"),
        ("Coaching overview (CEO, all)", ceo, "/coaching/overview/?indirect=1"),
        ("Team (CEO, all)", ceo, "/team/?indirect=1"),
        ("Team (division head, all)", head, "/team/?indirect=1"),
        ("All review tables (HR)", hr, "/reviews/all/"),
        ("Calibration (HR)", hr, f"/reviews/cycles/{calibrated.pk}/calibration/"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--profile", action="append", default=[], help="a page name")
    parser.add_argument("--only", default="", help="measure the pages whose name has this")
    options = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    call_command("collectstatic", "--no-input", verbosity=0)  # as in production
    setup_test_environment()
    override_settings(ROOT_URLCONF="bench.urls").enable()
    results = []
    line = "{:<32} {:>9} {:>8} {:>7} {:>6} {:>7} {:>13} {:>8}"
    print(
        line.format(
            "page", "median ms", "p95 ms", "queries", "walks", "sql ms", "computed ms", "queries"
        )
    )
    for name, user, url in pages():
        if options.only and options.only not in name:
            continue
        client = Client()
        client.force_login(user)

        def request(client: Client = client, url: str = url) -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        for _ in range(2):
            request()
        median, p95, log = _measure(request, connection, options.requests)
        # The same page with nothing kept (TABLE_MEMO off): what its first visit, or the
        # first after a change to a table it reads, costs.
        with override_settings(TABLE_MEMO=False):
            request()
            computed, _p95, computed_log = _measure(request, connection, options.requests)
        results.append(
            {
                "page": name,
                "median_ms": round(median, 1),
                "p95_ms": round(p95, 1),
                "queries": len(log.queries),
                "walks": log.walks,
                "sql_ms": round(log.sql_ms, 1),
                "computed_median_ms": round(computed, 1),
                "computed_queries": len(computed_log.queries),
                "computed_walks": computed_log.walks,
            }
        )
        print(
            line.format(
                name,
                f"{median:.1f}",
                f"{p95:.1f}",
                len(log.queries),
                log.walks,
                f"{log.sql_ms:.1f}",
                f"{computed:.1f}",
                len(computed_log.queries),
            )
        )
        if name in options.profile:
            _profile(request, connection)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "orgwide.json").write_text(json.dumps(results, indent=2))


def _measure(
    request: Callable[[], None], connection: Any, requests: int
) -> tuple[float, float, QueryLog]:
    """(median ms, p95 ms, the last request's queries) of ``requests`` requests."""
    samples: list[float] = []
    log = QueryLog()
    for _ in range(requests):
        log = QueryLog()
        with connection.execute_wrapper(log):
            started = time.perf_counter()
            request()
            samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(len(samples) * 0.95)) - 1)]
    return statistics.median(samples), p95, log


def _profile(request: Callable[[], None], connection: Any) -> None:
    log = QueryLog()
    profiler = cProfile.Profile()
    with connection.execute_wrapper(log):
        profiler.enable()
        request()
        profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(30)
    print(stream.getvalue())
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(20)
    print(stream.getvalue())
    for ms, sql in sorted(log.queries, reverse=True)[:6]:
        print(f"  {ms:8.1f} ms  {sql[:400]}")
    print()


if __name__ == "__main__":
    main()
