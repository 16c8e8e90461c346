"""E-mail leaves through the outbox: written with its cause, sent until a real SMTP server
takes it, once (issue 19, section 3)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core.mail import send_mail
from django.core.mail.utils import DNS_NAME
from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import OutboxMessage, SentReminder
from accounts.notifications import Reminder, reminders_send
from accounts.outbox import outbox_send
from tests.outbox.servers import SmtpServer


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    server.settings(settings)
    server.start()
    yield server
    server.stop()


def remind(person, key: str = "k1") -> None:
    reminders_send(
        [
            Reminder(
                kind="review_due_soon",
                recipient=person,
                key=key,
                subject="Your table is due soon",
                lines=["Fill it in."],
                url="/reviews/",
            )
        ]
    )


def later(minutes: int):
    return time_machine.travel(timezone.now() + dt.timedelta(minutes=minutes), tick=False)


@pytest.mark.django_db
def test_an_email_of_a_change_that_rolled_back_is_never_sent(report, smtp):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_mail("Hello", "Body", None, [report.email])
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()
    outbox_send()
    assert smtp.received == {}


@pytest.mark.django_db
def test_a_reminder_survives_an_smtp_server_that_refuses_and_is_sent_once(report, smtp):
    # Before the outbox the reminder was recorded as sent and the e-mail lost for good.
    smtp.refuse = 2
    remind(report)
    assert SentReminder.objects.filter(recipient=report).count() == 1
    message = OutboxMessage.objects.get()
    assert message.recipient == report.email and message.state == "pending"

    assert outbox_send()["failed"] == 1
    message.refresh_from_db()
    assert message.state == "pending" and message.attempts == 1
    assert "451" in message.last_error and message.due_at > timezone.now()
    assert outbox_send()["sent"] == 0  # not due yet: nothing is hammered

    with later(5):
        outbox_send()  # refused a second time
    with later(30):
        outbox_send()
    message.refresh_from_db()
    assert message.state == "sent" and message.attempts == 3
    assert list(smtp.received.values()) == [1]
    # One Message-ID, made from the outbox key: the same on every attempt.
    assert list(smtp.received) == [f"<{message.key}@{DNS_NAME}>"]
    assert message.tries.filter(accepted=False).count() == 2  # the failures, with their reasons


@pytest.mark.django_db
def test_mail_waits_while_the_server_is_down_and_goes_when_it_is_back(report, smtp):
    smtp.stop()
    remind(report)
    outbox_send()
    message = OutboxMessage.objects.get()
    assert message.state == "pending" and "Connection" in message.last_error
    smtp.start()
    with later(5):
        outbox_send()
    message.refresh_from_db()
    assert message.state == "sent" and sum(smtp.received.values()) == 1


@pytest.mark.django_db
def test_a_mailbox_that_does_not_exist_is_given_up_at_once(report, smtp):
    smtp.refuse, smtp.refuse_code = 1, 550
    remind(report)
    outbox_send()
    message = OutboxMessage.objects.get()
    assert message.state == "failed" and "550" in message.last_error


@pytest.mark.django_db
def test_after_three_days_of_refusals_the_mail_is_given_up_and_hr_sends_it_again(
    report, hr, smtp, django_app
):
    smtp.refuse = 1000
    remind(report)
    for hours in range(0, 80, 2):
        with time_machine.travel(timezone.now() + dt.timedelta(hours=hours), tick=False):
            outbox_send()
    message = OutboxMessage.objects.get()
    assert message.state == "failed" and smtp.received == {}

    page = django_app.get(reverse("reviews:jobs"), user=hr)
    troubled = page.html.select_one('[data-testid="outbox-troubled"]').text
    assert report.email in troubled and "451" in troubled
    smtp.refuse = 0
    done = page.forms[[k for k, f in page.forms.items() if "resend" in (f.action or "")][0]]
    done.submit().follow()
    message.refresh_from_db()
    assert message.state == "pending"
    outbox_send()
    message.refresh_from_db()
    assert message.state == "sent" and sum(smtp.received.values()) == 1


@pytest.mark.django_db
def test_the_jobs_page_says_what_waits_and_why(report, hr, smtp, django_app):
    smtp.stop()
    remind(report)
    outbox_send()
    page = django_app.get(reverse("reviews:jobs"), user=hr)
    channels = page.html.select_one('[data-testid="outbox-channels"]').text
    assert "E-mail" in channels and "1" in channels
    assert "ConnectionRefusedError" in page.html.select_one('[data-testid="outbox-error"]').text


@pytest.mark.django_db
def test_only_hr_sends_a_message_again(report, manager, outsider, smtp, client):
    smtp.stop()
    remind(report)
    outbox_send()
    message = OutboxMessage.objects.get()
    url = reverse("reviews:outbox_resend", args=[message.pk])
    for person in (report, manager, outsider):
        client.force_login(person)
        assert client.post(url).status_code == 403
    assert client.get(url).status_code == 405
    message.refresh_from_db()
    assert message.attempts == 1 and message.due_at > timezone.now()


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_every_message_exactly_once(report, smtp):
    smtp.delay = 0.01
    for number in range(60):
        remind(report, key=f"k{number}")
    assert OutboxMessage.objects.count() == 60

    def sender() -> None:
        try:
            outbox_send(limit=7)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert OutboxMessage.objects.filter(state="sent").count() == 60
    assert len(smtp.received) == 60 and set(smtp.received.values()) == {1}


@pytest.mark.django_db
def test_sent_messages_are_forgotten_after_thirty_days_but_failures_stay(report, smtp):
    from accounts.outbox import outbox_purge  # noqa: PLC0415

    remind(report, key="a")
    outbox_send()
    smtp.refuse, smtp.refuse_code = 1, 550
    remind(report, key="b")
    outbox_send()
    with later(29 * 24 * 60):
        assert outbox_purge() == 0
    with later(31 * 24 * 60):
        assert outbox_purge() == 1
    assert list(OutboxMessage.objects.values_list("state", flat=True)) == ["failed"]


@pytest.mark.django_db
def test_the_admin_lists_the_outbox_without_what_the_messages_say(report, admin_client, smtp):
    send_mail("Praised for the Henderson account", "The words of the praise", None, [report.email])
    page = admin_client.get(reverse("admin:accounts_outboxmessage_changelist"))
    assert page.status_code == 200 and report.email in page.content.decode()
    message = OutboxMessage.objects.get()
    detail = admin_client.get(reverse("admin:accounts_outboxmessage_change", args=[message.pk]))
    assert detail.status_code == 200
    assert "The words of the praise" not in detail.content.decode()
