"""Every export job finishes or is retried: a lost task is sent again, a build whose worker
died is restarted, and after three starts the requester is told and can run it again."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from reviews.export_jobs import export_jobs_sweep
from reviews.models import ExportJob

PARAMS = {"month_from": "2026-03-01", "month_to": "2026-03-01", "status": ""}


def _close(**kwargs) -> None:
    connections.close_all()


@pytest.fixture
def worker(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    task_postrun.connect(_close)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        task_postrun.disconnect(_close)


def wait_until_done(job: ExportJob, timeout: float = 30) -> ExportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
            break
        time.sleep(0.2)
    return job


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_job_whose_task_was_lost_and_one_whose_worker_died_are_both_built(hr, worker):
    ago = timezone.now() - dt.timedelta(minutes=20)
    # Requested while the broker was down: the row is there, its task never was.
    lost = ExportJob.objects.create(requester=hr, params=PARAMS, created_at=ago)
    # Its worker was killed mid-build: "running", and silent since.
    killed = ExportJob.objects.create(
        requester=hr,
        params=PARAMS,
        created_at=ago,
        status="running",
        attempts=1,
        heartbeat_at=ago,
    )
    outcome = export_jobs_sweep()
    assert (outcome.resent, outcome.restarted, outcome.gave_up) == (1, 1, 0)
    assert wait_until_done(lost).status == ExportJob.Status.DONE
    assert wait_until_done(killed).status == ExportJob.Status.DONE
    assert killed.attempts == 2 and killed.file_name


@pytest.mark.django_db
def test_a_build_another_worker_is_running_is_left_to_it(hr):
    running = ExportJob.objects.create(
        requester=hr, params=PARAMS, status="running", attempts=1, heartbeat_at=timezone.now()
    )
    outcome = export_jobs_sweep()
    assert (outcome.resent, outcome.restarted) == (0, 0)
    running.refresh_from_db()
    assert running.status == "running" and running.attempts == 1


@pytest.mark.django_db
def test_after_three_starts_the_requester_is_told_and_runs_it_again(hr, django_app, settings):
    settings.LANGUAGE_CODE = "en"
    ago = timezone.now() - dt.timedelta(minutes=20)
    job = ExportJob.objects.create(
        requester=hr, params=PARAMS, status="running", attempts=3, heartbeat_at=ago
    )
    assert export_jobs_sweep().gave_up == 1
    page = django_app.get(reverse("reviews:export"), user=hr)
    error = page.html.select_one('[data-testid="export-error"]').text
    assert "The worker stopped while building this file 3 times" in error
    rerun = next(f for f in page.forms.values() if "rerun" in (f.action or ""))
    after = rerun.submit().follow()
    assert "being built again" in after.text
    job.refresh_from_db()
    assert job.status == "pending" and job.attempts == 0 and job.error == ""


@pytest.mark.django_db
def test_only_the_requester_runs_a_failed_export_again(hr, manager, client):
    job = ExportJob.objects.create(requester=hr, params=PARAMS, status="failed", error="x")
    client.force_login(manager)
    assert client.post(reverse("reviews:export_job_rerun", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == "failed"
