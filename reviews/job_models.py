"""The HR settings of the background jobs, the record of their runs, and export jobs.

Kept apart from ``reviews.models`` (which imports them, so Django registers them
as models of the ``reviews`` app) to keep each module short.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.rounding import percent_of


class JobSettings(models.Model):
    """Schedules, lead times and deadlines that HR changes in the app (one row)."""

    class Askers(models.TextChoices):
        EVERYONE = "everyone", _("Everyone in other departments")
        HEADS = "heads", _("Only heads of other departments")

    generation_hour = models.PositiveSmallIntegerField(
        _("hour of the daily jobs"),
        default=2,
        validators=[MaxValueValidator(23)],
        help_text=_("Local time (organisation time zone) after which the daily jobs run."),
    )
    generation_lead_days = models.PositiveSmallIntegerField(
        _("create next month's tables this many days before the month ends"),
        default=0,
        validators=[MaxValueValidator(10)],
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("a table is due this many days after its month ends"),
        default=5,
        validators=[MaxValueValidator(28)],
    )
    due_soon_days = models.PositiveSmallIntegerField(
        _("remind the assessee this many days before the deadline"),
        default=3,
        validators=[MaxValueValidator(28)],
    )
    overdue_manager_days = models.PositiveSmallIntegerField(
        _("tell the manager when a table is this many days overdue"),
        default=2,
        validators=[MaxValueValidator(60)],
    )
    overdue_hr_days = models.PositiveSmallIntegerField(
        _("tell HR when a table is this many days overdue"),
        default=5,
        validators=[MaxValueValidator(90)],
    )
    not_coached_days = models.PositiveSmallIntegerField(
        _("tell a manager about reports nobody has coached for this many days"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    digest_weekday = models.PositiveSmallIntegerField(
        _("weekly digest day"),
        default=0,
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    top_reviewer = models.ForeignKey(
        User,
        verbose_name=_("top reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"is_active": True},
        help_text=_(
            "Reviews the tables of those with nobody above them (the chief executive, "
            "the top department). Empty: HR reviews them."
        ),
    )
    # Issue 16 §6: who, besides the reviewer and HR, questions a department's table.
    department_askers = models.CharField(
        _("who may ask questions and make suggestions on department tables"),
        max_length=10,
        choices=Askers.choices,
        default=Askers.EVERYONE,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("job settings")
        verbose_name_plural = _("job settings")

    def __str__(self) -> str:
        return str(_("Job settings"))

    @classmethod
    def current(cls) -> JobSettings:
        row, _created = cls.objects.get_or_create(
            pk=1, defaults={"deadline_days": settings.REVIEW_DEADLINE_DAYS}
        )
        return row


class JobRun(models.Model):
    """One run of a background job: when, how it ended, what it did."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        OK = "ok", _("Succeeded")
        FAILED = "failed", _("Failed")

    job = models.CharField(max_length=50)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    # The plain English log line (the command line, Celery's result); the jobs page shows
    # it only for a failure or a run recorded before ``report``.
    detail = models.TextField(blank=True)
    # What the run did as data, message keys and numbers (``reviews.job_outcomes``),
    # worded in the reader's language when shown.
    report = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["job", "-started_at"], name="reviews_jobrun_latest")]

    def __str__(self) -> str:
        return f"{self.job} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M} {self.outcome}"


# ``ExportJob.error`` of a job the sweep gave up on: this, then how many starts it had.
STALLED_ERROR = "stalled:"


class ExportJob(models.Model):
    """A large export built by the worker; only its requester downloads it, until it expires."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requester = models.ForeignKey(User, on_delete=models.CASCADE, related_name="export_jobs")
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # How many times a worker started it, and when the one building it last showed life:
    # a worker killed mid-build stops beating, and the sweep runs the job again.
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["status", "created_at"],
                name="reviews_exportjob_unfinished",
                condition=models.Q(status__in=["pending", "running"]),
            ),
        ]

    def __str__(self) -> str:
        return f"export {self.pk} {self.status}"

    @property
    def months(self) -> tuple[dt.date | None, dt.date | None]:
        """The first and last month asked for (``None`` where the request named none)."""

        def month(value: object) -> dt.date | None:
            try:
                return dt.date.fromisoformat(str(value)[:10]) if value else None
            except ValueError:
                return None

        return month(self.params.get("month_from")), month(self.params.get("month_to"))

    @property
    def error_text(self) -> str:
        """Why it failed, in the reader's language where the product wrote the reason."""
        if self.error.startswith(STALLED_ERROR):
            count = int(self.error.removeprefix(STALLED_ERROR) or 0)
            return ngettext(
                "The worker stopped while building this file; run it again, or ask the "
                "administrator to look at the worker.",
                "The worker stopped while building this file %(count)d times; run it again, "
                "or ask the administrator to look at the worker.",
                count,
            ) % {"count": count}
        return self.error

    @property
    def percent(self) -> int:
        """Rows written as a share of the total, half up as every figure; a job not done
        never reads 100 %."""
        share = percent_of(self.progress, self.total)
        if share is None:
            return 0
        return min(int(share), 100 if self.status == self.Status.DONE else 99)
