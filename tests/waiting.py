"""Waiting for another process (a Celery worker, a server) to have done something."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(condition: Callable[[], object], timeout: float = 30.0) -> bool:
    """Poll ``condition`` every 0.1 s until it is true (True) or ``timeout`` seconds pass
    (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False
