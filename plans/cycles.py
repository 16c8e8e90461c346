"""Which appraisal cycles are in force: the one rule every job and page asks."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from plans.models import AppraisalCycle
from plans.months import month_end, month_start


def active_cycles_for(month: dt.date) -> QuerySet[AppraisalCycle]:
    """The active cycles with at least one day in ``month``'s month, latest start first.

    A cycle that starts or ends in the middle of a month covers that month: the
    month's review tables are made for it (``review_tables_generate`` accepts
    exactly these months). Any day of the month may be given.
    """
    return AppraisalCycle.objects.filter(
        state=AppraisalCycle.State.ACTIVE,
        start_date__lte=month_end(month),
        end_date__gte=month_start(month),
    ).order_by("-start_date", "name")
