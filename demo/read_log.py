"""The demo's read log (issue 18 §3): the administrator revealed one of Priya Nair's
private notes for a stated reason, so Priya sees the read on her session.

Idempotent: once a read of a demo note is logged it does nothing.
"""

from __future__ import annotations

from accounts.models import User
from coaching.models import CoachingSession, PrivateNoteRead
from coaching.read_log import private_note_reveal

ADMIN_EMAIL = "admin@example.com"
COACH_EMAIL = "priya.nair@example.com"
REASON = "Legal request: disclosure asked for by the employment tribunal"


def demo_read_log_seed() -> None:
    """Log one read of the demo coach's private note, through the service that the
    admin's reveal page calls (so the author is told as in real use)."""
    admin = User.objects.filter(email=ADMIN_EMAIL, is_superuser=True).first()
    session = (
        CoachingSession.objects.filter(coach__email=COACH_EMAIL)
        .exclude(private_note="")
        .order_by("held_on", "pk")
        .first()
    )
    if admin is None or session is None:
        return
    if PrivateNoteRead.objects.filter(session__coach=session.coach).exists():
        return
    private_note_reveal(session=session, reader=admin, reason=REASON)
