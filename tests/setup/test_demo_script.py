"""`make demo`'s script: the port is a setting every printed address uses, one Ctrl-C
stops the web server, the worker and beat with status 0, and the site has an icon."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "demo.sh"


def test_the_demo_script_is_valid_bash():
    subprocess.run(["bash", "-n", str(SCRIPT)], check=True)  # noqa: S603, S607


def test_the_makefile_installs_only_what_running_needs_for_the_demo():
    """`make demo` installs the package; only the checks install its dev extra."""
    plan = subprocess.run(
        ["make", "-n", "-B", "demo", "PYTHON=" + sys.executable],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "pip install --quiet -e ." in plan
    assert "[dev]" not in plan
    checks = subprocess.run(
        ["make", "-n", "-B", "lint", "PYTHON=" + sys.executable],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "-e '.[dev]'" in checks


def test_site_url_follows_port_unless_set():
    """E-mail links point at the port the demo serves on."""
    code = "from django.conf import settings; print(settings.PORT, settings.SITE_URL)"
    env = {**os.environ, "PORT": "8123", "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("SITE_URL", None)
    shown = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert shown == ["8123", "http://127.0.0.1:8123"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_one_ctrl_c_stops_web_worker_and_beat_with_status_0_on_the_port_given(tmp_path):
    """The script on SQLite and the filesystem broker, as on a bare machine: its addresses
    use PORT, the server answers there, and a SIGINT to its process group (what the
    terminal sends on Ctrl-C) ends all three processes and the script with status 0."""
    port = _free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DEMO_PYTHON": sys.executable,
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("CELERY_BROKER_URL", "COACHING_REQUIRE_REAL_SERVICES", "SITE_URL"):
        env.pop(name, None)
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        script = subprocess.Popen(  # noqa: S603
            ["bash", str(SCRIPT)],  # noqa: S607
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group, as a terminal's foreground job
        )
    try:
        deadline = time.monotonic() + 60
        while "password for every demo account" not in log.read_text():
            assert script.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # the web server listens on PORT
        os.killpg(script.pid, signal.SIGINT)
        status = script.wait(timeout=30)
    finally:
        if script.poll() is None:
            os.killpg(script.pid, signal.SIGKILL)
    printed = log.read_text()
    assert status == 0, printed
    assert f"running at http://127.0.0.1:{port}/" in printed
    assert f"Open http://127.0.0.1:{port}/ and log in" in printed
    assert ":8000" not in printed
    time.sleep(0.5)
    assert not _group_alive(script.pid), "a process of the demo outlived the Ctrl-C"


@pytest.mark.django_db
def test_the_site_has_an_icon_and_answers_favicon_ico(client):
    page = client.get(reverse("accounts:login"))
    icon_link = next(line for line in page.content.decode().splitlines() if 'rel="icon"' in line)
    assert "favicon" in icon_link and 'type="image/svg+xml"' in icon_link
    answer = client.get("/favicon.ico")
    assert answer.status_code == 302 and answer["Location"].endswith(".svg")
    assert "favicon" in answer["Location"]
    assert (ROOT / "static" / "favicon.svg").read_text().startswith("<svg")
