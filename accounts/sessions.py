"""The session store: Django's ``cached_db`` sessions, refusing a malformed session cookie.

Reads come from the shared cache (Redis), so a signed-in request costs no database
round trip for its session; every write also goes to the database, so a Redis that is
restarted or evicts a session signs nobody out (a cache-only store would). Sessions
change rarely (sign-in, sign-out, language), so the write-through costs little. Signed
cookies were not chosen: a session could then not be ended from the server (sign-out
everywhere, a person who leaves).

A session key is 32 lowercase letters and digits. Django checks only its length, so
a forged cookie with a NUL character reached PostgreSQL, which refuses it: a server
error on every page and API call. Such a key is now no session at all.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDatabaseSessionStore

from accounts.auth_backend import BACKEND, PREVIOUS_BACKEND

# A session signed in before accounts.auth_backend replaced Django's model backend names
# the old one, which is no longer in AUTHENTICATION_BACKENDS: read it as the new one.
_RENAMED_BACKENDS = {PREVIOUS_BACKEND: BACKEND}


class SessionStore(CachedDatabaseSessionStore):
    def load(self) -> dict[str, Any]:
        data: dict[str, Any] = super().load()
        backend = data.get(BACKEND_SESSION_KEY)
        if backend in _RENAMED_BACKENDS:
            data[BACKEND_SESSION_KEY] = _RENAMED_BACKENDS[backend]
        return data

    def _validate_session_key(self, key: str | None) -> bool:
        well_formed = bool(key and key.isascii() and key.isalnum())
        return well_formed and bool(super()._validate_session_key(key))  # type: ignore[misc]
