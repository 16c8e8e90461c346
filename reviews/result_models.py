"""The appraisal result of each subject at the end of a cycle, and its calibration
(issue 17 §3–§4).

Kept apart from ``reviews.models`` (which imports it, so Django registers it in
``reviews``) to keep each module short. ``CycleResult`` is an ``OrgRecord``: it
keeps the department and the line manager of the cycle's end, under which the
calibration groups it however the organisation changes later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.links import pk_url
from accounts.models import OrgRecord


class CycleResult(OrgRecord):
    """One person's or one department's result of one appraisal cycle.

    ``completion`` is the weighted completion of the subject's objectives in
    percent (each objective's latest check-in on or before the cycle's end
    against its final target), stored with ``breakdown`` — one entry per
    objective — so that the calibration of a large organisation reads one
    column. ``proposed_rating`` is the manager's proposal on the cycle's rating
    scale; ``final_rating`` is what stands after calibration (the proposal
    unless adjusted); the person sees it once HR published the cycle's results.
    """

    cycle = models.ForeignKey(
        "plans.AppraisalCycle",
        verbose_name=_("cycle"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cycle_results",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cycle_results",
    )
    completion = models.DecimalField(
        _("weighted completion"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    breakdown = models.JSONField(default=list, blank=True, editable=False)
    computed_at = models.DateTimeField(null=True, blank=True, editable=False)
    proposed_rating = models.CharField(_("proposed rating"), max_length=50, blank=True)
    proposed_comment = models.TextField(_("comment"), max_length=4000, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    final_rating = models.CharField(_("final rating"), max_length=50, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    person_comment = models.TextField(_("your comment"), max_length=4000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every save from an edit form (accounts.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["cycle", "pk"]
        verbose_name = _("cycle result")
        verbose_name_plural = _("cycle results")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(employee__isnull=True) ^ models.Q(department__isnull=True),
                name="reviews_result_one_subject",
            ),
            models.UniqueConstraint(
                fields=["cycle", "employee"],
                condition=models.Q(employee__isnull=False),
                name="reviews_result_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["cycle", "department"],
                condition=models.Q(department__isnull=False),
                name="reviews_result_once_per_department",
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "home_department"], name="reviews_result_cycle_dept"),
            models.Index(fields=["cycle", "line_manager"], name="reviews_result_cycle_manager"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id} · {self.employee or self.department}"

    def get_absolute_url(self) -> str:
        return pk_url("reviews:result_detail", self.pk)


class Calibration(models.Model):
    """HR's calibration of a cycle's proposed ratings, with the heads taking part.

    Started by HR; ``participants`` (department heads chosen by HR) see and
    adjust the proposals with HR; ``done_at`` ends the adjusting;
    ``published_at`` shows every final rating to its person.
    """

    cycle = models.OneToOneField(
        "plans.AppraisalCycle",
        verbose_name=_("cycle"),
        on_delete=models.CASCADE,
        related_name="calibration",
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants"),
        blank=True,
        related_name="calibrations",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("calibration")
        verbose_name_plural = _("calibrations")

    def __str__(self) -> str:
        return str(self.cycle_id)


class RatingAdjustment(models.Model):
    """A rating changed in calibration: who, when, from which rating to which, and why."""

    result = models.ForeignKey(CycleResult, on_delete=models.CASCADE, related_name="adjustments")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    from_rating = models.CharField(_("from"), max_length=50, blank=True)
    to_rating = models.CharField(_("to"), max_length=50)
    reason = models.CharField(_("reason"), max_length=500)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("rating adjustment")
        verbose_name_plural = _("rating adjustments")

    def __str__(self) -> str:
        return f"{self.result_id}: {self.from_rating} → {self.to_rating}"
