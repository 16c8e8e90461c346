"""What connects the product to the outside (issue 19): personal access tokens,
webhook endpoints, and the one outbox every outgoing message is written to.

Kept apart from ``accounts.models`` (which imports them, so Django registers
them as models of the ``accounts`` app) to keep each module short.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from knox.models import AbstractAuthToken

__all__ = [
    "ApiToken",
    "OutboxAttempt",
    "OutboxMessage",
    "WebhookEndpoint",
    "WebhookEvent",
]


class ApiToken(AbstractAuthToken):
    """A personal access token: named, scoped, shown once, stored as a SHA-512 digest (knox).

    ``token_key`` is the token's first characters, kept in clear so a person can
    tell their tokens apart; the rest of the token is nowhere but with its owner.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    # Annotated: knox's base model is untyped, so django-stubs cannot infer these.
    name: models.CharField[str, str] = models.CharField(_("name"), max_length=100)
    scope: models.CharField[str, str] = models.CharField(
        _("access"), max_length=5, choices=Scope.choices, default=Scope.READ
    )
    last_used_at: models.DateTimeField[dt.datetime | None, dt.datetime | None] = (
        models.DateTimeField(_("last used"), null=True, blank=True)
    )

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.token_key}…)"

    @property
    def can_write(self) -> bool:
        return bool(self.scope == self.Scope.WRITE)


class WebhookEvent(models.TextChoices):
    """The events a webhook endpoint may subscribe to (issue 19, section 2)."""

    REVIEW_SUBMITTED = "review_table.submitted", _("Review table submitted")
    REVIEW_RETURNED = "review_table.returned", _("Review table returned for revision")
    REVIEW_FINALISED = "review_table.finalised", _("Review table finalised")
    REVIEW_OVERDUE = "review_table.overdue", _("Review table overdue")
    SESSION_SHARED = "coaching_session.shared", _("Coaching session shared")
    ACTION_ITEM_OVERDUE = "action_item.overdue", _("Action item overdue")
    OBJECTIVE_LAGGING = "objective.lagging", _("Objective lagging its plan")
    IMPROVEMENT_PLAN_OPENED = "improvement_plan.opened", _("Improvement plan opened")
    EXPORT_READY = "export.ready", _("Export ready")


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A receiver HR registered: a URL, the secret deliveries are signed with, the events.

    ``format`` decides the body: our signed JSON, or the incoming-webhook message
    of a chat tool (Slack, Microsoft Teams) written in ``language``.
    """

    class Format(models.TextChoices):
        JSON = "json", _("JSON (signed)")
        SLACK = "slack", _("Slack channel")
        TEAMS = "teams", _("Microsoft Teams channel")

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=100, default=_new_secret)
    events = models.JSONField(_("events"), default=list)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default="json")
    language = models.CharField(_("language"), max_length=10, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Why it was switched off, in words someone wrote; empty when the sender switched it off
    # (``switched_off_reason`` then says why in the reader's language).
    disabled_reason = models.CharField(max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    # When the current run of failed attempts began; None while deliveries are accepted.
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.name

    @property
    def switched_off_reason(self) -> str:
        """Why it is off, in the reader's language: what someone wrote, else the failures."""
        if self.disabled_reason or self.failing_since is None:
            return self.disabled_reason
        since = formats.date_format(timezone.localtime(self.failing_since), "DATETIME_FORMAT")
        return ngettext(
            "every delivery has failed since %(since)s (%(count)d attempt in a row)",
            "every delivery has failed since %(since)s (%(count)d attempts in a row)",
            self.consecutive_failures,
        ) % {"since": since, "count": self.consecutive_failures}

    @property
    def event_labels(self) -> list[tuple[str, str]]:
        """``[(event, its name in the reader's language)]`` of the events it takes."""
        names = dict(WebhookEvent.choices)
        return [(event, str(names.get(event, event))) for event in self.events or []]

    @property
    def message_language(self) -> str:
        """The language chat messages are written in: the endpoint's, else the organisation's."""
        return self.language or settings.LANGUAGE_CODE


class OutboxMessage(models.Model):
    """One message leaving the product: an e-mail or a webhook delivery.

    Written in the same transaction as the change that causes it; marked
    ``sent`` only once the other side accepted it (the SMTP server took the
    mail, the receiver answered 2xx). ``key`` is the idempotency key receivers
    see (``Webhook-Id``), the same on every attempt.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WEBHOOK = "webhook", _("Webhook")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Gave up")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.CharField(max_length=50, blank=True)
    # Who or where, and what, in words for the jobs page: an address and a subject,
    # or an endpoint's URL and the event.
    recipient = models.CharField(max_length=500)
    subject = models.CharField(max_length=300, blank=True)
    # Everything needed to send it again exactly: the e-mail's parts, or the body.
    payload = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(default=timezone.now)
    # A sender holds a message until then; a sender killed mid-send leaves it to expire.
    claimed_until = models.DateTimeField(null=True, blank=True)
    give_up_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [
            models.Index(
                fields=["due_at"],
                name="accounts_outbox_due",
                condition=models.Q(state="pending"),
            ),
            models.Index(fields=["endpoint", "-created_at"], name="accounts_outbox_endpoint"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.key} → {self.recipient} ({self.state})"


class OutboxAttempt(models.Model):
    """One try at sending a message, kept for the delivery log."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField(default=timezone.now)
    accepted = models.BooleanField(default=False)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        at = timezone.localtime(self.at)
        return f"{self.message_id} at {at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"
