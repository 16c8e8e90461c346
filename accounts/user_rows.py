"""The signed-in person's row, kept in the shared cache: no query per request for it.

Every signed-in request reads the person (``request.user``): one query, with Django's
query building around it (~0.4 ms of a signed-in 404's ~3 ms, issue 21 §2). The row is
kept with the page cache's rule for one table: it is stored beside the version of the
``accounts_user`` table it was read under (``accounts.table_versions``), and believed
only while that version is unchanged, which every write to the table bumps (a profile
saved, a password changed, someone deactivated, the admin, an import, raw SQL). The
entry and the current version are read in one round trip.

``last_login`` is left out: a sign-in writes it without bumping the table (no page shows
it), so a kept row would hold an older one. The field is left deferred, so reading it
asks the database and saving the person writes only the fields the row holds — never an
old ``last_login`` back.

The person's navigation figures (``accounts.person_figures``: roles, unread
notifications...) are read in the same round trip, by the person's id. A session whose
key names its person (``accounts.sessions``) is read in that round trip too
(``read_ahead``): a signed-in request then makes one round trip to the cache, not two.

Off, as kept values are (``accounts.table_memo``), unless ``TABLE_MEMO`` is on, the cache
is shared (Redis) and reachable; the key holds the deploy's digest (``page_cache.build``)
so that a deploy that changes the model starts afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_started

from accounts.data_versions import (
    EPOCH,
    VALUE_SECONDS,
    cache_reachable,
    current_recording,
    versions_and_values,
)
from accounts.models import User
from accounts.page_cache import build, shared_cache
from accounts.person_figures import figure_keys, figure_variants, prime_figures
from accounts.table_versions import table_scope, uncommitted_writes

TABLE = User._meta.db_table
NOT_KEPT = ("last_login",)


# What ``read_ahead`` read for this request: (user id, scopes, versions, found values),
# taken once by ``kept_user`` for that person; forgotten when the next request starts.
_ReadAhead = tuple[str, tuple[str, ...], tuple[int, ...], dict[str, Any]]
_read_ahead: ContextVar[_ReadAhead | None] = ContextVar("user_row_read_ahead", default=None)


def _key(user_id: Any) -> str:
    return f"user-row:{build()}:{user_id}"


def _keeping() -> bool:
    return bool(settings.TABLE_MEMO) and shared_cache() and cache_reachable()


def _person_keys(user_id: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(scopes, value keys) of the person's row and figures: worked out once per person,
    deploy and figure variant in each process (~10 us a signed-in request otherwise)."""
    return _keys_of(str(user_id), build(), figure_variants(user_id))


@lru_cache(maxsize=4_096)
def _keys_of(
    user_id: str, _build: str, _variants: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    figures = figure_keys(int(user_id))
    scopes = tuple(dict.fromkeys([table_scope(TABLE), EPOCH, *figures.all_scopes()]))
    return scopes, (_key(user_id), *figures.keys.values())


def read_ahead(user_id: str, key: str) -> Any:
    """The cached value under ``key`` (the default cache's key of a session), read in the
    same round trip as the person ``user_id``'s row and figures, which this request's
    ``kept_user(user_id)`` then takes instead of reading them again. ``None`` when the
    cache lacks the value, or rows are not kept (then nothing is read)."""
    if not _keeping():
        return None
    scopes, wanted = _person_keys(user_id)
    versions, found = versions_and_values(scopes, [*wanted, key], record=False)
    value = found.pop(key, None)
    _read_ahead.set((str(user_id), scopes, versions, found))
    return value


def _forget_read_ahead(**_kwargs: Any) -> None:
    _read_ahead.set(None)


request_started.connect(_forget_read_ahead, dispatch_uid="user-row-read-ahead")


def kept_user(user_id: Any, fetch: Callable[[], User | None]) -> User | None:
    """The user ``user_id`` (the session's primary key, already converted): from the
    shared cache while the ``accounts_user`` table has not changed since it was read,
    else ``fetch()`` (one query; ``None`` when there is no such user, which is not kept).

    The user returned is a fresh object each call (nothing memoised on one request's user
    reaches another), with ``last_login`` deferred. Inside a page being recorded for the
    page cache the table counts as read, whether the row was kept or fetched.
    """
    ahead = _read_ahead.get()
    _read_ahead.set(None)
    if not _keeping():
        return fetch()
    key = _key(user_id)
    if ahead is not None and ahead[0] == str(user_id):
        _person, scopes, versions, found = ahead
    else:
        scopes, wanted = _person_keys(user_id)
        versions, found = versions_and_values(scopes, wanted, record=False)
    current = dict(zip(scopes, versions, strict=True))
    row_versions = (current[table_scope(TABLE)], current[EPOCH])
    reads = current_recording()
    if reads is not None:
        reads.tables.add(TABLE)  # as the query would have been noted
    entry = found.get(key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == row_versions:
        user: User = entry[1]
        prime_figures(user, current, found)
        return user
    user_or_none = fetch()
    if user_or_none is None:
        return None
    for name in NOT_KEPT:
        user_or_none.__dict__.pop(name, None)
    if not uncommitted_writes() and not (reads is not None and reads.wrote):
        cache.set(key, (row_versions, user_or_none), VALUE_SECONDS)
    prime_figures(user_or_none, current, found)
    return user_or_none
