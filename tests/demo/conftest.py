"""The demo, seeded once for the package's tests (issue 20 §5)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from contextlib import ExitStack
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker) -> Iterator[dt.datetime]:
    """The seeded demo, once for the package, rolled back after it. Yields when the
    seed finished."""
    hashers = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Mail goes into the outbox, as in production; nothing sends it (no worker yet):
        # the outbox is what a worker started with the demo would find.
        EMAIL_BACKEND="accounts.outbox.OutboxEmailBackend",
        OUTBOX_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    no_worker = ExitStack()
    for where in ("accounts.outbox", "accounts.webhook_events"):
        no_worker.enter_context(mock.patch(f"{where}.outbox_wake"))
    with django_db_blocker.unblock(), hashers, no_worker, transaction.atomic():
        assert str(transaction.get_connection().settings_dict["NAME"]).startswith("test_")
        with transaction.atomic():
            call_command("seed_demo", stdout=io.StringIO())
        # The notifications are written when the seed commits: run its callbacks.
        connection = transaction.get_connection()
        callbacks = list(connection.run_on_commit)
        connection.run_on_commit.clear()
        for _savepoints, callback, _robust in callbacks:
            callback()
        yield timezone.now()
        transaction.set_rollback(True)
