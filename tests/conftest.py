"""Shared fixtures: the people every test speaks of.

- ``manager`` (Maria) heads Sales and manages ``report`` (Rob) directly and
  ``indirect_report`` (Ivy, who reports to Rob);
- ``peer`` (Paul) works in Finance under ``other_manager`` (Olga);
- ``hr`` (Hana) is in the HR group; ``outsider`` (Otto) has no links at all.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest
from django.conf import settings
from django.utils import translation
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts import cache_backend
from accounts.models import Department, User
from tests.factories import PASSWORD, DepartmentFactory, UserFactory, make_hr
from tests.template_checks import STRING_IF_INVALID

ROOT = Path(__file__).resolve().parent.parent

# Worker threads open their own connections; closing them after each task keeps
# the test database droppable at the end of the run.
settings.DATABASES["default"]["CONN_MAX_AGE"] = 0

# `make test` runs the suite in two pytest-xdist workers, one per core. Each has its own
# test database (pytest-django's suffix) and, here, its own Celery queue on the shared
# broker and its own media folder: a task sent by one worker's test is run by that
# worker's Celery worker only, and export files (named by job id) never meet.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER:
    from config.celery import app as celery_app  # noqa: PLC0415  (only under xdist)

    settings.MEDIA_ROOT = ROOT / "var" / f"test-media-{XDIST_WORKER}"
    celery_app.conf.task_default_queue = f"tests-{XDIST_WORKER}"

# Templates fail loudly on a value they cannot resolve (tests/template_checks.py).
template_options = cast(dict[str, object], settings.TEMPLATES[0]["OPTIONS"])
template_options["string_if_invalid"] = STRING_IF_INVALID
settings.MIDDLEWARE = [
    *settings.MIDDLEWARE,
    "tests.template_checks.TemplateVariableCheckMiddleware",
]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Record which servers the suite uses; refuse stand-ins where real ones are required."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "test-services.txt").write_text(f"database={database}\nbroker={broker}\n")
    if os.environ.get("COACHING_REQUIRE_REAL_SERVICES") and (
        database != "postgresql" or broker != "redis"
    ):
        raise pytest.UsageError(
            f"The suite must run on PostgreSQL and Redis, not {database} and {broker}: "
            "set DATABASE_URL and CELERY_BROKER_URL."
        )


@pytest.fixture(scope="session", autouse=True)
def _drop_stray_connections(django_db_setup, django_db_blocker):
    """Close connections that server and worker threads left open, so that the
    test database can be dropped at the end of the run."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql" or not str(connection.settings_dict["NAME"]).startswith(
        "test_"
    ):
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _mail_through_the_outbox(settings: SettingsWrapper) -> None:
    """Mail goes through the outbox, as in production; the outbox's server is Django's
    in-memory one (``mail.outbox``). pytest-django swaps ``EMAIL_BACKEND`` for that server,
    which would skip the outbox: put the outbox back in front of it. After each commit the
    outbox is sent in this process (``OUTBOX_WAKE``); the worker tests send it by task."""
    settings.OUTBOX_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EMAIL_BACKEND = "accounts.outbox.OutboxEmailBackend"
    settings.OUTBOX_WAKE = "inline"


@pytest.fixture(autouse=True)
def _server_language_between_tests() -> Iterator[None]:
    """A request by someone who reads Chinese leaves Chinese active in the thread (the
    next request's middleware sets it again, in production): each test starts in the
    server's language, so code run outside a request words itself as it would."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: SettingsWrapper) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_caches(settings: SettingsWrapper) -> None:
    """Each test starts with empty caches (no rate-limit counts, no cached navigation or
    sessions): in Redis they would outlive the test and the run, and two test processes
    share one Redis database, so each test has keys of its own."""
    caches = {alias: dict(config) for alias, config in settings.CACHES.items()}
    run = uuid.uuid4().hex
    for alias, config in caches.items():
        config["KEY_PREFIX"] = f"test-{run}-{alias}"
    settings.CACHES = caches
    cache_backend.forget_failures()  # a test that made Redis unreachable ends with it


@pytest.fixture
def page_cache_off(settings: SettingsWrapper) -> None:
    """The per-session page cache off, for tests of what a page computes or keeps below
    it (accounts/table_memo.py): with it on, the whole page would be served again."""
    settings.PAGE_CACHE = False


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def sales(db: None):
    return DepartmentFactory(name="Sales")


@pytest.fixture
def finance(db: None):
    return DepartmentFactory(name="Finance")


@pytest.fixture
def manager(sales: Department):
    user = UserFactory(email="maria@example.com", full_name="Maria Manager", department=sales)
    sales.head = user
    sales.save(update_fields=["head"])
    return user


@pytest.fixture
def report(manager: User, sales: Department):
    return UserFactory(
        email="rob@example.com", full_name="Rob Report", department=sales, manager=manager
    )


@pytest.fixture
def indirect_report(report: User, sales: Department):
    return UserFactory(
        email="ivy@example.com", full_name="Ivy Indirect", department=sales, manager=report
    )


@pytest.fixture
def other_manager(finance: Department):
    user = UserFactory(email="olga@example.com", full_name="Olga Other", department=finance)
    finance.head = user
    finance.save(update_fields=["head"])
    return user


@pytest.fixture
def peer(other_manager: User, finance: Department):
    return UserFactory(
        email="paul@example.com", full_name="Paul Peer", department=finance, manager=other_manager
    )


@pytest.fixture
def hr(db: None):
    return make_hr(UserFactory(email="hana@example.com", full_name="Hana HR"))


@pytest.fixture
def outsider(db: None):
    return UserFactory(email="otto@example.com", full_name="Otto Outsider")
