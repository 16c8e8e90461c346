"""CPU time the server spends, read from /proc: gunicorn's workers and their PostgreSQL backends.

On a busy machine a request's wall time grows with everyone else's load, but the CPU
its worker and its database backend use grows far less: bench/capacity.py reports
CPU ms per request beside req/s, to compare runs made under different loads. Linux only.
A sampler thread reads, every half second, the workers of the given gunicorn masters
and the backends serving their connections (found by the client port that PostgreSQL's
process title shows), so a backend that closes (CONN_MAX_AGE) loses at most half a
second of its time.
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
TITLE_PORT = re.compile(rb"postgres: .*\(\s*(\d+)\)")


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process; None once it has gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    fields = stat.rsplit(b")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _client_ports(pids: list[int], server_port: int) -> set[int]:
    """Local ports of the TCP connections these processes hold to `server_port`."""
    inodes: set[str] = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    ports: set[int] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            columns = line.split()
            remote_port = int(columns[2].rsplit(":", 1)[1], 16)
            if remote_port == server_port and columns[9] in inodes:
                ports.add(int(columns[1].rsplit(":", 1)[1], 16))
    return ports


def _backends(ports: set[int]) -> list[int]:
    """PostgreSQL backend processes serving clients on these ports (by process title)."""
    if not ports:
        return []
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        match = TITLE_PORT.search(title)
        if match and int(match.group(1)) in ports:
            found.append(int(entry.name))
    return found


class CpuMeter(threading.Thread):
    """Samples the CPU seconds of the masters' workers ("app") and their backends ("db").

    `totals()` returns {"app": s, "db": s} used since the meter started; take it before
    and after a run and subtract. Processes first seen after the start count from zero.
    """

    def __init__(self, masters: list[int], database_port: int, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.masters = masters
        self.database_port = database_port
        self.interval = interval
        self.lock = threading.Lock()
        self.base: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self.stopping = threading.Event()
        self.sample(first=True)

    def sample(self, first: bool = False) -> None:
        workers = [child for master in self.masters for child in _children(master)]
        backends = _backends(_client_ports(workers, self.database_port))
        with self.lock:
            for kind, pids in (("app", workers), ("db", backends)):
                for pid in pids:
                    seconds = _cpu_seconds(pid)
                    if seconds is None:
                        continue
                    key = (kind, pid)
                    if key not in self.base:
                        self.base[key] = seconds if first else 0.0
                    self.last[key] = seconds

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.sample()

    def totals(self) -> dict[str, float]:
        """CPU seconds used so far by kind: {"app": ..., "db": ...}."""
        self.sample()
        with self.lock:
            totals = {"app": 0.0, "db": 0.0}
            for key, seconds in self.last.items():
                totals[key[0]] += seconds - self.base[key]
            return totals

    def wait_idle(self, seconds: float = 60) -> None:
        """Return once the workers use (almost) no CPU: the requests wrk left queued are done.

        wrk stops at its deadline with requests still queued in gunicorn's backlog; they
        would otherwise be served, and counted, in the next run.
        """
        deadline = time.monotonic() + seconds
        previous = self.totals()["app"]
        while time.monotonic() < deadline:
            time.sleep(0.5)
            current = self.totals()["app"]
            if current - previous < 0.01:
                return
            previous = current

    def stop(self) -> None:
        self.stopping.set()
