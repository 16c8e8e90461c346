"""Revealing a private note, the one exception to "its author's alone" (issue 18 §3).

A superuser may reveal one note in the admin after giving a reason. The read is
written before the note is shown, in the same transaction, and its author is
told; the author then sees every read on their session.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import notify_each
from coaching.models import CoachingSession, PrivateNoteRead

REASON_MIN_LENGTH = 10
# "aaaaaaaaaaaa" or a row of dots is no reason: so many different letters at least
# (any script: 法院要求披露 counts six).
REASON_MIN_DISTINCT_LETTERS = 5

READ_MESSAGE = _(
    "The administrator %(reader)s read the private note of your coaching session of %(date)s: "
    "%(reason)s"
)


def reason_is_meaningful(reason: str) -> bool:
    """Whether ``reason`` (already trimmed) reads as words: at least ``REASON_MIN_LENGTH``
    characters with ``REASON_MIN_DISTINCT_LETTERS`` different letters, in any script."""
    letters = {c.casefold() for c in reason if c.isalpha()}
    return len(reason) >= REASON_MIN_LENGTH and len(letters) >= REASON_MIN_DISTINCT_LETTERS


def can_reveal_private_note(user: User) -> bool:
    """Only a superuser, and only through the admin's reveal page."""
    return bool(user.is_active and user.is_superuser)


def private_note_reveal(*, session: CoachingSession, reader: User, reason: str) -> str:
    """Record that ``reader`` reads ``session``'s private note for ``reason``; return the note.

    The read is logged (who, when, which session, why) and the author told in
    the app, in the same transaction as the read, so there is no read without
    its record. Raises ``PermissionDenied`` for anyone but an active superuser,
    and ``ValueError`` for a reason that is not words (``reason_is_meaningful``; the
    admin form says so beside the field first).
    """
    if not can_reveal_private_note(reader):
        raise PermissionDenied
    reason = " ".join(reason.split())
    if not reason_is_meaningful(reason):
        raise ValueError("a reason in words is required")
    with transaction.atomic():
        locked = CoachingSession.objects.select_for_update().get(pk=session.pk)
        read = PrivateNoteRead.objects.create(session=locked, reader=reader, reason=reason)
        author = locked.coach
        if author.is_active and author.pk != reader.pk:
            # Told only themself: a note forwarded to a stand-in would tell them of the read.
            notify_each(
                [
                    (
                        author,
                        READ_MESSAGE,
                        locked.get_absolute_url(),
                        {
                            "reader": reader.full_name or reader.email,
                            "date": _date_for(author, locked),
                            "reason": read.reason,
                        },
                    )
                ]
            )
        return locked.private_note


def _date_for(person: User, session: CoachingSession) -> str:
    with translation.override(person.preferred_language):
        return date_format(session.held_on, "DATE_FORMAT")


def private_note_reads_of(session: CoachingSession) -> list[PrivateNoteRead]:
    """The reads of ``session``'s private note, newest first, with their readers."""
    return list(session.private_note_reads.select_related("reader").order_by("-read_at", "-pk"))
