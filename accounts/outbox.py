"""The outbox: every message that leaves the product, written with its cause, sent until accepted.

Issue 19, section 3, and DESIGN.md §3. Code that sends e-mail keeps calling
Django's mail API: ``EMAIL_BACKEND`` is ``OutboxEmailBackend``, which writes one
``OutboxMessage`` per e-mail in the caller's transaction. Webhooks and chat
messages are written the same way (``accounts.webhooks``). Nothing is sent
inside the transaction; once it commits, ``outbox_wake`` asks the worker to run
``outbox_send``, and a periodic task runs it every minute anyway, so a broker
that was down when the change committed delays a message, never loses it.

``outbox_send`` claims due messages for a short lease, sends each, and marks it
sent only after the other side accepted it (the SMTP server took the mail, the
receiver answered 2xx). A failure is retried with exponential backoff and
jitter until ``give_up_at``; a sender killed mid-send leaves its claim to
expire, and the message is sent again. So every message goes out at least once,
and twice only when the sender dies after the other side accepted and before
the mark was written: webhooks carry their ``key`` (``Webhook-Id``) so a
receiver can drop that repeat.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import random
import smtplib
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from email.mime.base import MIMEBase
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.utils import DNS_NAME
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import OutboxAttempt, OutboxMessage

logger = logging.getLogger(__name__)

OUTBOX_TASK = "accounts.tasks.outbox_send"
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(hours=1)


def _lease() -> dt.timedelta:
    """How long a sender holds what it claimed; one killed mid-send gives it back then."""
    return dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def _retry_for(channel: str) -> dt.timedelta:
    hours: int = (
        settings.OUTBOX_EMAIL_RETRY_HOURS
        if channel == OutboxMessage.Channel.EMAIL
        else settings.OUTBOX_WEBHOOK_RETRY_HOURS
    )
    return dt.timedelta(hours=hours)


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failure: 30 s doubling to at most an hour,
    times a random factor in [0.5, 1.5) so that senders retrying together spread out."""
    base: dt.timedelta = min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)
    return base * (0.5 + random.random())  # noqa: S311 - jitter, not a secret


def outbox_wake() -> None:
    """Ask for ``outbox_send`` once the current transaction commits (never fails the caller).

    ``OUTBOX_WAKE = "task"`` (always, outside tests) sends a Celery task; if the
    broker is down the periodic task sends the messages within a minute.
    ``"inline"`` sends in this process after the commit, for tests that check a
    mail without running a worker (the same ``outbox_send`` a worker runs).
    """
    if settings.OUTBOX_WAKE == "inline":
        transaction.on_commit(outbox_send)
        return
    from accounts.services import enqueue_on_commit  # noqa: PLC0415 - services import mail

    enqueue_on_commit(OUTBOX_TASK)


# --- E-mail ---------------------------------------------------------------------------


def email_payload(message: EmailMessage) -> dict[str, Any]:
    """An e-mail as JSON: every part needed to send it again exactly (attachments in base64)."""
    alternatives = [
        [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
    ]
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            continue  # never made by this product; a MIME part cannot be stored as JSON
        name, content, mimetype = attachment
        raw = content.encode() if isinstance(content, str) else content
        attachments.append([name, base64.b64encode(raw).decode(), mimetype])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "content_subtype": message.content_subtype,
        "alternatives": alternatives,
        "attachments": attachments,
    }


def email_from_payload(payload: dict[str, Any], *, key: str = "") -> EmailMultiAlternatives:
    """The ``EmailMultiAlternatives`` that ``email_payload`` stored.

    With ``key`` (the outbox message's), its ``Message-ID`` is made from the key,
    the same on every attempt: a mail client shows a repeat once.
    """
    headers = dict(payload["headers"])
    if key and not any(name.lower() == "message-id" for name in headers):
        headers["Message-ID"] = f"<{key}@{DNS_NAME}>"
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        headers=headers,
    )
    message.content_subtype = payload.get("content_subtype", "plain")
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    for name, content, mimetype in payload["attachments"]:
        message.attach(name, base64.b64decode(content), mimetype)
    return message


class OutboxEmailBackend(BaseEmailBackend):
    """Django's ``EMAIL_BACKEND``: each e-mail becomes an outbox row in the caller's transaction.

    The real server is ``OUTBOX_EMAIL_BACKEND`` (SMTP in production), used only by
    ``outbox_send``. Returns how many e-mails were written.
    """

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        now = timezone.now()
        give_up_at = now + _retry_for(OutboxMessage.Channel.EMAIL)
        rows = [
            OutboxMessage(
                channel=OutboxMessage.Channel.EMAIL,
                recipient=", ".join(message.recipients())[:500],
                subject=str(message.subject)[:300],
                payload=email_payload(message),
                created_at=now,
                due_at=now,
                give_up_at=give_up_at,
            )
            for message in email_messages
            if message.recipients()
        ]
        if rows:
            OutboxMessage.objects.bulk_create(rows)
            outbox_wake()
        return len(rows)


# --- Sending --------------------------------------------------------------------------


def _due(now: dt.datetime) -> Q:
    return Q(state=OutboxMessage.State.PENDING, due_at__lte=now) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def outbox_claim(*, limit: int, now: dt.datetime | None = None) -> list[OutboxMessage]:
    """Claim up to ``limit`` due messages for the lease (``OUTBOX_LEASE_SECONDS``), oldest first.

    ``SELECT … FOR UPDATE SKIP LOCKED``: two senders at once never claim the same
    message. The claim commits before anything is sent, so a sender that dies
    holds nothing but an expiring lease.
    """
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.filter(_due(now))
            .order_by("due_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        OutboxMessage.objects.filter(pk__in=ids).update(claimed_until=now + _lease())
    return list(OutboxMessage.objects.filter(pk__in=ids).select_related("endpoint").order_by("pk"))


def _record(
    message: OutboxMessage,
    *,
    accepted: bool,
    status_code: int | None = None,
    error: str = "",
    permanent: bool = False,
    started: float,
) -> None:
    """Write the attempt's outcome: sent, due again after a backoff, or given up (at
    ``give_up_at``, or at once when ``permanent``: the server said it never will)."""
    now = timezone.now()
    attempts = message.attempts + 1
    fields: dict[str, Any] = {
        "attempts": attempts,
        "claimed_until": None,
        "last_status": status_code,
        "last_error": error[:500],
    }
    if accepted:
        fields.update(state=OutboxMessage.State.SENT, sent_at=now)
    elif permanent or (message.give_up_at and now >= message.give_up_at):
        fields.update(state=OutboxMessage.State.FAILED)
    else:
        fields.update(due_at=now + retry_delay(attempts))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The mark need not wait for the disk: a crash that loses it only sends the
            # message again (the window README names), never loses one. 4 ms → 0.1 ms.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        OutboxMessage.objects.filter(pk=message.pk, state=OutboxMessage.State.PENDING).update(
            **fields
        )
        # The delivery log keeps every webhook attempt, and an e-mail's failures.
        if message.channel == OutboxMessage.Channel.WEBHOOK or not accepted:
            OutboxAttempt.objects.create(
                message_id=message.pk,
                at=now,
                accepted=accepted,
                status_code=status_code,
                error=error[:500],
                duration_ms=int((time.monotonic() - started) * 1000),
            )
    for key, value in fields.items():
        setattr(message, key, value)


def smtp_refused_for_good(error: BaseException) -> bool:
    """Whether the SMTP server refused for good (a 5xx reply: no such mailbox, policy),
    as against for now (4xx, or the network): a permanent refusal is not retried."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(
            code >= 500 for code, _text in error.recipients.values()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def _release(messages: Iterable[OutboxMessage]) -> None:
    """Give back claimed messages unsent (the lease is nearly over): due again at once."""
    OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).update(claimed_until=None)


def _send_emails(messages: list[OutboxMessage], *, until: float) -> Counter[str]:
    """Send e-mails over one connection to the real server; each marked on its own.

    Stops before ``until`` (monotonic seconds, well inside the lease) and gives the
    rest back, so a slow server never lets a second sender claim what this one sends.
    """
    outcome: Counter[str] = Counter()
    started = time.monotonic()
    try:
        mail = get_connection(settings.OUTBOX_EMAIL_BACKEND, fail_silently=False)
        mail.open()
    except Exception as error:  # the server is down or refuses us: every message waits
        for message in messages:
            _record(
                message, accepted=False, error=f"{type(error).__name__}: {error}", started=started
            )
            outcome["failed"] += 1
        return outcome
    try:
        for index, message in enumerate(messages):
            if time.monotonic() > until:
                _release(messages[index:])
                break
            started = time.monotonic()
            try:
                accepted = (
                    mail.send_messages([email_from_payload(message.payload, key=str(message.key))])
                    == 1
                )
            except Exception as error:  # refused, dropped, timed out
                _record(
                    message,
                    accepted=False,
                    error=f"{type(error).__name__}: {error}",
                    permanent=smtp_refused_for_good(error),
                    started=started,
                )
                outcome["failed"] += 1
                continue
            _record(
                message,
                accepted=accepted,
                error="" if accepted else "The mail server did not take it.",
                started=started,
            )
            outcome["sent" if accepted else "failed"] += 1
    finally:
        try:
            mail.close()
        except Exception:  # noqa: S110 - closing a broken connection may fail; it is gone anyway
            pass
    return outcome


def _send_webhooks(messages: list[OutboxMessage], *, until: float) -> Counter[str]:
    """POST each delivery (``accounts.webhooks.webhook_post``), stopping before ``until``.

    A receiver that did not answer (refused, timed out) is not called again for a
    minute: its other deliveries wait, uncounted, so that one receiver that hangs does
    not hold the worker for a timeout per delivery, in this run or the next.
    """
    from accounts.webhooks import webhook_post  # noqa: PLC0415 - webhooks import the outbox

    outcome: Counter[str] = Counter()
    unreachable: set[int | None] = set()
    checked: set[int | None] = set()
    for index, message in enumerate(messages):
        if time.monotonic() > until:
            _release(messages[index:])
            break
        if message.endpoint_id not in checked:
            checked.add(message.endpoint_id)
            if _unreachable_lately(message.endpoint_id):
                unreachable.add(message.endpoint_id)
        if message.endpoint_id in unreachable:
            _postpone(message, seconds=60)
            continue
        started = time.monotonic()
        result = webhook_post(message)
        _record(
            message,
            accepted=result.accepted,
            status_code=result.status_code,
            error=result.error,
            started=started,
        )
        if not result.accepted and result.status_code is None and message.endpoint_id:
            unreachable.add(message.endpoint_id)
            # And for the runs that follow: its other due deliveries wait that minute too.
            OutboxMessage.objects.filter(
                endpoint_id=message.endpoint_id,
                state=OutboxMessage.State.PENDING,
                claimed_until__isnull=True,
                due_at__lt=timezone.now() + dt.timedelta(seconds=60),
            ).update(due_at=timezone.now() + dt.timedelta(seconds=60))
        outcome["sent" if result.accepted else "failed"] += 1
    return outcome


def _unreachable_lately(endpoint_id: int | None) -> bool:
    """Whether the endpoint's latest attempt, within the last minute, got no answer."""
    if endpoint_id is None:
        return False
    latest = (
        OutboxAttempt.objects.filter(
            message__endpoint_id=endpoint_id, at__gte=timezone.now() - dt.timedelta(seconds=60)
        )
        .order_by("-at", "-pk")
        .values("accepted", "status_code")
        .first()
    )
    return latest is not None and not latest["accepted"] and latest["status_code"] is None


def _postpone(message: OutboxMessage, *, seconds: int) -> None:
    """Give a claimed message back, due in ``seconds``, without counting an attempt."""
    OutboxMessage.objects.filter(pk=message.pk).update(
        claimed_until=None, due_at=timezone.now() + dt.timedelta(seconds=seconds)
    )


def outbox_send(*, limit: int = 200, budget_seconds: float = 50.0) -> Counter[str]:
    """Send what is due, batch after batch, for at most ``budget_seconds`` (then the next run
    goes on). Returns ``{"sent": n, "failed": m}``: failed ones are due again later."""
    outcome: Counter[str] = Counter()
    deadline = time.monotonic() + budget_seconds
    while time.monotonic() < deadline:
        batch = outbox_claim(limit=limit)
        if not batch:
            break
        # Half the lease: a message is never sent after its claim could have expired.
        until = min(time.monotonic() + _lease().total_seconds() / 2, deadline + 30)
        emails = [m for m in batch if m.channel == OutboxMessage.Channel.EMAIL]
        hooks = [m for m in batch if m.channel == OutboxMessage.Channel.WEBHOOK]
        if emails:
            outcome.update(_send_emails(emails, until=until))
        if hooks:
            outcome.update(_send_webhooks(hooks, until=until))
    return outcome


def outbox_resend(*, message_ids: Iterable[int]) -> int:
    """Send again (HR's *resend*): the messages become due now, with a fresh retry period.

    A sent message is sent once more (the receiver sees the same ``Webhook-Id``);
    returns how many were queued.
    """
    now = timezone.now()
    queued = 0
    for message in OutboxMessage.objects.filter(pk__in=list(message_ids)):
        OutboxMessage.objects.filter(pk=message.pk).update(
            state=OutboxMessage.State.PENDING,
            due_at=now,
            claimed_until=None,
            give_up_at=now + _retry_for(message.channel),
        )
        queued += 1
    if queued:
        outbox_wake()
    return queued


def outbox_purge(*, days: int = 30) -> int:
    """Delete messages sent more than ``days`` ago (their bodies need not be kept);
    what failed stays for HR. Returns how many were deleted."""
    cutoff = timezone.now() - dt.timedelta(days=days)
    deleted, _by_model = OutboxMessage.objects.filter(
        state=OutboxMessage.State.SENT, sent_at__lt=cutoff
    ).delete()
    return deleted
