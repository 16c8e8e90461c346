"""Export files live in a storage every node shares (issue 21 §6), never on the worker's disk.

With ``STORAGES["exports"]`` set to Django's in-memory storage, the file a real Celery
worker builds is downloaded by HR from that storage and deleted through it, and nothing
lands under ``MEDIA_ROOT``: no code path writes, reads or deletes a local file behind the
storage's back.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core.files.storage import InMemoryStorage, storages
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from reviews.exports import export_jobs_purge
from reviews.file_storage import ExportFileStorage, export_storage
from reviews.models import ExportJob
from tests.exports.test_exports import data, export, workbook_rows  # noqa: F401 - data: a fixture
from tests.webtest_helpers import messages

IN_MEMORY = {"BACKEND": "django.core.files.storage.InMemoryStorage"}


def _close(**kwargs) -> None:
    connections.close_all()


@pytest.fixture
def exports_in_memory(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "exports": IN_MEMORY}
    assert isinstance(export_storage(), InMemoryStorage)
    return export_storage()


def _built(job: ExportJob, timeout: float = 30) -> ExportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
            break
        time.sleep(0.2)
    return job


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("data")
def test_the_workers_file_is_served_to_hr_from_the_shared_storage_and_never_touches_disk(
    django_app, hr, monkeypatch, exports_in_memory, tmp_path
):
    monkeypatch.setattr("reviews.views.exports.ASYNC_EXPORT_TABLES", 1)
    task_postrun.connect(_close)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            response = export(django_app, hr)
            assert messages(response.follow()) == [
                "2 tables: the file is being built. It appears below when it is ready."
            ]
            job = _built(ExportJob.objects.get())
    finally:
        task_postrun.disconnect(_close)
    assert job.status == ExportJob.Status.DONE, job.error
    assert exports_in_memory.exists(job.file_name)

    download = django_app.get(reverse("reviews:export"), user=hr).click(description="Download")
    assert download.headers["Content-Disposition"].endswith('"review-tables_2026-03.xlsx"')
    assert workbook_rows(download.body) == 3  # the header and the two people's rows

    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    assert export_jobs_purge() == 1
    assert not exports_in_memory.exists(job.file_name)
    assert list(tmp_path.rglob("*")) == []  # MEDIA_ROOT: nothing written, ever


@pytest.mark.django_db
@pytest.mark.usefixtures("data", "exports_in_memory")
def test_a_file_missing_from_the_storage_is_not_found_not_an_error(client, hr):
    job = ExportJob.objects.create(
        requester=hr,
        params={},
        status=ExportJob.Status.DONE,
        file_name="gone.xlsx",
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    client.force_login(hr)
    assert client.get(reverse("reviews:export_download", args=[job.pk])).status_code == 404


def test_by_default_export_files_are_kept_under_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    storage = storages["exports"]
    assert isinstance(storage, ExportFileStorage)
    assert storage.path("a.xlsx") == str(tmp_path / "exports" / "a.xlsx")
