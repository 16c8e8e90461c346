"""The bare floor of bench/capacity.py: a WSGI app answering "ok", nothing else.

Served by the same gunicorn settings as the product, it measures what the machine,
gunicorn and wrk cost per request; the product's rates are given as ratios to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


def application(
    environ: dict[str, Any], start_response: Callable[[str, list[tuple[str, str]]], Any]
) -> Iterable[bytes]:
    """Answer every request with 200 and the two bytes "ok"."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
