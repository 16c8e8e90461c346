"""The steps of a calibration, for its history (issue 17 §4).

``Calibration`` (``reviews.result_models``) keeps only when it was started, done
and published; reopening a done calibration asks for a reason, which has to be
kept somewhere, so every step is recorded here: who, when, which step, and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.result_models import Calibration


class CalibrationEvent(models.Model):
    """One step of a calibration: started, participants changed, done, reopened, published."""

    class Step(models.TextChoices):
        STARTED = "started", _("Started")
        PARTICIPANTS = "participants", _("Participants changed")
        DONE = "done", _("Marked done")
        REOPENED = "reopened", _("Reopened")
        PUBLISHED = "published", _("Published")

    calibration = models.ForeignKey(Calibration, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    step = models.CharField(_("step"), max_length=12, choices=Step.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("calibration step")
        verbose_name_plural = _("calibration steps")

    def __str__(self) -> str:
        return f"{self.calibration_id}: {self.step}"
