"""Writes to the organisation. Views, tasks and commands call these."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from celery import current_app
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from accounts.data_versions import data_changed
from accounts.models import Notification, User
from accounts.person_figures import notifications_scope
from accounts.stand_ins import IN_PLACE_OF, StandIns, in_place_of
from accounts.texts import message_text

logger = logging.getLogger(__name__)


def enqueue_on_commit(task_name: str, *args: object) -> None:
    """Send a Celery task once the transaction commits; never fail the caller.

    If the broker is down the work stays recorded in the database and a
    periodic sweep picks it up, so a web request still succeeds.
    """

    def send() -> None:
        try:
            current_app.send_task(task_name, args=list(args))
        except Exception:  # the broker refused or is unreachable
            logger.warning("Could not enqueue %s; the periodic sweep will do it.", task_name)

    transaction.on_commit(send)


def invitations_request(*, user_ids: list[int], actor: User | None) -> int:
    """Mark people as waiting for an invitation and enqueue the sending."""
    count = User.objects.filter(pk__in=user_ids, is_active=True, invited_at__isnull=True).update(
        invitation_requested_at=timezone.now()
    )
    logger.info("%s requested invitations for %d people", actor.email if actor else "system", count)
    if count:
        enqueue_on_commit("accounts.tasks.invitations_send", user_ids)
    return count


def invitation_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL}{path}"


def _invitation_message(user: User) -> EmailMultiAlternatives:
    with translation.override(user.preferred_language):
        context = {"user": user, "link": invitation_link(user), "site_url": settings.SITE_URL}
        subject = _("Welcome to Coaching Cycles: set your password")
        text = render_to_string("accounts/email/invitation.txt", context)
        html = render_to_string("accounts/email/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    return message


def invitations_send(*, user_ids: list[int] | None = None, limit: int = 500) -> int:
    """Send pending invitations, each at most once, even when run twice at once.

    Rows are locked with SKIP LOCKED, so two workers never pick the same person,
    and ``invited_at`` is set in the same transaction as the sending.
    """
    sent = 0
    pending = User.objects.filter(
        is_active=True, invited_at__isnull=True, invitation_requested_at__isnull=False
    ).order_by("pk")
    if user_ids is not None:
        pending = pending.filter(pk__in=user_ids)
    for user_id in list(pending.values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            # Checked again under the lock: a person who left meanwhile is never invited.
            user = (
                User.objects.select_for_update(skip_locked=True)
                .filter(pk=user_id, is_active=True, invited_at__isnull=True)
                .first()
            )
            if user is None:
                continue
            _invitation_message(user).send()
            user.invited_at = timezone.now()
            user.save(update_fields=["invited_at"])
            sent += 1
    return sent


def notify(
    *, recipients: Iterable[User], message: StrOrPromise, url: str = "", **params: Any
) -> int:
    """In-app notifications, each in its recipient's language.

    ``message`` is an untranslated string (mark it with ``gettext_noop``, or
    ``ngettext_lazy`` for a number: ``accounts.texts``) with ``%(name)s``
    placeholders filled from ``params``.
    """
    unique = {person.pk: person for person in recipients}
    return notify_each((person, message, url, params) for person in unique.values())


def notify_each(items: Iterable[tuple[User, StrOrPromise, str, dict[str, Any]]]) -> int:
    """One notification per (recipient, message, url, params), in one insert.

    Nobody inactive is notified (issue 15, section 3): what is addressed to a
    person who has left goes to the next active person up their line, or to
    every active HR person when there is nobody, prefixed "In place of …, who
    has left:". Returns how many notifications were written.
    """
    notifications = []
    stand_ins = StandIns()
    resolved: list[tuple[User, StrOrPromise, str, dict[str, Any]]] = []
    items = list(items)
    # Someone told directly is not told again in place of someone who left.
    told = {person.pk for person, *_rest in items if person.is_active}
    for person, message, url, params in items:
        if person.is_active:
            resolved.append((person, message, url, params))
            continue
        stand_in = stand_ins.of(person)
        wrapped = in_place_of(person, message, params)
        resolved.extend(
            (other, IN_PLACE_OF, url, wrapped)
            for other in stand_in.recipients
            if other.pk not in told
        )
    for person, message, url, params in resolved:
        with translation.override(person.preferred_language):
            text = message_text(message, params)
        notifications.append(Notification(recipient=person, message=text[:300], url=url))
    Notification.objects.bulk_create(notifications)
    # ``bulk_create`` sends no signals: each recipient's cached bell count is bumped here.
    data_changed(*{notifications_scope(n.recipient_id) for n in notifications})
    return len(notifications)


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    marked = unread.update(read_at=timezone.now())
    if marked:
        data_changed(notifications_scope(user.pk))
    return marked


def user_profile_update(
    *, user: User, full_name: str, language: str, weekly_digest: bool = True
) -> User:
    user.full_name = full_name
    user.language = language
    user.weekly_digest = weekly_digest
    user.save(update_fields=["full_name", "language", "weekly_digest"])
    return user


def user_language_set(*, user: User, language: str) -> None:
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
