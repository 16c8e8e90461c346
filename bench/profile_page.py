"""Where one page's time goes: server time, SQL, Python, and the functions that cost most.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coaching_bench \\
        .venv/bin/python bench/profile_page.py URL --role employee|manager|hr \\
        [--user EMAIL] [--requests 20] [--top 25] [--sql 10]

Run bench/generate.py first. Signs the person in (the test client's force_login:
a session in the configured store, nothing else written), requests URL a few times
to warm up, then N times through Django's whole stack (DEBUG off, every middleware,
the real URLconf; the test environment's template instrumentation is NOT installed, so
rendering costs what it costs under gunicorn), timing each request and every SQL query
(connection.execute_wrapper). Then N more requests under cProfile. Prints: the status,
server ms (median), queries and SQL ms per request, Python ms outside SQL, the slowest
statements, and the top functions by cumulative and by own time, in ms per request.

URL may name {table} (the person's newest review table, or their first report's) and
{report} (their first direct report). Default people: employee = the first report of
bench-lead@bench.example, manager = bench-lead@bench.example, hr = hr@bench.example.
An unknown URL (the signed-in 404) is fine: every status is reported, none refused.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import pstats
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# bench/server.py sets the server's environment (DEBUG off, settings, key).
from bench.server import ensure_static, measure_in_process  # noqa: E402

measure_in_process()

LEAD = "bench-lead@bench.example"
HR = "hr@bench.example"


class SqlClock:
    """An execute_wrapper: counts statements and sums their time (ms) by statement text."""

    def __init__(self) -> None:
        self.count = 0
        self.ms = 0.0
        self.by_sql: dict[str, list[float]] = defaultdict(list)

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            self.count += 1
            self.ms += elapsed
            self.by_sql[sql].append(elapsed)


def person(role: str, email: str | None) -> Any:
    """The user to sign in as (see the module's docstring for the defaults)."""
    from accounts.models import User

    if email:
        return User.objects.get(email=email)
    if role == "manager":
        return User.objects.get(email=LEAD)
    if role == "hr":
        return User.objects.get(email=HR)
    member = User.objects.get(email=LEAD).direct_reports.order_by("pk").first()
    assert member is not None
    return member


def expand(url: str, user: Any) -> str:
    """Fill {table} and {report} in URL for this person."""
    from reviews.models import ReviewTable

    report = user.direct_reports.order_by("pk").first()
    subject = user if ReviewTable.objects.filter(employee=user).exists() else report
    table = ReviewTable.objects.filter(employee=subject).order_by("-month").first()
    return url.format(
        table=table.pk if table else 0,
        report=report.pk if report else 0,
    )


def location(key: tuple[str, int, str]) -> str:
    """A profile entry's place, with the virtualenv's and the project's prefixes cut."""
    file, line, function = key
    for prefix in ("site-packages/", str(ROOT) + "/"):
        if prefix in file:
            file = file.split(prefix, 1)[1]
    return f"{file}:{line}({function})" if line else function


def print_top(
    stats: pstats.Stats, requests: int, column: int, top: int, title: str, ours: bool = False
) -> None:
    """The `top` functions by column 2 (own time) or 3 (cumulative), in ms per request.

    With `ours`, only the project's functions (files under the project, not the venv).
    """
    items = stats.stats.items()  # type: ignore[attr-defined]
    if ours:
        items = [(k, v) for k, v in items if k[0].startswith(str(ROOT)) and ".venv" not in k[0]]
    rows = sorted(items, key=lambda item: item[1][column], reverse=True)
    print(f"\nTop {top} by {title} (ms per request)")
    print(f"{'calls':>8} {'own ms':>8} {'cum ms':>8}  function")
    for key, (_primitive, calls, own, cumulative, _callers) in rows[:top]:
        print(
            f"{calls / requests:>8.0f} {own * 1000 / requests:>8.2f} "
            f"{cumulative * 1000 / requests:>8.2f}  {location(key)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--role", choices=["employee", "manager", "hr"], default="employee")
    parser.add_argument("--user", help="e-mail of the person to sign in as")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--warm-up", type=int, default=3)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sql", type=int, default=8, help="slowest statements to print")
    options = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    logging.getLogger("django.request").setLevel(logging.ERROR)  # a 404 per request
    ensure_static()
    user = person(options.role, options.user)
    url = expand(options.url, user)
    client = Client()
    client.force_login(user)
    status = 0
    for _ in range(options.warm_up):
        status = client.get(url).status_code

    clock = SqlClock()
    samples = []
    with connection.execute_wrapper(clock):
        for _ in range(options.requests):
            started = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(options.requests):
        client.get(url)
    profile.disable()
    connection.close()  # other sessions copy the benchmark database as a template

    n = options.requests
    median = statistics.median(samples)
    print(f"{url} as {user.email} ({options.role}): status {status}, {n} requests")
    print(
        f"server {median:.1f} ms median (min {min(samples):.1f}), "
        f"{clock.count / n:.0f} queries, SQL {clock.ms / n:.1f} ms, "
        f"Python outside SQL {(sum(samples) - clock.ms) / n:.1f} ms (means)"
    )
    if options.sql:
        print("\nSlowest statements (ms per request, calls per request)")
        slowest = sorted(clock.by_sql.items(), key=lambda item: sum(item[1]), reverse=True)
        for sql, times in slowest[: options.sql]:
            text = " ".join(sql.split())
            print(f"{sum(times) / n:>8.2f} {len(times) / n:>4.0f}x  {text[:220]}")
    stats = pstats.Stats(profile)
    print_top(stats, n, 3, options.top, "cumulative time")
    print_top(stats, n, 2, options.top, "own time")
    print_top(stats, n, 3, options.top, "cumulative time, the project's code only", ours=True)


if __name__ == "__main__":
    main()
