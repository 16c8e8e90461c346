"""`make demo` runs on a bare machine: SQLite and a filesystem broker. The suite itself
runs on PostgreSQL, so the demo's own database is tried here, in a child process: every
hand-written statement the seed reaches must have its SQLite path (issue 17's bulk
template assignment had none, and `make demo` stopped at it)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.processes import manage_py


def test_the_demo_seeds_twice_on_sqlite(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    for name in ("CELERY_BROKER_URL", "COACHING_REQUIRE_REAL_SERVICES", "PYTEST_XDIST_WORKER"):
        env.pop(name, None)  # the demo's own defaults: a filesystem broker in var/
    for command in (["migrate", "-v0"], ["seed_demo"], ["seed_demo"]):
        done = manage_py(*command, env=env, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
    assert "password for every demo account: coaching-demo" in done.stdout
