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

import time
from collections.abc import Callable, Iterable
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


def _version_key(scope: str) -> str:
    return f"dv:{scope}"


def data_versions(scopes: Iterable[str]) -> tuple[int, ...]:
    """The current version of each scope (one cache round trip when all exist).

    Returns a tuple of ints in the order given. A scope never bumped before is
    started at the clock in nanoseconds.
    """
    names = list(scopes)
    keys = [_version_key(name) for name in names]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            start = time.time_ns()
            cache.add(key, start, timeout=VERSION_SECONDS)
            found[key] = cache.get(key, start)
    return tuple(int(found[key]) for key in keys)


def _bump_now(keys: list[str]) -> None:
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:  # evicted, never read, or Redis unreachable
            cache.set(key, time.time_ns(), timeout=VERSION_SECONDS)


def data_changed(*scopes: str) -> None:
    """Bump the versions of ``scopes``: now, and again when the transaction commits.

    Call it from the service that changes the data, inside its transaction (or in
    autocommit, where the second bump runs at once).
    """
    keys = [_version_key(scope) for scope in scopes]
    if not keys:
        return
    _bump_now(keys)
    connection_in_atomic = transaction.get_connection().in_atomic_block
    if connection_in_atomic:
        transaction.on_commit(lambda: _bump_now(keys))


def versioned(
    name: str, scopes: Iterable[str], compute: Callable[[], T], *, seconds: int = VALUE_SECONDS
) -> T:
    """``compute()``'s value, from the cache when the ``scopes`` have not changed since.

    ``name`` identifies the value (include the reader and anything else it depends on,
    such as the language); ``compute`` must read only data covered by ``scopes``.
    """
    versions = data_versions(scopes)
    key = f"dvv:{name}:" + ":".join(str(version) for version in versions)
    found = cache.get(key, _MISSING)
    if found is not _MISSING:
        value: T = found
        return value
    value = compute()
    cache.set(key, value, seconds)
    return value


def versioned_keys(
    entries: Iterable[tuple[str, Iterable[str]]],
) -> tuple[list[str], dict[str, object]]:
    """The keys of several versioned values and those the cache has, in two round trips
    (one for all the scopes' versions, one for the values).

    ``entries`` are ``(name, scopes)`` as for ``versioned``. Returns ``(keys, found)``:
    a key for each entry, in order, and ``{key: value}`` for those in the cache. The
    caller computes a missing value (reading only data its scopes cover) and stores it
    with ``cache.set(key, value, VALUE_SECONDS)``.
    """
    items = [(name, list(scopes)) for name, scopes in entries]
    names = list(dict.fromkeys(scope for _name, scopes in items for scope in scopes))
    current = dict(zip(names, data_versions(names), strict=True))
    keys = [
        f"dvv:{name}:" + ":".join(str(current[scope]) for scope in scopes) for name, scopes in items
    ]
    return keys, cache.get_many(keys)
