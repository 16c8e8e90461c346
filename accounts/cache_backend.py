"""Django's Redis cache, forgiving a Redis that is down or slow.

Everything cached here (sessions in front of the database, the navigation, dashboard
figures) can be recomputed from PostgreSQL, so an unreachable Redis must make pages
slower, never fail them: a read that cannot reach Redis is a miss, and a write is
dropped. Each failure is logged once per process a minute, not per call.
"""

from __future__ import annotations

import logging
import pickle
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient, RedisSerializer
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
_last_logged = [0.0]
_last_failed = [-1e9]
# After a failure, callers that would make many round trips skip the cache this long.
FAILURE_SECONDS = 5.0


def _unreachable(operation: str, error: Exception) -> None:
    now = time.monotonic()
    _last_failed[0] = now
    if now - _last_logged[0] > 60:
        _last_logged[0] = now
        logger.warning("Redis cache unreachable during %s: %s", operation, error)


def forget_failures() -> None:
    """Treat Redis as reachable again at once (tests that made it unreachable)."""
    _last_failed[0] = -1e9


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one ``redis.Redis`` per connection pool.

    Django makes a new ``redis.Redis`` for every command, and each builds its table of
    response callbacks (some 170 entries): measured as a third of a signed-in 404's
    cache time. A ``redis.Redis`` is safe to share; the pool still hands out connections.
    """

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        clients: dict[int, Any] = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class PickleFirstSerializer(RedisSerializer):
    """Django's serializer, reading a pickled value without trying it as a number first:
    Django's tries ``int()`` on every value and catches the ``ValueError`` of each
    pickled one (~0.8 us each; a signed-in request reads half a dozen)."""

    def loads(self, data: Any) -> Any:
        if data[:1] == b"\x80":  # pickle's PROTO opcode: what dumps() writes
            return pickle.loads(data)  # noqa: S301 (our own cache, as Django's)
        return super().loads(data)


class ForgivingRedisCache(RedisCache):
    """``RedisCache`` whose reads miss and writes drop while Redis cannot be reached
    (and whose client is made once, not per command)."""

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        options = {"serializer": PickleFirstSerializer, **self._options}  # type: ignore[has-type]
        self._options = options

    def validate_key(self, key: str) -> None:
        """Nothing to check: Django's default warns of keys memcached would refuse,
        looking at every character of every key (~3 µs a key, a dozen keys a signed-in
        request); Redis takes any key."""

    def recently_unreachable(self) -> bool:
        """True for ``FAILURE_SECONDS`` after any command failed to reach Redis."""
        return time.monotonic() - _last_failed[0] < FAILURE_SECONDS

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except UNREACHABLE as error:
            _unreachable("get", error)
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as error:
            _unreachable("get_many", error)
            return {}

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        try:
            return bool(super().add(key, value, timeout, version))
        except UNREACHABLE as error:
            _unreachable("add", error)
            return False

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE as error:
            _unreachable("set", error)

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        try:
            return list(super().set_many(data, timeout, version))
        except UNREACHABLE as error:
            _unreachable("set_many", error)
            return list(data)

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return bool(super().delete(key, version))
        except UNREACHABLE as error:
            _unreachable("delete", error)
            return False

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        """Raises ``ValueError`` for a missing key, as every backend does, and also when
        Redis is unreachable (the caller treats both as "no counter")."""
        try:
            return int(super().incr(key, delta, version))
        except UNREACHABLE as error:
            _unreachable("incr", error)
            raise ValueError("cache unreachable") from error

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return bool(super().has_key(key, version))
        except UNREACHABLE as error:
            _unreachable("has_key", error)
            return False

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        try:
            super().delete_many(keys, version)
        except UNREACHABLE as error:
            _unreachable("delete_many", error)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        try:
            return bool(super().touch(key, timeout, version))
        except UNREACHABLE as error:
            _unreachable("touch", error)
            return False
