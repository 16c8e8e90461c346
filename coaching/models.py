from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of every month from ``start``'s month to ``end``'s month."""
    months = []
    current = month_start(start)
    while current <= end:
        months.append(current)
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months


class AppraisalCycle(models.Model):
    """A named appraisal period, with the time nodes at which plans are checked."""

    class State(models.TextChoices):
        PLANNING = "planning", _("Planning")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=100, unique=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PLANNING
    )
    # First days of the months at which targets are set and progress is judged.
    time_nodes = models.JSONField(_("time nodes"), default=list, blank=True)
    # Labels of the optional rating reviewers give a monthly review table, lowest first.
    rating_scale = models.JSONField(_("rating scale"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("appraisal cycle")
        verbose_name_plural = _("appraisal cycles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")),
                name="coaching_cycle_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("coaching:cycle_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def nodes(self) -> list[dt.date]:
        if self.time_nodes:
            return sorted(dt.date.fromisoformat(value) for value in self.time_nodes)
        return months_between(self.start_date, self.end_date)

    def current_node(self, today: dt.date | None = None) -> dt.date | None:
        """The latest time node that has started by ``today`` (organisation time zone)."""
        today = today or timezone.localdate()
        started = [node for node in self.nodes if node <= today]
        return started[-1] if started else None


class Measure(models.TextChoices):
    NUMBER = "number", _("Number with a unit")
    PERCENT = "percent", _("Percentage")
    MILESTONE = "milestone", _("Milestone (done / not done)")


class PerformancePlan(models.Model):
    """One subject's objectives in a cycle, as agreed by both sides."""

    cycle = models.ForeignKey(AppraisalCycle, on_delete=models.CASCADE, related_name="plans")
    employee = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="plans"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="plans"
    )
    employee_confirmed_at = models.DateTimeField(null=True, blank=True)
    employee_confirmed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    manager_confirmed_at = models.DateTimeField(null=True, blank=True)
    manager_confirmed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("performance plan")
        verbose_name_plural = _("performance plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(employee__isnull=True) ^ models.Q(department__isnull=True),
                name="coaching_plan_one_subject",
            ),
            models.UniqueConstraint(
                fields=["cycle", "employee"],
                condition=models.Q(employee__isnull=False),
                name="coaching_plan_unique_employee",
            ),
            models.UniqueConstraint(
                fields=["cycle", "department"],
                condition=models.Q(department__isnull=False),
                name="coaching_plan_unique_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.employee or self.department}"

    @property
    def is_agreed(self) -> bool:
        return bool(self.employee_confirmed_at and self.manager_confirmed_at)


class Objective(models.Model):
    """A performance objective of one employee or one department in one cycle."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    cycle = models.ForeignKey(
        AppraisalCycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="objectives"
    )
    employee = models.ForeignKey(
        User,
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="objectives",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="objectives",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Share of the plan, in percent. A plan's weights add up to 100."),
    )
    measure = models.CharField(
        _("measure"), max_length=10, choices=Measure.choices, default=Measure.NUMBER
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("aligned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="aligned",
    )
    owner = models.ForeignKey(
        User,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_objectives",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cycle", "-weight", "title"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(employee__isnull=True) ^ models.Q(department__isnull=True),
                name="coaching_objective_one_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(weight__lte=100), name="coaching_objective_weight_max_100"
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "employee"], name="coaching_obj_cycle_employee"),
            models.Index(fields=["cycle", "department"], name="coaching_obj_cycle_department"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("coaching:objective_detail", args=[self.pk])

    @property
    def subject(self) -> User | Department:
        subject = self.employee or self.department
        assert subject is not None  # noqa: S101 - guaranteed by a check constraint
        return subject

    @property
    def full_value(self) -> Decimal:
        """The value that means 100 % done."""
        if self.measure == Measure.MILESTONE:
            return Decimal(1)
        if self.measure == Measure.PERCENT:
            return self.target or Decimal(100)
        return self.target or Decimal(0)


class PhaseTarget(models.Model):
    """Where an objective should stand by the end of a time node (cumulative)."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="targets")
    month = models.DateField(_("month"))
    planned = models.DecimalField(_("planned"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["objective", "month"]
        verbose_name = _("phase target")
        verbose_name_plural = _("phase targets")
        constraints = [
            models.UniqueConstraint(fields=["objective", "month"], name="coaching_target_unique"),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="coaching_target_first_of_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.objective} · {self.month:%Y-%m}: {self.planned}"


class CheckIn(models.Model):
    """A progress update: where the objective stands now (cumulative value)."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="checkins")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    confidence = models.PositiveSmallIntegerField(
        _("confidence"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 = will not make it, 5 = certain."),
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    recorded_on = models.DateField(_("date"), default=timezone.localdate)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="checkins")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_on", "-created_at"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confidence__gte=1, confidence__lte=5),
                name="coaching_checkin_confidence_1_5",
            ),
        ]
        indexes = [
            models.Index(
                fields=["objective", "-recorded_on", "-created_at"], name="coaching_checkin_latest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.objective} · {self.value} ({self.recorded_on})"


class ObjectiveChange(models.Model):
    """Who changed an agreed plan, when, why, and what (old → new)."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("reason"), max_length=500)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-changed_at"]
        verbose_name = _("objective change")
        verbose_name_plural = _("objective changes")

    def __str__(self) -> str:
        return f"{self.objective} · {self.changed_at:%Y-%m-%d}"
