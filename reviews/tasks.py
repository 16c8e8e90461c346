"""Celery tasks: thin wrappers that call one job each.

Every job is idempotent, so a redelivery after a killed worker (acks_late) or
a retry after a transient database or network error repeats nothing.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from reviews import jobs

TRANSIENT = (OperationalError, OSError)


@shared_task(
    name="reviews.tasks.month_end_generation",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
)
def month_end_generation() -> str:
    run = jobs.month_end_generation_run()
    return run.detail if run else "not due"


@shared_task(
    name="reviews.tasks.reminders",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
)
def reminders() -> str:
    run = jobs.reminders_run()
    return run.detail if run else "not due"


@shared_task(
    name="reviews.tasks.weekly_digest",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
)
def weekly_digest() -> str:
    run = jobs.weekly_digest_run()
    return run.detail if run else "not due"


@shared_task(
    name="reviews.tasks.export_build",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=3,
)
def export_build(job_id: int) -> None:
    from reviews.services import export_job_build

    export_job_build(job_id=job_id)


@shared_task(name="reviews.tasks.exports_purge")
def exports_purge() -> int:
    from reviews.services import export_jobs_purge

    return export_jobs_purge()
