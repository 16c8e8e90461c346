"""The read log of private notes (issue 18 §3; DESIGN.md §2).

A private note is its author's alone. The one exception is a superuser who, in
the admin, reveals one note after giving a reason: each such read is a row
here, shown to the author on their session. Rows are never changed or deleted
through the product (the admin offers neither, and a session or person with a
logged read cannot be deleted).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User

__all__ = ["PrivateNoteRead"]


class PrivateNoteRead(models.Model):
    session = models.ForeignKey(
        "coaching.CoachingSession",
        verbose_name=_("coaching session"),
        on_delete=models.PROTECT,
        related_name="private_note_reads",
    )
    reader = models.ForeignKey(
        User, verbose_name=_("read by"), on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(_("read at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        ordering = ["-read_at", "-pk"]
        verbose_name = _("private note read")
        verbose_name_plural = _("private note reads")

    def __str__(self) -> str:
        return f"{timezone.localtime(self.read_at):%Y-%m-%d %H:%M} · {self.reader}"
