"""Capacity: how many requests a second 2 gunicorn workers serve, flat out, and the floors.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coaching_bench \\
        .venv/bin/python bench/capacity.py [--label before] [--seconds 15]

Run bench/generate.py first (either size). Starts gunicorn with 2 sync workers
(`DEBUG=false`) on the benchmark database and, on the same settings and another
port, a bare WSGI app answering "ok" (bench/bare_wsgi.py). Sessions are made
beforehand (bench/server.py), every worker is warmed up, then wrk (2 threads, 8
connections, no think time, 15 s each) drives, one after the other: the bare app,
a signed-in 404 (an unknown URL with an employee's session: every middleware and
the base template), the employee, manager and HR pages, the mix of the three
weighted 6:3:1, and that mix again on a third server with the page cache off
(`PAGE_CACHE=false`, "computed": what each page costs the first time it is seen).
Each request carries the session and CSRF cookies a browser has after its first
page. bench/wrk/rotate.lua rotates through (path, cookies) pairs and counts every
other status than the expected one (a redirect to the login form included) as an
error. Prints req/s, p50, p95, errors and the ratio to the bare floor, then
the CPU ms per request used by the workers and their database backends (bench/cpu.py:
steadier than req/s when the machine is busy), the issue-21 targets with PASS/FAIL and
the load average at start and end; writes
bench/results/capacity-<label>.json. Ratios measured in the same run are the figures
to compare between runs on a machine that is not quiet.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.cpu import CpuMeter  # noqa: E402
from bench.server import (  # noqa: E402
    ensure_static,
    make_sessions,
    start_gunicorn,
    wait_for,
    warm_up,
)

# Each role's pages (bench/locustfile.py's URLs); {table} is the employee's newest table.
PAGES = {
    "employee": ["/", "/objectives/", "/reviews/", "/reviews/{table}/", "/accounts/notifications/"],
    "manager": [
        "/",
        "/team/",
        "/coaching/overview/",
        "/reviews/to-review/?all=1",
        "/reviews/dashboard/",
    ],
    "hr": [
        "/",
        "/reviews/dashboard/?month=2026-10",
        "/reviews/to-review/",
        "/cycles/",
        "/reviews/all/",
    ],
}
MIX_WEIGHTS = {"employee": 6, "manager": 3, "hr": 1}
NOT_FOUND_PATH = "/bench-capacity/no-such-page/"
# "computed": the mix again on a server with the page cache off (PAGE_CACHE=false), so
# that every page is computed: what the first visit of each page costs.
RUNS = ["bare", "404", "employee", "manager", "hr", "mix", "computed"]


def role_requests(pool: dict[str, list[dict[str, Any]]], role: str) -> list[tuple[str, str]]:
    """(path, Cookie header) pairs: each person of the role visits each of its pages in turn."""
    people = pool[role]
    if not people:
        raise SystemExit(f"no {role} in the benchmark database: run bench/generate.py")
    pages = PAGES[role]
    pairs = []
    for n in range(len(people) * len(pages)):
        person = people[n // len(pages)]
        pairs.append((pages[n % len(pages)].format(**person), str(person["cookie"])))
    return pairs


def mix_requests(by_role: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """The three roles interleaved by MIX_WEIGHTS: blocks of 6 employee, 3 manager, 1 HR."""
    taken = dict.fromkeys(by_role, 0)
    pairs = []
    for _block in range(600):
        for role, weight in MIX_WEIGHTS.items():
            for _ in range(weight):
                pairs.append(by_role[role][taken[role] % len(by_role[role])])
                taken[role] += 1
    return pairs


def write_pairs(path: Path, pairs: list[tuple[str, str]]) -> Path:
    """One "path<TAB>Cookie header" line per request, as bench/wrk/rotate.lua reads them."""
    path.write_text("".join(f"{url}\t{session}\n" for url, session in pairs))
    return path


def wrk(
    host: str, pairs: Path, status: int, seconds: int, options: argparse.Namespace
) -> dict[str, Any]:
    """Run wrk with bench/wrk/rotate.lua; its done() line as a dict (rps, p50_ms, errors...)."""
    command = [
        str(options.wrk),
        f"-t{options.threads}",
        f"-c{options.connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "wrk" / "rotate.lua"),
        host,
        "--",
        str(pairs),
        str(status),
    ]
    finished = subprocess.run(command, capture_output=True, text=True, check=True)
    lines = [line for line in finished.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"wrk printed no result:\n{finished.stdout}\n{finished.stderr}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def organisation_size() -> int:
    """People in the benchmark database (the target depends on it); closes the connection."""
    from django.db import connection

    from accounts.models import User

    people = User.objects.count()
    connection.close()  # other sessions copy this database as a template
    return people


def targets(results: dict[str, dict[str, Any]], people: int) -> list[tuple[str, str, bool]]:
    """Issue 21's targets as (what, measured, met)."""
    mix, bare, not_found = results["mix"], results["bare"], results["404"]
    wanted = 150 if people < 1000 else 120
    errors = sum(row["errors"] for row in results.values())
    return [
        (f"mix >= {wanted} req/s", f"{mix['rps']:.1f}", mix["rps"] >= wanted),
        ("mix p95 < 200 ms", f"{mix['p95_ms']:.0f} ms", mix["p95_ms"] < 200),
        ("0 errors (every run)", str(errors), errors == 0),
        ("mix >= 4% of bare", f"{mix['ratio_pct']:.1f}%", mix["ratio_pct"] >= 4),
        ("404 >= 12% of bare", f"{not_found['ratio_pct']:.1f}%", not_found["ratio_pct"] >= 12),
        ("bare floor", f"{bare['rps']:.0f} req/s", True),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", default="latest", help="names bench/results/capacity-*.json")
    parser.add_argument("--seconds", type=int, default=15, help="per run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8766, help="the product; bare on port + 1")
    parser.add_argument("--only", nargs="*", choices=RUNS, help="measure these runs only")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    options = parser.parse_args()
    options.wrk = shutil.which("wrk")
    if not options.wrk:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench-capacity does it)")

    work = ROOT / "var" / "bench-capacity"
    work.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.core.cache import cache

    cache.clear()  # the bench's own Redis database: every page starts unseen
    pool = make_sessions(work / "sessions.json")

    ensure_static()
    people = organisation_size()
    from django.conf import settings

    database_port = int(settings.DATABASES["default"].get("PORT") or 5432)
    by_role = {role: role_requests(pool, role) for role in PAGES}
    files = {
        "bare": write_pairs(work / "bare.txt", [("/", "")]),
        "404": write_pairs(
            work / "404.txt", [(NOT_FOUND_PATH, person["cookie"]) for person in pool["employee"]]
        ),
        **{role: write_pairs(work / f"{role}.txt", pairs) for role, pairs in by_role.items()},
        "mix": write_pairs(work / "mix.txt", mix_requests(by_role)),
    }
    files["computed"] = files["mix"]
    host = f"http://127.0.0.1:{options.port}"
    bare_host = f"http://127.0.0.1:{options.port + 1}"
    load_start = os.getloadavg()
    started = dt.datetime.now(dt.UTC)
    log = work / "gunicorn.log"  # the product logs a warning for each 404
    log.write_text("")
    product = start_gunicorn("config.wsgi", options.port, options.workers, log)
    bare = start_gunicorn("bench.bare_wsgi:application", options.port + 1, options.workers, log)
    computed_host = f"http://127.0.0.1:{options.port + 2}"
    computed = start_gunicorn(
        "config.wsgi", options.port + 2, options.workers, log, {"PAGE_CACHE": "false"}
    )
    hosts = {"bare": bare_host, "computed": computed_host}
    results: dict[str, dict[str, Any]] = {}
    try:
        wait_for(host + "/accounts/login/")
        wait_for(bare_host + "/")
        wait_for(computed_host + "/accounts/login/")
        first = {role: [p.format(**pool[role][0]) for p in pages] for role, pages in PAGES.items()}
        for address in (host, computed_host):
            warm_up(address, pool, options.workers, first)
            wrk(address, files["mix"], 200, 3, options)  # every worker, every page, warm
        meter = CpuMeter([product.pid, bare.pid, computed.pid], database_port)
        meter.start()
        meter.wait_idle()
        for run in options.only or RUNS:
            print(f"  {run} ...", end="", flush=True, file=sys.stderr)
            before = meter.totals()
            results[run] = wrk(
                hosts.get(run, host),
                files[run],
                404 if run == "404" else 200,
                options.seconds,
                options,
            )
            after = meter.totals()
            meter.wait_idle()  # each run starts with nothing left over from the last
            for kind in ("app", "db"):
                used = (after[kind] - before[kind]) * 1000
                results[run][f"{kind}_cpu_ms"] = round(used / max(results[run]["requests"], 1), 2)
            print(f" {results[run]['rps']:.1f} req/s", file=sys.stderr)
        meter.stop()
    finally:
        for server in (product, bare, computed):
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    load_end = os.getloadavg()

    bare_rps = results.get("bare", {}).get("rps", 0.0)
    for row in results.values():
        row["ratio_pct"] = round(100 * row["rps"] / bare_rps, 2) if bare_rps else 0.0
    line = "{:<10} {:>9} {:>8} {:>8} {:>8} {:>10} {:>8} {:>8}"
    print(
        f"\n{people:,} people, {options.workers} gunicorn workers, wrk "
        f"-t{options.threads} -c{options.connections} -d{options.seconds}s"
    )
    header = ("mix", "req/s", "p50 ms", "p95 ms", "errors", "% of bare", "app CPU", "db CPU")
    print(line.format(*header))
    for run, row in results.items():
        print(
            line.format(
                run,
                f"{row['rps']:.1f}",
                f"{row['p50_ms']:.1f}",
                f"{row['p95_ms']:.1f}",
                row["errors"],
                f"{row['ratio_pct']:.1f}",
                f"{row['app_cpu_ms']:.2f}",
                f"{row['db_cpu_ms']:.2f}",
            )
        )
    checks = targets(results, people) if set(RUNS) <= set(results) else []
    if checks:
        print()
        for what, measured, met in checks:
            print(f"{what:<24} {measured:>12}  {'PASS' if met else 'FAIL'}")
    print("(app CPU, db CPU: CPU ms per request in gunicorn's workers, in their backends)")
    print(
        "\nload average at start {:.2f} {:.2f} {:.2f}, at end {:.2f} {:.2f} {:.2f}".format(
            *load_start, *load_end
        )
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    summary = {
        "label": options.label,
        "started": started.isoformat(timespec="seconds"),
        "commit": commit,
        "people": people,
        "gunicorn_workers": options.workers,
        "wrk": {
            "threads": options.threads,
            "connections": options.connections,
            "seconds": options.seconds,
        },
        "pages": PAGES,
        "mix_weights": MIX_WEIGHTS,
        "load_average": {"start": load_start, "end": load_end},
        "results": results,
        "targets": [{"what": w, "measured": m, "met": ok} for w, m, ok in checks],
    }
    (out / f"capacity-{options.label}.json").write_text(json.dumps(summary, indent=2))
    if options.strict and not all(met for _w, _m, met in checks):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
