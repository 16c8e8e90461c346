"""A real Celery worker, on the configured broker (Redis in CI), runs our tasks."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import reverse

from accounts.models import User
from accounts.services import invitations_send
from config.celery import app
from tests.waiting import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ORG = (
    "email,full_name,department,manager_email\n"
    "lead@example.com,Lea Lead,Support,\n"
    "new@example.com,Nina New,Support,lead@example.com\n"
)


def _close_worker_connections(**kwargs) -> None:
    # The worker thread has its own database connection; close it after each task
    # so the test database can be dropped at the end of the run.
    connections.close_all()


@pytest.fixture
def worker(settings):
    settings.OUTBOX_WAKE = "task"  # the outbox too is sent by the worker's task
    task_postrun.connect(_close_worker_connections)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        task_postrun.disconnect(_close_worker_connections)


def test_imported_people_get_one_invitation_from_the_worker(client, hr, mailoutbox, worker):
    client.force_login(hr)
    upload = SimpleUploadedFile("org.csv", ORG.encode())
    response = client.post(reverse("accounts:org_import"), {"file": upload, "invite": "on"})
    assert response.status_code == 200
    assert wait_for(
        lambda: User.objects.filter(invited_at__isnull=False).count() == 2, timeout=20.0
    )
    # The invitations leave through the outbox: the worker's next task sends them.
    assert wait_for(lambda: len(mailoutbox) == 2, timeout=20.0)
    assert sorted(m.to[0] for m in mailoutbox) == ["lead@example.com", "new@example.com"]
    assert "/accounts/password/reset/" in mailoutbox[0].body
    # A second run, or the sweep, sends nothing more.
    app.send_task("accounts.tasks.invitations_sweep")
    time.sleep(1.0)
    assert len(mailoutbox) == 2


def test_import_succeeds_when_the_broker_refuses_and_the_sweep_catches_up(
    client, hr, mailoutbox, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(app, "send_task", refuse)
    client.force_login(hr)
    upload = SimpleUploadedFile("org.csv", ORG.encode())
    response = client.post(reverse("accounts:org_import"), {"file": upload, "invite": "on"})
    assert response.status_code == 200 and "2 people created" in response.content.decode()
    assert mailoutbox == []
    pending = User.objects.filter(invitation_requested_at__isnull=False, invited_at__isnull=True)
    assert pending.count() == 2
    assert invitations_send() == 2  # what the periodic sweep runs
    assert invitations_send() == 0
    assert len(mailoutbox) == 2
