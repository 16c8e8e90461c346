"""The month's review conversation (issue 16 §2): the coaching session of occasion
*mid-term review* held about one monthly review table.

A link between the two, kept in ``reviews`` (the higher app): ``coaching`` knows
nothing of review tables. Loaded with ``reviews.models``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coaching.models import CoachingSession


class ReviewConversation(models.Model):
    table = models.OneToOneField(
        "reviews.ReviewTable",
        verbose_name=_("review table"),
        on_delete=models.CASCADE,
        related_name="conversation",
    )
    session = models.OneToOneField(
        CoachingSession,
        verbose_name=_("coaching session"),
        on_delete=models.CASCADE,
        related_name="review_conversation",
    )
    held_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="review_conversations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "reviews"
        verbose_name = _("review conversation")
        verbose_name_plural = _("review conversations")

    def __str__(self) -> str:
        return f"{self.table} → {self.session}"
