"""Reminders: recorded once, then sent in-app and by e-mail in each recipient's language.

The apps say what is due (``Reminder``); ``reminders_send`` records each in
``SentReminder`` before sending it, so a re-run, or two runs at once, sends
nothing twice.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_stubs_ext import StrOrPromise

from accounts.models import SentReminder, User
from accounts.services import notify_each
from accounts.stand_ins import IN_PLACE_OF, StandIns, in_place_of
from accounts.texts import message_text
from accounts.webhook_events import WebhookCall, webhook_calls_emit

logger = logging.getLogger(__name__)


@dataclass
class Reminder:
    """One reminder to one person.

    Sent once ever per (``kind``, ``recipient``, ``key``). ``subject`` and
    ``lines`` are untranslated (``gettext_noop``, or ``ngettext_lazy`` with a named
    number: ``accounts.texts``) with ``%(name)s`` placeholders filled from
    ``params``; ``url`` is a path on this site.
    """

    kind: str
    recipient: User
    key: str
    subject: StrOrPromise
    lines: list[StrOrPromise]
    url: str
    params: dict[str, Any] = field(default_factory=dict)
    # Said instead of ``subject`` to a stand-in when the recipient has left (``subject``
    # speaks to the recipient: "Your table …"); empty: ``subject`` reads right to anyone.
    stand_in_subject: StrOrPromise = ""
    # The webhook event this reminder's first recording emits (issue 19 §2): once per
    # event and thing, however many people (or stand-ins) the reminder reaches.
    webhook: WebhookCall | None = None


def unsent(kind: str, *, recipient: str, key: str) -> Q:
    """A condition on a reminder source's rows: its ``kind`` reminder is still to send.

    ``recipient`` and ``key`` name fields or annotations of the source's rows (the
    recipient's pk; the reminder's key as text). True when no ``SentReminder`` records
    that reminder, or when the recipient has left: ``reminders_send`` then gives it to
    a stand-in under a key of its own and decides itself. So a source filtered by this
    builds nothing in Python when a re-run has nothing to send (issue 21 §5); recording
    stays the one guard against sending twice (``_record_sent``).
    """
    recorded = SentReminder.objects.filter(
        kind=kind, recipient_id=OuterRef(recipient), key=OuterRef(key)
    )
    absent = User.objects.filter(pk=OuterRef(recipient), is_active=False)
    return Q(~Exists(recorded)) | Q(Exists(absent))


def _record_sent(batch: list[Reminder]) -> list[Reminder]:
    """Record the batch as sent in one statement; returns the ones this call recorded.

    ``INSERT … ON CONFLICT DO NOTHING RETURNING``: what an earlier run recorded is
    skipped, and of two runs at once exactly one records (and so sends) each.
    """
    unique = list({(r.kind, r.recipient.pk, r.key): r for r in batch}.values())
    if not unique:
        return []
    table = connection.ops.quote_name(SentReminder._meta.db_table)
    sent_at = connection.ops.adapt_datetimefield_value(timezone.now())
    values = ", ".join(["(%s, %s, %s, %s)"] * len(unique))
    params = [v for r in unique for v in (r.kind, r.recipient.pk, r.key, sent_at)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, recipient_id, key, sent_at) VALUES {values}"  # noqa: S608 - names from the model, values as parameters
            " ON CONFLICT DO NOTHING RETURNING kind, recipient_id, key",
            params,
        )
        recorded = set(cursor.fetchall())
    return [r for r in unique if (r.kind, r.recipient.pk, r.key) in recorded]


def _forward_absent(batch: list[Reminder], stand_ins: StandIns) -> list[Reminder]:
    """The batch with every reminder to an inactive person given to their stand-ins instead.

    Issue 15, section 3: nobody inactive is e-mailed or notified; the next active
    person up their line (or HR) receives it, told in whose place. Its key names
    the absent person, so it too is recorded, and sent, once.
    """
    forwarded: list[Reminder] = []
    for reminder in batch:
        absent = reminder.recipient
        if absent.is_active:
            forwarded.append(reminder)
            continue
        stand_in = stand_ins.of(absent)
        inner = reminder.stand_in_subject or reminder.subject
        params = {**reminder.params, **in_place_of(absent, inner, reminder.params)}
        forwarded.extend(
            replace(
                reminder,
                recipient=person,
                key=f"{reminder.key}>{absent.pk}",
                subject=IN_PLACE_OF,
                lines=[stand_in.reason, *reminder.lines],
                params=params,
                stand_in_subject="",
            )
            for person in stand_in.recipients
        )
    return forwarded


def reminders_send(reminders: Iterable[Reminder], size: int = 1000) -> Counter[str]:
    """Record, then send: in-app at once, e-mail after the batch commits.

    A thousand reminders a transaction, each recorded once ever; returns how
    many of each kind this run sent. A reminder to someone inactive goes to
    their stand-in instead (``_forward_absent``): no caller can e-mail a person
    who has left.
    """
    sent: Counter[str] = Counter()
    source = iter(reminders)
    stand_ins = StandIns()
    while batch := list(islice(source, size)):
        with transaction.atomic():
            fresh = _record_sent(_forward_absent(batch, stand_ins))
            notify_each((r.recipient, r.subject, r.url, r.params) for r in fresh)
            # Into the outbox in this same transaction: recorded as sent and queued to
            # leave together, or neither (the worker sends it once the server takes it).
            _email(fresh)
            _webhooks(fresh)
        sent.update(r.kind for r in fresh)
    return sent


def _webhooks(reminders: list[Reminder]) -> None:
    """Emit the webhook events of the reminders recorded now, each once."""
    calls = {id(r.webhook): r.webhook for r in reminders if r.webhook is not None}
    webhook_calls_emit(calls.values())


def _email(reminders: list[Reminder]) -> None:
    """Each reminder by e-mail in its recipient's language, over one connection."""
    messages = []
    for reminder in reminders:
        person = reminder.recipient
        if not person.is_active:
            continue  # forwarded before it was recorded; never e-mailed
        with translation.override(person.preferred_language):
            subject = message_text(reminder.subject, reminder.params)
            context: dict[str, Any] = {
                "person": person,
                "subject": subject,
                "lines": [message_text(line, reminder.params) for line in reminder.lines],
                "link": f"{settings.SITE_URL}{reminder.url}",
            }
            text = render_to_string("accounts/email/reminder.txt", context)
            html = render_to_string("accounts/email/reminder.html", context)
        message = EmailMultiAlternatives(subject, text, to=[person.email])
        message.attach_alternative(html, "text/html")
        messages.append(message)
    if messages:
        get_connection().send_messages(messages)
