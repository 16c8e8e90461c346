"""The demo's clock: what the story says happened in September is stamped in September.

``demo_clock(moment)`` makes Django's ``timezone.now()`` (and so ``localdate()``, every
``auto_now`` field and every ``default=timezone.now``) read ``moment``, advancing with
real time, while the block runs; the ``on_commit`` callbacks it registers (the
notifications of a step) run at commit under the same clock. Only the seed uses it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.utils import timezone

_REAL = dt.datetime


class _SameAsDatetime(type):
    """``isinstance(x, <clock's datetime>)`` answers as for the real ``datetime``."""

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, _REAL)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, _REAL)


def _datetime_at(moment: dt.datetime) -> type[dt.datetime]:
    started = time.monotonic()

    class ClockDatetime(_REAL, metaclass=_SameAsDatetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            current = moment + dt.timedelta(seconds=time.monotonic() - started)
            return current.astimezone(tz) if tz else current.astimezone().replace(tzinfo=None)

    return ClockDatetime


def _under(moment: dt.datetime, func: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        with demo_clock(moment):
            return func()

    return run


@contextmanager
def demo_clock(moment: dt.datetime) -> Iterator[dt.datetime]:
    """Run the block as if it were ``moment`` (aware); yields ``moment``.

    Never later than the real now: a moment in the future is taken as now.
    """
    moment = min(moment, _REAL.now(dt.UTC))
    previous = timezone.datetime  # type: ignore[attr-defined]
    registered = len(connection.run_on_commit)
    timezone.datetime = _datetime_at(moment)  # type: ignore[attr-defined]
    try:
        yield moment
    finally:
        timezone.datetime = previous  # type: ignore[attr-defined]
        pending: list[Any] = connection.run_on_commit
        for index in range(registered, len(pending)):
            savepoints, func, robust = pending[index]
            pending[index] = (savepoints, _under(moment, func), robust)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """``day`` at ``hour:minute`` in the site's time zone (aware)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
