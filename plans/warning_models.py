"""Early warnings (issue 16 §7): a problem seen before it arrives, recorded once.

Kept apart from ``plans.models`` (which imports it, so Django registers it in
``plans``) to keep each module short.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class EarlyWarning(models.Model):
    """A check-in whose confidence fell, or an objective that went from on track to lagging.

    The database keeps each event once: one warning per check-in, one lagging
    crossing per objective and day. The coach is told in-app when it is recorded
    and, once, in the weekly digest (``digest_key``: the digest's week).
    """

    class Kind(models.TextChoices):
        LOW_CONFIDENCE = "low", _("Confidence fell to 2 or below")
        CONFIDENCE_DROP = "drop", _("Confidence dropped by 2 or more")
        LAGGING = "lagging", _("From on track to lagging")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    objective = models.ForeignKey(
        "plans.Objective", on_delete=models.CASCADE, related_name="early_warnings"
    )
    checkin = models.ForeignKey(
        "plans.CheckIn",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="early_warnings",
    )
    # Who was told: the person's manager, or the head above a department, at the time.
    coach = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="early_warnings"
    )
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    previous_confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    raised_on = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now)
    digest_key = models.CharField(max_length=20, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["checkin"],
                condition=models.Q(checkin__isnull=False),
                name="plans_earlywarning_once_per_checkin",
            ),
            models.UniqueConstraint(
                fields=["objective", "raised_on"],
                condition=models.Q(kind="lagging"),
                name="plans_earlywarning_lagging_once_a_day",
            ),
        ]
        indexes = [
            models.Index(
                fields=["coach"],
                condition=models.Q(digest_key=""),
                name="plans_earlywarning_undigested",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.objective_id} · {self.raised_on}"
