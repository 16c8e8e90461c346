"""Load test: 50 people at once against gunicorn on loopback, for 60 seconds.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coaching_bench \\
        .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--workers 4]

Run bench/generate.py first. Starts gunicorn (DEBUG off) on 127.0.0.1, signs in
employees, managers and HR (sessions made here, so that password hashing does
not dominate), runs the scenario of bench/locustfile.py with Locust headless,
stops both, prints requests/s, failures and response times, and writes
bench/results/load.json. Locust shares the machine's two cores with the server.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.server import make_sessions, start_gunicorn, wait_for, warm_up  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    options = parser.parse_args()

    work = ROOT / "var" / "bench-load"
    work.mkdir(parents=True, exist_ok=True)
    sessions = work / "sessions.json"
    pool = make_sessions(sessions)
    bin_dir = Path(sys.executable).parent
    host = f"http://127.0.0.1:{options.port}"
    server = start_gunicorn("config.wsgi", options.port, options.workers)
    try:
        wait_for(host + "/accounts/login/")
        warm_up(host, pool, options.workers)
        subprocess.run(
            [
                str(bin_dir / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(options.users),
                "--spawn-rate",
                str(options.users),
                "--run-time",
                f"{options.seconds}s",
                "--host",
                host,
                "--csv",
                str(work / "locust"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**os.environ, "LOAD_SESSIONS": str(sessions)},
            check=False,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    with (work / "locust_stats.csv").open(encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    results = [
        {
            "name": row["Name"],
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "requests_per_s": round(float(row["Requests/s"]), 1),
            "median_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
        }
        for row in rows
    ]
    line = "{:<22} {:>9} {:>9} {:>10} {:>10} {:>8}"
    print(line.format("page", "requests", "failures", "requests/s", "median ms", "p95 ms"))
    for row in results:
        print(
            line.format(
                row["name"],
                row["requests"],
                row["failures"],
                row["requests_per_s"],
                row["median_ms"],
                row["p95_ms"],
            )
        )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    summary = {
        "users": options.users,
        "seconds": options.seconds,
        "gunicorn_workers": options.workers,
        "pages": results,
    }
    (out / "load.json").write_text(json.dumps(summary, indent=2))
    total = results[-1]
    if total["failures"]:
        raise SystemExit(f"{total['failures']} requests failed")


if __name__ == "__main__":
    main()
