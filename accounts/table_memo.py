"""Values computed from the database, kept until a table they read changes.

``table_memo(name, compute)`` is the page cache's rule (``accounts.page_cache``) for one
value instead of a whole page: on a miss the versions of every table are read first
(one round trip), ``compute()`` runs while ``accounts.data_versions.recording`` notes the
tables and figure scopes it reads, and the value is stored with the versions of exactly
those. The next call reads the entry and the current versions of its tables (two round
trips): any write to one of them since (any model, ``bulk_create``, ``QuerySet.update``,
raw SQL, a Celery task on another machine) has bumped it, so the value is computed again.

It serves the aggregates of the organisation-wide pages (the dashboards), which cost
hundreds of milliseconds at 10,000 people and are asked for far more often than the
tables they count change (issue 21 §3: "dashboard aggregates … cached with keys that
change when their data changes"). A value is not stored when its computation wrote, or
when the transaction it ran in holds writes not yet committed (they could still be
rolled back); nor when the cache is the process's own memory (``make demo`` without
Redis), which the other processes' bumps never reach.

Inside a page that is being recorded for the page cache, the value's tables and scopes
count as read by the page, whether the value was computed or found.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from accounts.data_versions import (
    VALUE_SECONDS,
    Recording,
    cache_reachable,
    current_recording,
    data_versions,
    recording,
)
from accounts.page_cache import build, shared_cache
from accounts.table_versions import uncommitted_writes, versions_before, versions_read

T = TypeVar("T")
ENTRY_FORMAT = 1


def _merge_into(outer: Recording | None, inner: Recording) -> None:
    if outer is not None:
        outer.tables |= inner.tables
        outer.scopes.update(inner.scopes)
        outer.wrote = outer.wrote or inner.wrote


def keeping_values() -> bool:
    """Are values kept (``TABLE_MEMO`` on, and a shared cache that answers)?"""
    return bool(settings.TABLE_MEMO) and shared_cache() and cache_reachable()


def table_memo(name: str, compute: Callable[[], T], *, seconds: int = VALUE_SECONDS) -> T:
    """``compute()``'s value, from the shared cache while no table it read has changed.

    ``name`` must identify everything the value depends on outside the database (the
    reader, the filters, today's date where it counts, the language if the value holds
    words). The value must pickle. Returns what ``compute()`` returns; its exceptions
    pass through and nothing is stored then.
    """
    if not keeping_values():
        return compute()
    text = f"{build()}:{name}"
    key = "memo:" + hashlib.blake2b(text.encode(), digest_size=20).hexdigest()
    entry = cache.get(key)
    if entry is not None and entry[0] == ENTRY_FORMAT:
        _format, scopes, versions, value = entry
        if data_versions(scopes) == versions:  # recorded as read by an outer recording
            found: T = value
            return found
    outer = current_recording()
    before = versions_before()
    with recording() as reads:
        value = compute()
    _merge_into(outer, reads)
    if not reads.wrote and not (outer and outer.wrote) and not uncommitted_writes():
        read = versions_read(before, reads)
        cache.set(key, (ENTRY_FORMAT, tuple(read), tuple(read.values()), value), seconds)
    return value


class CountedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator told its count (from an aggregate already run, or kept): no COUNT query."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


def _first_page(number: str | int | None) -> bool:
    """Does ``Paginator.get_page(number)`` give the first page whatever the count (a
    number that is not one reads as 1; 0 and less give the last page)?"""
    try:
        return int(number) == 1  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def memo_page(queryset: QuerySet[Any], per_page: int, number: str | int | None) -> Page[Any]:
    """``Paginator(queryset, per_page).get_page(number)``, with the count and the page's
    objects kept by ``table_memo`` (keyed by the query's SQL and parameters, the page
    size, the number asked for and today's date).

    For the lists of the organisation-wide pages, whose query orders everyone in a
    reporting chain: asked again, they cost no query until one of the tables the query
    read changes. Returns a ``Page`` whose ``object_list`` is a list (of the model
    instances, with their annotations) and whose ``paginator.count`` is set.

    The first page reads one row more than it shows: when that row is not there, the
    rows are all there are, and no ``COUNT`` is needed (most people's lists are short).
    """

    def compute() -> tuple[int, int, list[Any]]:
        if _first_page(number):
            rows = list(queryset[: per_page + 1])
            if len(rows) <= per_page:
                return len(rows), 1, rows
            return queryset.count(), 1, rows[:per_page]
        page = Paginator(queryset, per_page).get_page(number)
        return page.paginator.count, page.number, list(page.object_list)

    count, found_number, objects = kept_page("page", queryset, per_page, number, compute)
    return Page(objects, found_number, CountedPaginator(queryset, per_page, count))


def kept_page(
    kind: str,
    queryset: QuerySet[Any],
    per_page: int,
    number: str | int | None,
    compute: Callable[[], tuple[int, int, list[Any]]],
) -> tuple[int, int, list[Any]]:
    """``compute()``'s (count, page number, rows) of page ``number`` of a list read by
    ``queryset``, kept by ``table_memo`` while keeping values is on (keyed by ``kind``,
    the query's SQL and parameters, the page size, the number asked for and today's
    date), else computed."""
    if not keeping_values():
        return compute()
    # The key compiles the query (a millisecond or more): only when it is looked up.
    sql, params = queryset.query.sql_with_params()
    name = f"{kind}:{sql}:{params!r}:{per_page}:{number!r}:{timezone.localdate()}"
    return table_memo(name, compute)
