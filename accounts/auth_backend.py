"""Django's model backend, reading the signed-in person's row from the shared cache.

``AUTHENTICATION_BACKENDS`` names ``PersonBackend`` where it named Django's
``ModelBackend``: signing in is unchanged; each signed-in request's ``get_user`` reads the
row kept by ``accounts.user_rows`` (no query while the user table is unchanged). A
session made before, which names ``ModelBackend``, is read as naming this one
(``accounts.sessions``), so nobody is signed out by the change.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from accounts.user_rows import kept_user

PREVIOUS_BACKEND = "django.contrib.auth.backends.ModelBackend"
BACKEND = "accounts.auth_backend.PersonBackend"


class PersonBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        """The active user ``user_id`` (as ``ModelBackend``), kept between requests."""
        user = kept_user(user_id, lambda: super(PersonBackend, self).get_user(user_id))
        # Checked again on a kept row (whose table has not changed since it was active).
        return user if user is not None and self.user_can_authenticate(user) else None
