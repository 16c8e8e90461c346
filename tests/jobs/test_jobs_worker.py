"""The jobs on a real Celery worker and the real broker; and with the broker down."""

from __future__ import annotations

import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from accounts.models import OutboxMessage, User
from config.celery import app
from reviews.models import JobRun, JobSettings, ReviewTable
from reviews.services import review_tables_generate
from tests.factories import UserFactory, make_cycle, make_objective
from tests.waiting import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _close(**kwargs) -> None:
    connections.close_all()


@pytest.fixture
def worker(settings):
    settings.OUTBOX_WAKE = "task"  # the outbox too is sent by the worker's task
    task_postrun.connect(_close)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        task_postrun.disconnect(_close)


@pytest.fixture
def busy_cycle(db):
    JobSettings.current()
    JobSettings.objects.update(generation_hour=0)
    cycle = make_cycle(timezone.localdate().year)
    for person in UserFactory.create_batch(40):
        make_objective(cycle, employee=person)
    return cycle


def test_generation_on_the_worker_and_at_the_same_time_by_hand_makes_one_table_each(
    busy_cycle, worker
):
    month = timezone.localdate().replace(day=1)
    errors: list[BaseException] = []

    def by_hand() -> None:
        try:
            review_tables_generate(cycle=busy_cycle, month=month, batch_size=5)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    app.send_task("reviews.tasks.month_end_generation")
    app.send_task("reviews.tasks.month_end_generation")  # a duplicate delivery
    thread = threading.Thread(target=by_hand)
    thread.start()
    thread.join()
    assert wait_for(lambda: JobRun.objects.filter(outcome=JobRun.Outcome.OK).exists())
    time.sleep(1.0)  # let the duplicate finish too
    assert not errors
    assert ReviewTable.objects.filter(month=month).count() == 40
    assert not JobRun.objects.filter(outcome=JobRun.Outcome.FAILED).exists()


def test_reminders_are_sent_by_the_worker_once(busy_cycle, worker, mailoutbox, manager, report):
    app.send_task("reviews.tasks.reminders")
    assert wait_for(lambda: JobRun.objects.filter(job="reminders", outcome="ok").exists())
    # The e-mails leave through the outbox, in the worker's next task.
    assert wait_for(lambda: not OutboxMessage.objects.filter(state="pending").exists())
    first = len(mailoutbox)
    assert first >= 1  # Maria hears that nobody has coached Rob
    app.send_task("reviews.tasks.reminders")
    assert wait_for(lambda: JobRun.objects.filter(job="reminders", outcome="ok").count() == 2)
    time.sleep(1.0)  # an outbox task the re-run would have asked for has run by now
    assert not OutboxMessage.objects.filter(state="pending").exists()
    assert len(mailoutbox) == first


def test_with_the_broker_down_a_web_request_still_succeeds_and_the_sweep_catches_up(
    client, hr, mailoutbox, monkeypatch
):
    # Point the app at a port where nothing listens, as if Redis had stopped.
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:6399/0")
    monkeypatch.setattr(app.conf, "broker_write_url", None)
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    client.force_login(hr)
    org = "email,full_name,department\nnew@example.com,Nina New,Support\n"
    started = time.monotonic()
    response = client.post(
        reverse("accounts:org_import"),
        {"file": SimpleUploadedFile("org.csv", org.encode()), "invite": "on"},
    )
    assert response.status_code == 200 and "1 person created" in response.content.decode()
    assert time.monotonic() - started < 15
    assert mailoutbox == []
    monkeypatch.undo()
    app._pool = None
    app.amqp._producer_pool = None
    from accounts.services import invitations_send

    assert invitations_send() == 1  # what the periodic sweep does once the broker is back
    assert User.objects.get(email="new@example.com").invited_at is not None


def test_a_worker_killed_mid_run_leaves_whole_batches_and_the_rerun_completes(busy_cycle):
    month = timezone.localdate().replace(day=1)
    import reviews.generation as services

    original = services._generate_batch
    calls = {"n": 0}

    def dies_on_the_third_batch(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("worker killed")
        return original(*args, **kwargs)

    services._generate_batch = dies_on_the_third_batch
    try:
        with pytest.raises(SystemExit):
            review_tables_generate(cycle=busy_cycle, month=month, batch_size=10)
    finally:
        services._generate_batch = original
    tables = ReviewTable.objects.filter(month=month)
    assert tables.count() == 20  # two whole batches, nothing half-written
    assert all(table.rows.count() == 1 for table in tables)
    review_tables_generate(cycle=busy_cycle, month=month, batch_size=10)
    assert ReviewTable.objects.filter(month=month).count() == 40
