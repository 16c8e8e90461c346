"""A version for every table, bumped by every write that goes through Django's connection.

Each database connection gets an execute wrapper (``watch``, connected in
``AccountsConfig.ready``) that reads the first word and the table names of every
statement it runs:

- A write bumps the scope ``table:<name>`` of the table it writes (``INSERT INTO``,
  ``UPDATE``, ``DELETE FROM``, ``COPY``), or of every table it names (``TRUNCATE``,
  ``MERGE``, DDL, a ``WITH`` that holds a write), through ``accounts.data_versions``:
  at once, and again when the transaction commits. So ``bulk_create``,
  ``QuerySet.update``, raw SQL, the admin, management commands and Celery tasks all
  bump, with no signal to forget.
- A read is noted while a ``data_versions.recording()`` is open, so that a cached
  value can say which tables it was computed from (``accounts.page_cache``).

Table names are matched against the models' tables (auto-created many-to-many tables
included): any name of a known table in a read counts, so a page can only be taken to
have read more tables than it did, never fewer. Two writes bump nothing:
``django_session`` (a session's data is part of a cached page's key instead) and a
person's ``last_login`` at each sign-in, which no page shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from django.apps import apps
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from accounts.data_versions import EPOCH, Recording, bump_versions, current_recording, data_versions

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WRITE_IN_CTE = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "TRUNCATE", "MERGE", "COPY"})
_DDL = frozenset({"CREATE", "ALTER", "DROP"})
# Statements that read nothing of the product's and change nothing of it.
_NEUTRAL = frozenset(
    {"SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT", "BEGIN", "SET", "SHOW", "RESET"}
)
UNVERSIONED_TABLES = frozenset({"django_session"})
# The table a plain INSERT, UPDATE, DELETE or COPY writes (the others it names are read).
_TARGET = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY)\s+(?:ONLY\s+)?"?([A-Za-z_][A-Za-z0-9_]*)"?',
    re.IGNORECASE,
)
_LAST_LOGIN_ONLY = re.compile(
    r'^\s*UPDATE "accounts_user" SET "last_login" = %s WHERE "accounts_user"\."id" = %s\s*$'
)


def table_scope(table: str) -> str:
    """The ``accounts.data_versions`` scope of a table: ``"table:<db_table>"``."""
    return f"table:{table}"


@cache
def known_tables() -> frozenset[str]:
    """The database tables of every installed model, auto-created ones included."""
    return (
        frozenset(
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed or model._meta.auto_created
        )
        - UNVERSIONED_TABLES
    )


def _statement(sql: str) -> tuple[bool, frozenset[str]]:
    """(is it a write, the known tables it names) for one SQL statement."""
    first = _WORD.search(sql)
    verb = first.group(0).upper() if first else ""
    if verb in _NEUTRAL:
        return False, frozenset()
    tables = known_tables().intersection(_WORD.findall(sql))
    if verb in _WRITES or verb in _DDL:
        if verb == "UPDATE" and _LAST_LOGIN_ONLY.match(sql):
            return False, frozenset()
        target = _TARGET.match(sql)
        if target and target.group(1) in known_tables():
            return True, frozenset({target.group(1)})
        return True, tables
    if verb == "WITH" and _WRITE_IN_CTE.search(sql):
        return True, tables
    return False, tables


class _CommitBump:
    """The bump of the tables a transaction wrote, run once when it commits."""

    def __init__(self, tables: set[str]) -> None:
        self.tables = set(tables)

    def __call__(self) -> None:
        bump_versions(table_scope(table) for table in sorted(self.tables))


def uncommitted_writes() -> bool:
    """Whether a transaction open in this thread, on any connection, has written rows it
    has not committed yet (they could still be rolled back)."""
    return any(
        isinstance(entry[1], _CommitBump)
        for connection in connections.all(initialized_only=True)
        for entry in connection.run_on_commit
    )


def _bump_on_commit(connection: BaseDatabaseWrapper, tables: frozenset[str]) -> None:
    # One callback per transaction: the first live one gets the tables (a callback made in
    # a savepoint that was rolled back is gone from the list, and its writes with it).
    for entry in connection.run_on_commit:  # (savepoint ids, callback, robust)
        callback = entry[1]
        if isinstance(callback, _CommitBump):
            callback.tables |= tables
            return
    transaction.on_commit(_CommitBump(set(tables)), using=connection.alias)


def _watcher(connection: BaseDatabaseWrapper) -> Callable[..., Any]:
    def watch_statement(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        wrote, tables = _statement(sql)
        reads = current_recording()
        if reads is not None and not wrote:
            reads.tables |= tables
        result = execute(sql, params, many, context)
        if wrote and context["cursor"].rowcount == 0:
            return result  # an UPDATE or DELETE that matched no row changed nothing
        if wrote and reads is not None:
            reads.wrote = True
        if wrote and tables:
            # At once, so that this transaction's own later reads (and a test's, whose
            # transaction never commits) miss; after the commit, so that a reader who
            # computed in between from the old rows is not believed either.
            bump_versions(table_scope(table) for table in sorted(tables))
            if connection.in_atomic_block:
                _bump_on_commit(connection, tables)
        return result

    watch_statement.watches_tables = True  # type: ignore[attr-defined]
    return watch_statement


def watch(connection: BaseDatabaseWrapper, **_kwargs: Any) -> None:
    """Add the statement watcher to ``connection`` once (a ``connection_created`` receiver)."""
    if not any(getattr(w, "watches_tables", False) for w in connection.execute_wrappers):
        connection.execute_wrappers.append(_watcher(connection))


def versions_before() -> dict[str, int]:
    """The current version of every table and of the epoch, read in one round trip
    without counting them as read by an open recording: ``{scope: version}``."""
    scopes = [EPOCH, *(table_scope(table) for table in sorted(known_tables()))]
    return dict(zip(scopes, data_versions(scopes, record=False), strict=True))


def versions_read(before: dict[str, int], reads: Recording) -> dict[str, int]:
    """The versions a computation depends on: each figure scope and kept value's table as
    it read them, but each table it read itself, and the epoch, as they were ``before`` it.

    A table read directly and also found, newer, through a kept value (a concurrent write
    in between) keeps its version from before: the value holds rows from before that
    write, so it must not be believed once it is over.
    """
    read = dict(reads.scopes)
    read.update((table_scope(table), before[table_scope(table)]) for table in reads.tables)
    read[EPOCH] = before[EPOCH]
    return read
