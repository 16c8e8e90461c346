"""Month arithmetic of appraisal cycles: first and last days, the months between two dates."""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache

from accounts.inputs import EARLIEST_DATE, LATEST_DATE


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


@lru_cache(maxsize=1024)
def month_end(month: dt.date) -> dt.date:
    """The last day of ``month``'s month (December of the year 9999 too).

    Remembered per date: a Team page asks it twice for each of its 250 objectives,
    of a dozen months."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of every month from ``start``'s month to ``end``'s month.

    Counted within the years people may enter (2000-2100, accounts.inputs): a date
    stored beyond them, by hand or before dates were checked, neither overflows the
    arithmetic nor makes the list endless.
    """
    start, end = max(start, EARLIEST_DATE), min(end, LATEST_DATE)
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def first_of_next_month(day: dt.date) -> dt.date:
    """The first day of the month after ``day``'s month (any day of the month will do)."""
    return month_end(day) + dt.timedelta(days=1)


def first_of_previous_month(day: dt.date) -> dt.date:
    """The first day of the month before ``day``'s month (any day of the month will do)."""
    return (month_start(day) - dt.timedelta(days=1)).replace(day=1)
