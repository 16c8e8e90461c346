from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from coaching.models import AppraisalCycle, Measure, Objective


class ReviewTable(models.Model):
    """The monthly review table of performance objectives of one subject for one month."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        RETURNED = "returned", _("Returned for revision")
        FINALISED = "finalised", _("Finalised")

    cycle = models.ForeignKey(
        AppraisalCycle,
        verbose_name=_("cycle"),
        on_delete=models.PROTECT,
        related_name="review_tables",
    )
    employee = models.ForeignKey(
        User,
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="review_tables",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="review_tables",
    )
    month = models.DateField(_("month"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    deadline = models.DateField(_("deadline"))
    # Optimistic lock: every save checks and bumps it in the same UPDATE.
    version = models.PositiveIntegerField(default=1)
    summary = models.TextField(
        _("summary of the month"),
        max_length=4000,
        blank=True,
        help_text=_("Overall completion of the month's objectives and the main gaps."),
    )
    reviewer_summary = models.TextField(_("summary of completion"), max_length=4000, blank=True)
    suggestions = models.TextField(_("improvement suggestions"), max_length=4000, blank=True)
    expectations = models.TextField(
        _("expectations and requirements for next month"), max_length=4000, blank=True
    )
    rating = models.CharField(_("rating"), max_length=50, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "employee__full_name", "department__name"]
        verbose_name = _("monthly review table")
        verbose_name_plural = _("monthly review tables")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(employee__isnull=True) ^ models.Q(department__isnull=True),
                name="reviews_table_one_subject",
            ),
            models.UniqueConstraint(
                fields=["employee", "month"],
                condition=models.Q(employee__isnull=False),
                name="reviews_table_one_per_employee_month",
            ),
            models.UniqueConstraint(
                fields=["department", "month"],
                condition=models.Q(department__isnull=False),
                name="reviews_table_one_per_department_month",
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="reviews_table_month_first_day"
            ),
        ]
        indexes = [
            models.Index(fields=["month", "status"], name="reviews_table_month_status"),
            models.Index(fields=["cycle", "month"], name="reviews_table_cycle_month"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} · {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:table_detail", args=[self.pk])

    @property
    def subject(self) -> User | Department:
        subject = self.employee or self.department
        assert subject is not None  # noqa: S101 - guaranteed by a check constraint
        return subject

    @property
    def subject_name(self) -> str:
        return self.employee.full_name if self.employee else str(self.department)

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.FINALISED

    @property
    def assessee_can_edit(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}

    def days_left(self, today: dt.date | None = None) -> int:
        return (self.deadline - (today or timezone.localdate())).days

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left())

    @property
    def is_overdue(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED} and self.days_left() < 0


class ReviewRow(models.Model):
    """One objective in the table: plan for the month, actual, and the gap's reason."""

    table = models.ForeignKey(ReviewTable, on_delete=models.CASCADE, related_name="rows")
    objective = models.ForeignKey(
        Objective, null=True, on_delete=models.SET_NULL, related_name="review_rows"
    )
    # A snapshot, so a finalised table reads the same after the plan changes.
    title = models.CharField(_("objective"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("weight"), default=0)
    measure = models.CharField(max_length=10, choices=Measure.choices, default=Measure.NUMBER)
    unit = models.CharField(max_length=30, blank=True)
    planned = models.DecimalField(
        _("planned"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    actual = models.DecimalField(
        _("actual"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    gap_reason = models.TextField(_("reason for the gap"), max_length=2000, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["table", "position", "pk"]
        verbose_name = _("review row")
        verbose_name_plural = _("review rows")
        constraints = [
            models.UniqueConstraint(
                fields=["table", "objective"], name="reviews_row_one_per_objective"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def completion(self) -> int | None:
        """Actual as a share of the month's plan, in percent."""
        if self.actual is None or not self.planned:
            return None
        return int((self.actual / self.planned * 100).quantize(Decimal(1)))

    @property
    def gap(self) -> Decimal | None:
        if self.actual is None or self.planned is None:
            return None
        return self.actual - self.planned

    @property
    def has_gap(self) -> bool:
        gap = self.gap
        return gap is not None and gap < 0


class WorkPlanItem(models.Model):
    """Next month's work plan; the next table starts from it (carried over)."""

    class Kind(models.TextChoices):
        NEXT = "next", _("Plan for next month")
        CARRIED = "carried", _("Planned last month")

    class Outcome(models.TextChoices):
        OPEN = "", _("—")
        DONE = "done", _("Done")
        PARTLY = "partly", _("Partly done")
        NOT_DONE = "not_done", _("Not done")

    table = models.ForeignKey(ReviewTable, on_delete=models.CASCADE, related_name="work_items")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NEXT)
    title = models.CharField(_("work item"), max_length=200)
    target = models.CharField(_("target"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, blank=True, default=Outcome.OPEN
    )
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["table", "kind", "position", "pk"]
        verbose_name = _("work plan item")
        verbose_name_plural = _("work plan items")
        constraints = [
            models.UniqueConstraint(
                fields=["table", "carried_from"],
                condition=models.Q(carried_from__isnull=False),
                name="reviews_work_item_carried_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Inquiry(models.Model):
    """A question asked on a table in review; open until the assessee answers it."""

    table = models.ForeignKey(ReviewTable, on_delete=models.CASCADE, related_name="inquiries")
    asked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("question"), max_length=2000)
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    answered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")

    def __str__(self) -> str:
        return self.question[:60]

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class ReviewEvent(models.Model):
    """A workflow step or a change after submission: who, when, what."""

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("Status change")
        CHANGE = "change", _("Change")

    table = models.ForeignKey(ReviewTable, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    comment = models.TextField(max_length=2000, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("review event")
        verbose_name_plural = _("review events")

    def __str__(self) -> str:
        return f"{self.table} · {self.kind} · {self.at:%Y-%m-%d %H:%M}"

    @property
    def from_label(self) -> str:
        return str(ReviewTable.Status(self.from_status).label) if self.from_status else ""

    @property
    def to_label(self) -> str:
        return str(ReviewTable.Status(self.to_status).label) if self.to_status else ""
