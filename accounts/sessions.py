"""The session store: Django's ``cached_db`` sessions, refusing a malformed session cookie.

Reads come from the shared cache (Redis), so a signed-in request costs no database
round trip for its session; every write also goes to the database, so a Redis that is
restarted or evicts a session signs nobody out (a cache-only store would). Sessions
change rarely (sign-in, sign-out, language), so the write-through costs little. Signed
cookies were not chosen: a session could then not be ended from the server (sign-out
everywhere, a person who leaves).

A signed-in session's key begins with its person's id and a capital ``U``
(``1234U`` and lowercase letters and digits, 40 characters; Django's own keys have no
capital): the session, the person's row and their navigation figures are then read from
Redis in one round trip (``accounts.user_rows.read_ahead``), where they took two. The id
is only a hint: the session read decides who is signed in, and a key that hints at
someone else reads their row for nothing. A key is given its person when they sign in
(``name_the_person``) and keeps it when cycled (a password change); keys made before
this, and anonymous ones, are read as before.

A session key is letters and digits. Django checks only its length, so a forged cookie
with a NUL character reached PostgreSQL, which refuses it: a server error on every page
and API call. Such a key is now no session at all.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDatabaseSessionStore
from django.http import HttpRequest
from django.utils.crypto import get_random_string

from accounts.auth_backend import BACKEND, PREVIOUS_BACKEND
from accounts.user_rows import read_ahead

# A session signed in before accounts.auth_backend replaced Django's model backend names
# the old one, which is no longer in AUTHENTICATION_BACKENDS: read it as the new one.
_RENAMED_BACKENDS = {PREVIOUS_BACKEND: BACKEND}


# Between the person's id and the random part of a key; never in Django's own keys.
PERSON_SEPARATOR = "U"
KEY_LENGTH = 40  # the session table's key column


def person_hint(session_key: str | None) -> str | None:
    """The person id a session key begins with ("1234" of "1234Uab..."), else None."""
    if not session_key or PERSON_SEPARATOR not in session_key:
        return None
    head = session_key.partition(PERSON_SEPARATOR)[0]
    return head if head.isdigit() else None


class SessionStore(CachedDatabaseSessionStore):
    def load(self) -> dict[str, Any]:
        hint = person_hint(self._session_key)
        data: dict[str, Any] | None = None
        if hint is not None and settings.SESSION_CACHE_ALIAS == "default":
            data = read_ahead(hint, self.cache_key)
        if data is None:
            data = super().load()
        backend = data.get(BACKEND_SESSION_KEY)
        if backend in _RENAMED_BACKENDS:
            data[BACKEND_SESSION_KEY] = _RENAMED_BACKENDS[backend]
        return data

    def _get_new_session_key(self) -> str:
        """Django's random key, beginning with the person's id once the session has one."""
        person = getattr(self, "_session_cache", {}).get(SESSION_KEY)
        if not (isinstance(person, str) and person.isdigit()):
            return str(super()._get_new_session_key())  # type: ignore[misc]
        prefix = person + PERSON_SEPARATOR
        while True:
            key = prefix + get_random_string(KEY_LENGTH - len(prefix), VALID_KEY_CHARS)
            if not self.exists(key):
                return key

    def _validate_session_key(self, key: str | None) -> bool:
        well_formed = bool(key and key.isascii() and key.isalnum())
        return well_formed and bool(super()._validate_session_key(key))  # type: ignore[misc]


def name_the_person(sender: Any, request: HttpRequest | None, user: Any, **_kwargs: Any) -> None:
    """On sign-in (``user_logged_in``), a new key beginning with the person's id: Django
    cycles the key before it writes who signed in, so its new key names nobody."""
    session = getattr(request, "session", None)
    if isinstance(session, SessionStore) and person_hint(session.session_key) != str(user.pk):
        session.cycle_key()
