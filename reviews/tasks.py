"""Celery tasks: thin wrappers that call one job each.

Every job is idempotent, so a redelivery after a killed worker (acks_late) or
a retry after a transient database or network error repeats nothing.
"""

from __future__ import annotations

from celery import shared_task

from accounts.tasks import idempotent_task
from reviews import jobs
from reviews.export_jobs import export_jobs_sweep
from reviews.exports import export_job_build, export_jobs_purge


@idempotent_task("reviews.tasks.month_end_generation")
def month_end_generation() -> str:
    run = jobs.month_end_generation_run()
    return run.detail if run else "not due"


@idempotent_task("reviews.tasks.reminders")
def reminders() -> str:
    run = jobs.reminders_run()
    return run.detail if run else "not due"


@idempotent_task("reviews.tasks.weekly_digest")
def weekly_digest() -> str:
    run = jobs.weekly_digest_run()
    return run.detail if run else "not due"


@idempotent_task("reviews.tasks.export_build", max_retries=3)
def export_build(job_id: int) -> None:
    export_job_build(job_id=job_id)


@shared_task(name="reviews.tasks.exports_purge")
def exports_purge() -> int:
    return export_jobs_purge()


@idempotent_task("reviews.tasks.exports_sweep")
def exports_sweep() -> str:
    """Send again the export tasks nobody took; restart the builds whose worker died."""
    outcome = export_jobs_sweep()
    return f"resent {outcome.resent}, restarted {outcome.restarted}, gave up {outcome.gave_up}"
