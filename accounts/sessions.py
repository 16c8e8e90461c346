"""The session store: Django's database sessions, refusing a malformed session cookie.

A session key is 32 lowercase letters and digits. Django checks only its length, so
a forged cookie with a NUL character reached PostgreSQL, which refuses it: a server
error on every page and API call. Such a key is now no session at all.
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        well_formed = bool(key and key.isascii() and key.isalnum())
        return well_formed and bool(super()._validate_session_key(key))  # type: ignore[misc]
