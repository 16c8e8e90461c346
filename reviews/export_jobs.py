"""Export jobs that always finish: the sweep that re-sends the lost and restarts the stalled.

Issue 19, section 3. A job is a row first (``export_job_request``) and a Celery
task second, so nothing is lost when the broker refuses the task, or a worker
is killed while building: every few minutes ``export_jobs_sweep`` sends the
task again for a job still waiting, and gives a stalled job back to the queue,
up to ``EXPORT_ATTEMPTS`` starts. Its requester can run a failed job again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import enqueue_on_commit
from reviews.exports import EXPORT_STALLED_AFTER
from reviews.job_models import STALLED_ERROR
from reviews.models import ExportJob

EXPORT_TASK = "reviews.tasks.export_build"
# A waiting job's task is sent again when no worker took it within this time.
EXPORT_WAIT_BEFORE_RESEND = dt.timedelta(minutes=2)
EXPORT_ATTEMPTS = 3


@dataclass(frozen=True)
class SweepOutcome:
    """What one sweep did: tasks sent again, stalled jobs restarted, jobs given up."""

    resent: int
    restarted: int
    gave_up: int


def export_jobs_sweep() -> SweepOutcome:
    """Send again what waits too long, restart what stalled, give up after ``EXPORT_ATTEMPTS``.

    Safe to run twice at once: each job is changed under its row lock, and a
    task sent twice builds once (``export_job_build`` leaves a job another
    worker is building).
    """
    now = timezone.now()
    resent = restarted = gave_up = 0
    waiting = ExportJob.objects.filter(
        status=ExportJob.Status.PENDING, created_at__lt=now - EXPORT_WAIT_BEFORE_RESEND
    ).values_list("pk", flat=True)
    for job_id in list(waiting[:500]):
        enqueue_on_commit(EXPORT_TASK, job_id)
        resent += 1
    stalled = ExportJob.objects.filter(
        status=ExportJob.Status.RUNNING, heartbeat_at__lt=now - EXPORT_STALLED_AFTER
    ).values_list("pk", flat=True)
    for job_id in list(stalled[:500]):
        with transaction.atomic():
            job = (
                ExportJob.objects.select_for_update(skip_locked=True)
                .filter(pk=job_id, status=ExportJob.Status.RUNNING)
                .first()
            )
            if (
                job is None
                or job.heartbeat_at is None
                or job.heartbeat_at >= now - EXPORT_STALLED_AFTER
            ):
                continue
            if job.attempts >= EXPORT_ATTEMPTS:
                job.status = ExportJob.Status.FAILED
                job.error = f"{STALLED_ERROR}{job.attempts}"
                job.finished_at = now
                job.save(update_fields=["status", "error", "finished_at"])
                gave_up += 1
                continue
            job.status = ExportJob.Status.PENDING
            job.save(update_fields=["status"])
            enqueue_on_commit(EXPORT_TASK, job.pk)
            restarted += 1
    return SweepOutcome(resent=resent, restarted=restarted, gave_up=gave_up)


def export_job_rerun(*, job: ExportJob, actor: User) -> ExportJob:
    """Run a failed job again with the same filter (its requester's *Run again*).

    Raises ``ValueError`` unless the job failed and ``actor`` requested it.
    """
    if job.requester_id != actor.pk or job.status != ExportJob.Status.FAILED:
        raise ValueError("Only its requester can run a failed export again.")
    with transaction.atomic():
        ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.FAILED).update(
            status=ExportJob.Status.PENDING,
            error="",
            attempts=0,
            progress=0,
            heartbeat_at=None,
            finished_at=None,
        )
        enqueue_on_commit(EXPORT_TASK, job.pk)
    job.refresh_from_db()
    return job
