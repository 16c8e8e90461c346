"""Nothing lost when the outside fails: Redis stopped and started, a worker killed mid-send.

Each side is a real process, as in production: the change is made by a Django process,
the mail sent by a Celery worker process, through a Redis of this test's own (stopped
and started for real) to a real SMTP server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from celery import Celery
from django.core.mail import EmailMessage
from django.db import connection
from kombu import Connection

from accounts.models import OutboxMessage, SentReminder
from accounts.outbox import email_payload
from tests.outbox.servers import PrivateRedis, SmtpServer
from tests.waiting import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LOG = ROOT / "var" / "test-outbox-workers.log"


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


def environment(redis: PrivateRedis, smtp: SmtpServer) -> dict[str, str]:
    """What a web or worker process of this deployment is started with."""
    database = connection.settings_dict["NAME"]
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "CELERY_BROKER_URL": redis.url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_TIMEOUT": "3",
        "OUTBOX_LEASE_SECONDS": "10",
        "PYTHONPATH": str(ROOT),
    }


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own worker command
        [str(BIN / "celery"), "-A", "config", "worker", "--pool", "solo", "--loglevel", "WARNING"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
        env=env,
        stdout=LOG.open("ab"),
        stderr=subprocess.STDOUT,
    )


def beat_tick(redis: PrivateRedis) -> None:
    """What the beat process does every minute: publish ``outbox_send``."""
    publisher = Celery("beat-tick", set_as_current=False)
    # The URL given to the connection: Celery would prefer $CELERY_BROKER_URL to ``broker=``.
    with Connection(redis.url) as broker:
        publisher.send_task("accounts.tasks.outbox_send", connection=broker)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def test_a_reminder_made_while_redis_is_down_is_sent_once_redis_is_back(report, redis, smtp):
    env = environment(redis, smtp)
    redis.stop()
    # The web side: a reminder is recorded and its e-mail written while the broker is down.
    made = subprocess.run(  # noqa: S603 - our own manage.py
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            (
                "from accounts.models import User\n"
                "from accounts.notifications import Reminder, reminders_send\n"
                f"person = User.objects.get(pk={report.pk})\n"
                "reminders_send([Reminder(kind='review_due_soon', recipient=person, key='m1',"
                " subject='Your table is due soon', lines=[], url='/reviews/')])\n"
            ),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr.decode()[-2000:]
    assert SentReminder.objects.filter(recipient=report).count() == 1
    assert OutboxMessage.objects.get().state == "pending"

    redis.start()
    worker = start_worker(env)
    try:
        beat_tick(redis)
        assert wait_for(lambda: OutboxMessage.objects.filter(state="sent").count() == 1, 60)
    finally:
        stop(worker)
    assert sum(smtp.received.values()) == 1


def test_a_worker_killed_mid_send_loses_nothing_and_repeats_at_most_the_send_it_was_in(
    report, redis, smtp
):
    env = environment(redis, smtp)
    smtp.delay = 0.15
    now_queued = [
        OutboxMessage(
            channel=OutboxMessage.Channel.EMAIL,
            recipient=report.email,
            subject=f"Message {number}",
            payload=email_payload(EmailMessage(f"Message {number}", "Body", None, [report.email])),
        )
        for number in range(30)
    ]
    OutboxMessage.objects.bulk_create(now_queued)

    first = start_worker(env)
    try:
        beat_tick(redis)
        assert wait_for(lambda: sum(smtp.received.values()) >= 5, 60)
        first.send_signal(signal.SIGKILL)  # no warm shutdown: killed mid-send
        first.wait(timeout=10)
    finally:
        stop(first)
    kills = 1
    # Killed with work in hand: some of its claimed messages are still waiting.
    assert OutboxMessage.objects.filter(state="pending").exists()
    second = start_worker(env)
    try:

        def all_sent() -> bool:
            beat_tick(redis)  # the beat goes on: the killed worker's claims expire (10 s)
            return OutboxMessage.objects.filter(state="sent").count() == 30

        assert wait_for(all_sent, timeout=90)
    finally:
        stop(second)
    keys = {f"<{key}@" for key in OutboxMessage.objects.values_list("key", flat=True)}
    received = {
        message_id.split("@")[0] + "@": count for message_id, count in smtp.received.items()
    }
    assert set(received) == keys  # every message arrived
    repeats = sum(received.values()) - len(keys)
    assert repeats <= kills  # at most the one send the kill interrupted
