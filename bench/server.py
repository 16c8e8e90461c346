"""What the load benchmarks share: gunicorn's environment, signed-in sessions, start and warm-up.

bench/load.py (Locust) and bench/capacity.py (wrk) both drive gunicorn on loopback with
`DEBUG=false` on the benchmark database, with sessions made beforehand (no password
hashing in the measurement) and every worker warmed up before the clock starts.
"""

from __future__ import annotations

import json
import os
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "false",
    "SECRET_KEY": "bench-" + "x" * 60,
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",  # testserver: the in-process client
    "SECURE_SSL_REDIRECT": "false",
    # One Redis shared by every worker, as in production (README): sessions, figures, pages.
    "CACHE_URL": "redis://127.0.0.1:6379/7",
}
for _key, _value in SERVER_ENV.items():
    os.environ.setdefault(_key, _value)


def measure_in_process(*, table_memo: bool = False) -> None:
    """The environment of the in-process measurements (bench/run.py, bench/orgwide.py,
    bench/profile_page.py): the page cache off, so that what they time is the page
    computed (bench/capacity.py measures the cache); the kept numbers, lists and chains
    (``accounts.table_memo``) off too unless ``table_memo`` (bench/orgwide.py measures
    the pages both ways)."""
    os.environ.setdefault("PAGE_CACHE", "false")
    os.environ.setdefault("TABLE_MEMO", "true" if table_memo else "false")


# The pages each role's warm-up visits (bench/locustfile.py's scenario).
WARM_UP_PAGES = {
    "employee": ["/", "/objectives/", "/reviews/", "/accounts/notifications/"],
    "manager": ["/team/", "/coaching/overview/", "/reviews/to-review/", "/reviews/dashboard/"],
    "hr": ["/reviews/dashboard/", "/reviews/export/", "/accounts/org/", "/reviews/jobs/"],
}


def ensure_static() -> None:
    """collectstatic once: DEBUG=false pages need its manifest (compressing takes minutes)."""
    from django.conf import settings
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", "--no-input", verbosity=0)


def make_sessions(out: Path, people: int = 60) -> dict[str, list[dict[str, Any]]]:
    """Signed-in sessions for employees (with a review table), managers and HR.

    Made with the configured SESSION_ENGINE, so whatever store the server reads.
    Writes and returns {"employee": [{"session", "cookie", "table"}], "manager": [{"session",
    "cookie", "reports": [pk, ...]}], "hr": [{"session", "cookie"}]}: `people` employees, a third as
    many managers (with their first 20 direct reports) and every HR person.
    """
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import get_random_string

    from accounts.models import HR_GROUP_NAME, User
    from reviews.models import ReviewTable

    engine = import_module(settings.SESSION_ENGINE)

    def session_for(user: User) -> str:
        """The session key, and (as "cookie") the whole Cookie header of a browser that
        has it: with a CSRF cookie, as every browser has after its first page."""
        store = engine.SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "accounts.auth_backend.PersonBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        assert store.session_key is not None
        return str(store.session_key)

    def person(user: User, **extra: Any) -> dict[str, Any]:
        key = session_for(user)
        csrf = get_random_string(32, string.ascii_letters + string.digits)
        cookie = f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={csrf}"
        return {"session": key, "cookie": cookie, **extra}

    employees = []
    for table in (
        ReviewTable.objects.filter(employee__isnull=False)
        .select_related("employee")
        .order_by("employee_id", "-month")
        .distinct("employee_id")[:people]
    ):
        assert table.employee is not None
        employees.append(person(table.employee, table=table.pk))
    managers = []
    for manager in User.objects.filter(direct_reports__isnull=False).distinct()[: people // 3]:
        reports = list(manager.direct_reports.values_list("pk", flat=True)[:20])
        managers.append(person(manager, reports=reports))
    hr = [person(u) for u in User.objects.filter(groups__name=HR_GROUP_NAME)]
    pool: dict[str, list[dict[str, Any]]] = {"employee": employees, "manager": managers, "hr": hr}
    out.write_text(json.dumps(pool))
    return pool


def start_gunicorn(
    app: str,
    port: int,
    workers: int,
    log: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """gunicorn serving `app` ("module:callable" or "config.wsgi") with sync workers.

    Runs from the project root with SERVER_ENV and `env`; its output goes to `log`
    (appended) when given, else to this terminal. Stop it with SIGTERM and wait().
    """
    output = log.open("ab") if log else None
    bin_dir = Path(sys.executable).parent
    return subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV, **(env or {})},
        stdout=output,
        stderr=output,
    )


def wait_for(url: str, seconds: float = 30) -> None:
    """Return once `url` answers (any HTTP status); SystemExit after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {url}")


def warm_up(
    host: str,
    pool: dict[str, list[dict[str, Any]]],
    workers: int,
    pages: dict[str, list[str]] | None = None,
) -> None:
    """Each worker compiles its templates once before the clock starts.

    Requests each role's pages (WARM_UP_PAGES unless `pages` is given) 2 × `workers`
    times with that role's first session; a page that fails or redirects (to the login
    form, say) stops the run with SystemExit.
    """
    for _ in range(workers * 2):
        for role, urls in (pages or WARM_UP_PAGES).items():
            for url in urls:
                request = urllib.request.Request(  # noqa: S310 - loopback
                    host + url, headers={"Cookie": pool[role][0]["cookie"]}
                )
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                    response.read()
                    if response.geturl() != host + url:
                        raise SystemExit(f"{role} {url} redirected to {response.geturl()}")
