"""*To review* with everything (``?all=1``): a page of all the tables of a person's team.

The list is ordered newest month first, so PostgreSQL walks the month index from the
newest table down and filters each row against "reviewed by me or my reports, or about
my reports". A team's tables are spread evenly over the organisation's months: for the
50 reports of one manager among 10,000 people the walk read ~30,000 tables to keep 101
(three months of everyone's, until the second month's group was complete for the sort),
and the organisation's growth made it longer. Neither a better estimate nor a bitmap
scan of the ids (the planner still preferred the walk, or then joined every person by a
hash) changed that.

So a short chain's page is read by key: first the keys and months of all the team's
tables (one bitmap of index scans over reviewer, subject and department ids, no join),
whose number is the count the paginator needs; then, by those keys, the tables of the
months the page falls in, ordered and cut to the page (a few dozen rows by primary key).
A long chain (a director's) keeps the walk: its tables are dense in every month, so the
walk stops early, and its keys would be too many to read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Page

from accounts.models import User
from accounts.selectors import all_report_ids
from accounts.table_memo import CountedPaginator, kept_page, memo_page
from reviews.models import ReviewTable
from reviews.selectors import list_rows, tables_by_key, tables_to_review, to_review_condition

# Up to this many people below the person, their team's tables are read by key (about
# twelve a person and year: a few thousand keys at most).
SHORT_TEAM = 200


def team_tables_page(user: User, number: str | int | None, per_page: int = 50) -> Page[Any]:
    """Page ``number`` of ``tables_to_review(user, everything=True)`` as ``list_rows``
    values, in its order: ``Paginator.get_page`` semantics (a number that is not one
    gives the first page, one past the end the last), ``paginator.count`` set.

    Two queries for a short chain (the keys, then the page's tables), the list's two
    (``memo_page``: the page, and a ``COUNT`` when there is more than one) for a long
    one. Kept like ``memo_page`` (``accounts.table_memo``) while no table it read
    changes.
    """
    if len(all_report_ids(user)) > SHORT_TEAM:
        return memo_page(list_rows(tables_to_review(user, everything=True)), per_page, number)
    # Unordered (the model's order would join the names): sorted by month in Python.
    condition = to_review_condition(user, everything=True)
    keys = ReviewTable.objects.filter(condition).order_by().values_list("pk", "month")

    def compute() -> tuple[int, int, list[Any]]:
        return _page_by_key(list(keys), number, per_page)

    count, found_number, rows = kept_page("team_tables", keys, per_page, number, compute)
    return Page(rows, found_number, CountedPaginator(rows, per_page, count))


def _page_by_key(
    keys: list[tuple[int, dt.date]], number: str | int | None, per_page: int
) -> tuple[int, int, list[Any]]:
    """(count, page number, rows) of the page asked for, from every table's key and month."""
    count = len(keys)
    found_number = CountedPaginator([], per_page, count).get_page(number).number
    if not count:
        return 0, found_number, []
    keys.sort(key=lambda key: key[1], reverse=True)
    bottom = (found_number - 1) * per_page
    newest, oldest = keys[bottom][1], keys[min(bottom + per_page, count) - 1][1]
    # The page's rows are among those of the months from its first row's to its last's,
    # whole; the tables of newer months all come before them.
    before = next(index for index, key in enumerate(keys) if key[1] == newest)
    months = [pk for pk, month in keys[before:] if oldest <= month]
    start = bottom - before
    return count, found_number, list(list_rows(tables_by_key(months))[start : start + per_page])
