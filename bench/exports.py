"""Benchmark: XLSX and CSV export of one month for the whole organisation.

bench/run.py runs it on the bench/generate.py organisation (month 2026-10); on
its own, after bench/month_end.py or bench/generate.py:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coaching_bench \\
        .venv/bin/python bench/exports.py [--month 2026-03]

Each format runs in a fresh process, so its peak memory (VmHWM, the peak resident size) is its own.
Writes bench/results/exports.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import datetime as dt, os, sys, tempfile, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
import django
django.setup()
from reviews.exports import ExportFilter, csv_lines, export_tables, write_xlsx
month = dt.date.fromisoformat({month!r})
tables = export_tables(None, ExportFilter(month_from=month, month_to=month))
target = tempfile.NamedTemporaryFile(suffix=".{fmt}", delete=False).name
started = time.perf_counter()
if "{fmt}" == "xlsx":
    rows = write_xlsx(tables, target)
else:
    rows = 0
    with open(target, "w", encoding="utf-8") as handle:
        for chunk in csv_lines(tables):
            handle.write(chunk)
            rows += 1
seconds = time.perf_counter() - started
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child of a big
# parent would report the parent's size.
with open("/proc/self/status") as status:
    peak_mb = next(int(l.split()[1]) for l in status if l.startswith("VmHWM")) / 1024
size_mb = os.path.getsize(target) / 1024 / 1024
os.unlink(target)
print(f"{{rows}} {{seconds:.2f}} {{peak_mb:.0f}} {{size_mb:.1f}}")
"""


def measure(month: str) -> dict[str, dict[str, float]]:
    """Each format of one month (YYYY-MM) in a fresh process: time, peak memory, size."""
    results: dict[str, dict[str, float]] = {}
    for fmt in ("xlsx", "csv"):
        output = subprocess.run(
            [sys.executable, "-c", CHILD.format(root=str(ROOT), fmt=fmt, month=month + "-01")],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ,
        ).stdout.split()
        rows, seconds, peak, size = output[-4:]
        results[fmt] = {
            "rows": int(rows),
            "seconds": float(seconds),
            "peak_rss_mb": int(peak),
            "file_mb": float(size),
        }
        print(f"{fmt:<5} {seconds:>6} s  peak {peak:>4} MB  file {size:>5} MB  ({rows} rows)")
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--month", default="2026-03")
    results = measure(parser.parse_args().month)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "exports.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
