"""Performance plans: appraisal cycles, plans, objectives, phase targets, check-ins.

The tables keep the names they had when these models lived in ``coaching``
(``Meta.db_table``): moving the code moved no data (migration 0001).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.inputs import (
    EARLIEST_DATE,
    LATEST_DATE,
    parse_sane_dates,
    validate_sane_date,
    validate_sane_date_list,
)
from accounts.links import pk_url
from accounts.models import Department, User
from plans.months import month_start, months_between


def validate_rating_scale(value: Any) -> None:
    """A rating scale is a list of at most 10 different labels of at most 50 characters."""
    if (
        not isinstance(value, list)
        or len(value) > 10
        or not all(isinstance(label, str) and 0 < len(label) <= 50 for label in value)
        or len(set(value)) != len(value)
    ):
        raise ValidationError(
            _("Give at most 10 different labels of at most 50 characters, lowest first."),
            code="bad_rating_scale",
        )


class AppraisalCycle(models.Model):
    """A named appraisal period, with the time nodes at which plans are checked."""

    class State(models.TextChoices):
        PLANNING = "planning", _("Planning")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=100, unique=True)
    start_date = models.DateField(_("start date"), validators=[validate_sane_date])
    end_date = models.DateField(_("end date"), validators=[validate_sane_date])
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PLANNING
    )
    # First days of the months at which targets are set and progress is judged.
    time_nodes = models.JSONField(
        _("time nodes"), default=list, blank=True, validators=[validate_sane_date_list]
    )
    # Labels of the optional rating reviewers give a monthly review table, lowest first.
    rating_scale = models.JSONField(
        _("rating scale"), default=list, blank=True, validators=[validate_rating_scale]
    )
    # Carrying a cycle forward (issue 17 §2): which cycle's objectives were copied
    # into this one, which of them (``plans.template_models.CarryForward``), and when.
    carried_from = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, verbose_name=_("carried forward from")
    )
    carry_forward = models.CharField(_("objectives carried forward"), max_length=12, blank=True)
    carried_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped by every save from an edit form: a form built from an older version is
    # refused instead of undoing what was saved meanwhile (accounts.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        db_table = "coaching_appraisalcycle"  # kept from before the move out of coaching
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
        return pk_url("plans:cycle_detail", self.pk)

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def nodes(self) -> list[dt.date]:
        """The months at which targets are set; whatever was typed into the stored list
        by hand, only months of sane dates (one field each in the targets grid)."""
        stored = sorted({month_start(day) for day in parse_sane_dates(self.time_nodes)})
        return stored or months_between(self.start_date, self.end_date)

    @property
    def has_sane_dates(self) -> bool:
        """False for dates stored outside 2000-2100 (by hand, before they were checked)."""
        return EARLIEST_DATE <= self.start_date and self.end_date <= LATEST_DATE


class CycleEvent(models.Model):
    """A change of a cycle's state: who, when, from which state to which, and why.

    Written by ``cycle_transition`` for every step (issue 15 §4: reopening needs a
    reason and is recorded); the cycle page shows them as the cycle's history.
    """

    cycle = models.ForeignKey(AppraisalCycle, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    from_state = models.CharField(max_length=10, choices=AppraisalCycle.State.choices)
    to_state = models.CharField(max_length=10, choices=AppraisalCycle.State.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # Review tables the step closed as unfinished (a close), shown in the history.
    tables_closed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("cycle event")
        verbose_name_plural = _("cycle events")

    def __str__(self) -> str:
        day = timezone.localdate(self.at)
        return f"{self.cycle} · {self.from_state} → {self.to_state} · {day:%Y-%m-%d}"


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
        db_table = "coaching_performanceplan"  # kept from before the move out of coaching
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
    # Where the objective came from (issue 17): the template it was assigned from,
    # or the objective of an earlier cycle it was carried forward from.
    template = models.ForeignKey(
        "plans.ObjectiveTemplate", models.SET_NULL, null=True, blank=True, editable=False,
        verbose_name=_("template"), related_name="copies",
    )  # fmt: skip
    carried_from = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, editable=False,
        verbose_name=_("carried forward from"), related_name="carried_to",
    )  # fmt: skip
    # Set when the person moved out of the department whose objective this one is
    # aligned to (issue 15, section 2): the alignment wants a look; cleared when
    # the objective is aligned again.
    alignment_flagged_at = models.DateTimeField(
        _("alignment to be checked since"), null=True, blank=True, editable=False
    )
    # Where it stood against the plan when last computed (each change, and daily),
    # so that organisation-wide counts are one aggregate query.
    progress_state = models.CharField(max_length=10, blank=True, editable=False)
    # Share of today's plan reached (1.0 = on plan, capped at 1.5), None without a plan.
    progress_share = models.DecimalField(
        max_digits=5, decimal_places=3, null=True, blank=True, editable=False
    )
    progress_as_of = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every save from an edit form: a form built from an older version is
    # refused instead of undoing what was saved meanwhile (accounts.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        db_table = "coaching_objective"  # kept from before the move out of coaching
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
            # Assigning a template set twice, or carrying a cycle forward twice,
            # creates nothing twice.
            models.UniqueConstraint(
                fields=["cycle", "employee", "template"],
                condition=models.Q(template__isnull=False, employee__isnull=False),
                name="plans_objective_template_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["cycle", "department", "template"],
                condition=models.Q(template__isnull=False, department__isnull=False),
                name="plans_objective_template_once_per_department",
            ),
            models.UniqueConstraint(
                fields=["cycle", "carried_from"],
                condition=models.Q(carried_from__isnull=False),
                name="plans_objective_carried_once",
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "employee"], name="coaching_obj_cycle_employee"),
            models.Index(fields=["cycle", "department"], name="coaching_obj_cycle_department"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return pk_url("plans:objective_detail", self.pk)

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
    month = models.DateField(_("month"), validators=[validate_sane_date])
    planned = models.DecimalField(_("planned"), max_digits=14, decimal_places=2)

    class Meta:
        db_table = "coaching_phasetarget"  # kept from before the move out of coaching
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
    recorded_on = models.DateField(
        _("date"), default=timezone.localdate, validators=[validate_sane_date]
    )
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="checkins")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "coaching_checkin"  # kept from before the move out of coaching
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
    """Who changed an objective or its targets, when, why, and what (old → new).

    Every change is kept, confirmed plan or not; ``reason`` is asked (and so
    filled) only once both sides agreed the plan. ``changes`` maps a field name
    (or ``target YYYY-MM``, or ``created``) to ``[old, new]`` as plain strings;
    ``plans.history`` words them in the reader's language.
    """

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    changes = models.JSONField(default=dict)

    class Meta:
        db_table = "coaching_objectivechange"  # kept from before the move out of coaching
        ordering = ["-changed_at"]
        verbose_name = _("objective change")
        verbose_name_plural = _("objective changes")

    def __str__(self) -> str:
        return f"{self.objective} · {timezone.localtime(self.changed_at):%Y-%m-%d}"


class PlanReopening(models.Model):
    """A confirmed plan whose confirmations were cleared by a change: who, when, why.

    ``cause`` says why: an agreed plan's weights moved away from 100 (``weights``),
    a plan confirmed by one side only changed under it (``changed``), or the
    person moved to a new manager, whose confirmation is asked (``moved``; only
    the manager's side is cleared).
    ``weight_total`` is what the counted weights added up to after the change.
    """

    class Cause(models.TextChoices):
        WEIGHTS = "weights", _("The weights no longer add up to 100")
        CHANGED = "changed", _("The plan changed after one side confirmed it")
        MOVED = "moved", _("The person has a new manager, who confirms the plan again")

    plan = models.ForeignKey(PerformancePlan, on_delete=models.CASCADE, related_name="reopenings")
    reopened_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField(default=timezone.now)
    cause = models.CharField(max_length=10, choices=Cause.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    weight_total = models.PositiveSmallIntegerField()
    # What was changed, kept by name: an objective deleted in the admin is gone.
    objective_title = models.CharField(max_length=200, blank=True)
    change = models.ForeignKey(
        ObjectiveChange,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reopenings",
    )
    # The confirmations that were cleared, as they were.
    employee_confirmed_at = models.DateTimeField(null=True, blank=True)
    manager_confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reopened_at", "-pk"]
        verbose_name = _("reopened plan confirmation")
        verbose_name_plural = _("reopened plan confirmations")

    def __str__(self) -> str:
        return f"{self.plan} · {timezone.localtime(self.reopened_at):%Y-%m-%d}"


from plans.check_models import TargetCheck  # noqa: E402 - registered as a plans model
from plans.template_models import ObjectiveTemplate, TemplateSet  # noqa: E402 - plans models
from plans.warning_models import EarlyWarning  # noqa: E402 - registered as a plans model

__all__ = ["EarlyWarning", "ObjectiveTemplate", "TargetCheck", "TemplateSet"]
