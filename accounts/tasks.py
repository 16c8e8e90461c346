from __future__ import annotations

from celery import shared_task

from accounts.services import invitations_send as _invitations_send


@shared_task(
    name="accounts.tasks.invitations_send",
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
)
def invitations_send(user_ids: list[int]) -> int:
    return _invitations_send(user_ids=user_ids)


@shared_task(name="accounts.tasks.invitations_sweep", acks_late=True)
def invitations_sweep() -> int:
    return _invitations_send()
