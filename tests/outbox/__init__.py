"""What the worker does after a commit, for tests that run no worker: send the outbox."""

from __future__ import annotations

from django.core import mail

from accounts.outbox import outbox_send


def delivered() -> list[mail.EmailMessage]:
    """Send every due outbox message (e-mails to ``mail.outbox``); returns ``mail.outbox``."""
    outbox_send()
    return mail.outbox
