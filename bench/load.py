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
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "false",
    "SECRET_KEY": "bench-" + "x" * 60,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
}
for key, value in SERVER_ENV.items():
    os.environ.setdefault(key, value)


def _sessions(out: Path, people: int = 60) -> None:
    """Signed-in sessions for employees (with a review table), managers and HR."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import HR_GROUP_NAME, User
    from reviews.models import ReviewTable

    def session_for(user: User) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        assert store.session_key is not None
        return store.session_key

    employees = []
    for table in (
        ReviewTable.objects.filter(employee__isnull=False)
        .select_related("employee")
        .order_by("employee_id", "-month")
        .distinct("employee_id")[:people]
    ):
        assert table.employee is not None
        employees.append({"session": session_for(table.employee), "table": table.pk})
    managers = []
    for manager in User.objects.filter(direct_reports__isnull=False).distinct()[: people // 3]:
        reports = list(manager.direct_reports.values_list("pk", flat=True)[:20])
        managers.append({"session": session_for(manager), "reports": reports})
    hr = [{"session": session_for(u)} for u in User.objects.filter(groups__name=HR_GROUP_NAME)]
    out.write_text(json.dumps({"employee": employees, "manager": managers, "hr": hr}))


def _wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {url}")


def _warm_up(host: str, sessions: Path, workers: int) -> None:
    """Each worker compiles its templates once before the clock starts."""
    pool = json.loads(sessions.read_text())
    pages = {
        "employee": ["/", "/objectives/", "/reviews/", "/accounts/notifications/"],
        "manager": ["/team/", "/coaching/overview/", "/reviews/to-review/", "/reviews/dashboard/"],
        "hr": ["/reviews/dashboard/", "/reviews/export/", "/accounts/org/", "/reviews/jobs/"],
    }
    for _ in range(workers * 2):
        for role, urls in pages.items():
            for url in urls:
                request = urllib.request.Request(  # noqa: S310 - loopback
                    host + url, headers={"Cookie": f"sessionid={pool[role][0]['session']}"}
                )
                urllib.request.urlopen(request, timeout=30).read()  # noqa: S310


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
    _sessions(sessions)
    bin_dir = Path(sys.executable).parent
    host = f"http://127.0.0.1:{options.port}"
    server = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{options.port}",
            "--workers",
            str(options.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
    )
    try:
        _wait_for(host + "/accounts/login/")
        _warm_up(host, sessions, options.workers)
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
