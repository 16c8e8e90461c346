"""Cached values that are never stale: each is keyed by the versions of the data it read.

A *scope* names a body of data ("org", "notifications:42", "reviews"). Its version is a
counter in the shared cache (Redis in production). A reader reads the versions first,
then the data, and stores what it computed under a key made of those versions; a writer
bumps the versions of every scope it changed. A value is therefore only ever found
under the versions that were current when it was computed, and any change a user can
see makes a new key.

The bump happens twice: at once, so that the writer's own later reads in the same
transaction (and tests, whose transaction never commits) miss; and again after the
commit, so that a reader who computed between the first bump and the commit (and so
saw the old data under the new version) is not believed either. A version key that the
cache evicted starts again from the clock in nanoseconds, never from a number used
before.
"""

from __future__ import annotations

import atexit
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
_MISSING = object()
# Values are recomputed from the database when missing, so they need not live long;
# the bound also limits what an unreachable Redis during a bump could leave behind.
VALUE_SECONDS = 600
# A version that is evicted or expires starts again from the clock, so it may expire.
VERSION_SECONDS = 7 * 24 * 3600


# Bumped when a process could not reach the cache to bump a version (a Redis blip):
# every cached value also depends on it, so that write cannot leave anything stale for
# longer than it takes that process to reach Redis again (its next read of versions).
EPOCH = "epoch"
_lost_bump = [False]


def _version_key(scope: str) -> str:
    return f"dv:{scope}"


@dataclass
class Recording:
    """What a computation read: its tables (``accounts.table_versions``), the scopes whose
    versions it read with those versions, and whether it wrote anything."""

    tables: set[str] = field(default_factory=set)
    scopes: dict[str, int] = field(default_factory=dict)
    wrote: bool = False


_recording: ContextVar[Recording | None] = ContextVar("data_reads", default=None)


@contextmanager
def recording() -> Iterator[Recording]:
    """Note every scope version read here, every table read through the database
    connections and any write (``accounts.table_versions``), until exit."""
    reads = Recording()
    token = _recording.set(reads)
    try:
        yield reads
    finally:
        _recording.reset(token)


def current_recording() -> Recording | None:
    """The open ``Recording`` of this thread or task, if any."""
    return _recording.get()


def cache_reachable() -> bool:
    """False while the shared cache has just failed to answer (Redis down): callers then
    skip caching instead of waiting on it key by key."""
    recently_failed = getattr(cache, "recently_unreachable", None)
    return not (recently_failed and recently_failed())


def data_versions(scopes: Iterable[str], *, record: bool = True) -> tuple[int, ...]:
    """The current version of each scope (one cache round trip when all exist).

    Returns a tuple of ints in the order given. A scope never bumped before is
    started at the clock in nanoseconds. With ``record`` the scopes count as read by
    the open ``recording``, if any.
    """
    versions, _values = versions_and_values(scopes, (), record=record)
    return versions


def versions_and_values(
    scopes: Iterable[str], value_keys: Iterable[str], *, record: bool = True
) -> tuple[tuple[int, ...], dict[str, object]]:
    """``data_versions(scopes)`` and the cached values under ``value_keys``, together in
    one round trip when every scope exists.

    Returns ``(versions, {key: value})``, the second with only the keys the cache has:
    for values stored beside the versions they were computed under, which the caller
    compares (``accounts.user_rows``) — one round trip where ``versioned`` takes two.
    """
    names = list(scopes)
    if _lost_bump[0] and cache_reachable():
        _lost_bump[0] = False
        bump_versions([EPOCH])
    keys = [_version_key(name) for name in names]
    wanted = list(value_keys)
    found = cache.get_many([*keys, *wanted])
    values = {key: found.pop(key) for key in wanted if key in found}
    reachable = cache_reachable()
    for key in keys:
        if key not in found:
            start = time.time_ns()
            if reachable:
                cache.add(key, start, timeout=VERSION_SECONDS)
                found[key] = cache.get(key, start)
            else:  # a version no one else has: what is computed now is not shared
                found[key] = start
    versions = tuple(int(found[key]) for key in keys)
    reads = _recording.get()
    if reads is not None and record:
        reads.scopes.update(zip(names, versions, strict=True))
    return versions, values


def bump_versions(scopes: Iterable[str]) -> None:
    """Bump the versions of ``scopes`` now (``data_changed`` also bumps after the commit)."""
    for scope in scopes:
        key = _version_key(scope)
        try:
            cache.incr(key)
        except ValueError:  # evicted, never read, or Redis unreachable
            cache.set(key, time.time_ns(), timeout=VERSION_SECONDS)
        if not cache_reachable():  # lost: bump the epoch once Redis answers again
            _lost_bump[0] = True


def _bump_lost_at_exit() -> None:
    """A process that ends with a bump lost (a command that wrote during a Redis blip)
    tries once more to bump the epoch; if Redis still does not answer, what it changed
    can stay kept until the entries expire (``VALUE_SECONDS``)."""
    if _lost_bump[0] and cache_reachable():
        _lost_bump[0] = False
        bump_versions([EPOCH])


atexit.register(_bump_lost_at_exit)


def data_changed(*scopes: str) -> None:
    """Bump the versions of ``scopes``: now, and again when the transaction commits.

    Call it from the service that changes the data, inside its transaction (or in
    autocommit, where the second bump runs at once).
    """
    names = list(scopes)
    if not names:
        return
    bump_versions(names)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: bump_versions(names))


def versioned(
    name: str, scopes: Iterable[str], compute: Callable[[], T], *, seconds: int = VALUE_SECONDS
) -> T:
    """``compute()``'s value, from the cache when the ``scopes`` have not changed since.

    ``name`` identifies the value (include the reader and anything else it depends on,
    such as the language); ``compute`` must read only data covered by ``scopes``.
    """
    versions = data_versions([*scopes, EPOCH])
    key = f"dvv:{name}:" + ":".join(str(version) for version in versions)
    found = cache.get(key, _MISSING)
    if found is not _MISSING:
        value: T = found
        return value
    value = compute()
    cache.set(key, value, seconds)
    return value
