"""Celery tasks of the organisation, and the one retry policy every idempotent job uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from celery import shared_task
from django.db import OperationalError

from accounts.outbox import outbox_purge as _outbox_purge
from accounts.outbox import outbox_send as _outbox_send
from accounts.services import invitations_send as _invitations_send

# Errors worth a retry: the database or the network failed for a moment.
TRANSIENT = (OperationalError, OSError)

_F = TypeVar("_F", bound=Callable[..., Any])


def idempotent_task(name: str, *, max_retries: int = 5) -> Callable[[_F], _F]:
    """A Celery task safe to run twice: retried with backoff and jitter on a transient
    error, acknowledged only when done (a killed worker's task is delivered again)."""
    decorator: Callable[[_F], _F] = shared_task(  # type: ignore[assignment]
        name=name,
        autoretry_for=TRANSIENT,
        retry_backoff=True,
        retry_jitter=True,
        max_retries=max_retries,
        acks_late=True,
    )
    return decorator


@idempotent_task("accounts.tasks.invitations_send")
def invitations_send(user_ids: list[int]) -> int:
    return _invitations_send(user_ids=user_ids)


@shared_task(name="accounts.tasks.invitations_sweep", acks_late=True)
def invitations_sweep() -> int:
    return _invitations_send()


@idempotent_task("accounts.tasks.outbox_send")
def outbox_send() -> str:
    """Send what the outbox holds that is due (after each commit, and every minute)."""
    outcome = _outbox_send()
    return f"sent {outcome['sent']}, failed {outcome['failed']}"


@idempotent_task("accounts.tasks.outbox_purge")
def outbox_purge() -> int:
    """Forget the messages sent more than 30 days ago."""
    return _outbox_purge()
