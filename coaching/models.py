from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.inputs import (
    parse_sane_dates,
    validate_sane_date,
    validate_sane_date_list,
)
from accounts.links import pk_url
from accounts.models import Department, OrgRecord, User
from accounts.texts import day_words
from coaching.questions import answered_count, validate_question_answers
from plans.models import Objective


class CoachingType(models.TextChoices):
    INSTRUCTION = "instruction", _("Specific instruction")
    GUIDANCE = "guidance", _("Directional guidance")
    ENCOURAGEMENT = "encouragement", _("Encouragement & promotion")


class ImprovementPlan(OrgRecord):
    """Opened when a phase objective is missed: reasons, measures, support, reviews."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("Open")
        IMPROVED = "improved", _("Improved: objective back on plan")
        NOT_IMPROVED = "not_improved", _("Not improved")
        CLOSED = "closed", _("Closed for another reason")

    # The subject: an employee, or a whole department (issue 16 §5), never both.
    employee = models.ForeignKey(
        User,
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="improvement_plans",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="improvement_plans",
    )
    objective = models.ForeignKey(
        Objective,
        verbose_name=_("missed objective"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="improvement_plans",
    )
    opened_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_on = models.DateField(
        _("opened on"), default=timezone.localdate, validators=[validate_sane_date]
    )
    own_reasons = models.TextField(_("the person's own reasons"), max_length=4000, blank=True)
    outside_reasons = models.TextField(_("outside reasons"), max_length=4000, blank=True)
    measures = models.TextField(_("improvement measures"), max_length=4000)
    support = models.TextField(_("support to give"), max_length=4000, blank=True)
    review_dates = models.JSONField(
        _("review dates"), default=list, blank=True, validators=[validate_sane_date_list]
    )
    outcome = models.CharField(
        _("outcome"), max_length=15, choices=Outcome.choices, default=Outcome.OPEN
    )
    outcome_note = models.TextField(_("outcome note"), max_length=4000, blank=True)
    closed_on = models.DateField(
        _("closed on"), null=True, blank=True, validators=[validate_sane_date]
    )
    # Bumped by every save from an edit form: a form built from an older version is
    # refused instead of undoing what was saved meanwhile (accounts.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(employee__isnull=True) ^ models.Q(department__isnull=True),
                name="improvement_plan_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} · {self.objective or ''} · {day_words(self.opened_on)}"

    @property
    def subject_name(self) -> str:
        if self.employee is not None:
            return self.employee.full_name
        return str(self.department)

    def get_absolute_url(self) -> str:
        return pk_url("coaching:improvement_plan_detail", self.pk)

    @property
    def is_open(self) -> bool:
        return self.outcome == self.Outcome.OPEN

    @property
    def review_days(self) -> list[dt.date]:
        return parse_sane_dates(self.review_dates)

    @property
    def coach(self) -> User | None:
        """Who follows the plan up: the employee's manager, or the head above the
        department; whoever opened it when there is none."""
        if self.employee is not None:
            return self.employee.manager or self.opened_by
        parent = self.department.parent if self.department is not None else None
        if parent is not None and parent.head is not None:
            return parent.head
        return self.opened_by

    def next_review_on(self, today: dt.date) -> dt.date | None:
        """The first review date from ``today`` on, if any is left."""
        return next((day for day in self.review_days if day >= today), None)

    def outcome_due(self, today: dt.date) -> bool:
        """Open, and its last review date has passed: the coach owes an outcome."""
        days = self.review_days
        return self.is_open and bool(days) and max(days) < today


class SupportKind(models.TextChoices):
    """What a manager must provide (the source text, answers 2 and 5)."""

    TRAINING = "training", _("Skill coaching (training arranged)")
    RESOURCES = "resources", _("Resources")
    AUTHORITY = "authority", _("Authority")
    INFORMATION = "information", _("Information the person needs")


# The session field that records each kind of support given.
SUPPORT_FIELDS = {kind: f"support_{kind}" for kind in SupportKind.values}
SUPPORT_MAX_LENGTH = 1000

# One message for every duration out of range, zero and negative alike.
DURATION_MESSAGE = _("Say how long it lasted: between 1 minute and 10 hours (600 minutes).")


class CoachingSession(OrgRecord):
    """A coaching conversation, from a one-minute note to an hour-long formal session."""

    class Form(models.TextChoices):
        FORMAL = "formal", _("Formal, planned session")
        INFORMAL = "informal", _("Informal conversation")

    class Occasion(models.TextChoices):
        DAILY = "daily", _("Daily coaching")
        MIDTERM = "midterm", _("Periodic mid-term review")

    class Moment(models.TextChoices):
        BEFORE = "before", _("Before the work starts")
        DURING = "during", _("During execution")
        AFTER = "after", _("At the end of the work")

    class DifficultyCause(models.TextChoices):
        NONE = "", _("—")
        SKILL = "skill", _("Skill or knowledge: arrange training and coaching")
        OUTSIDE = "outside", _("Outside the person: give support")

    class Support(models.TextChoices):
        NONE = "", _("—")
        TRAINING = "training", _("Training")
        AUTHORITY = "authority", _("Authority")
        RESOURCES = "resources", _("Resources")

    coach = models.ForeignKey(
        User, verbose_name=_("coach"), on_delete=models.PROTECT, related_name="sessions_given"
    )
    employee = models.ForeignKey(
        User,
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sessions_received",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="coaching_sessions",
    )
    held_on = models.DateField(
        _("date"), default=timezone.localdate, validators=[validate_sane_date]
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=1,
        validators=[
            MinValueValidator(1, message=DURATION_MESSAGE),
            MaxValueValidator(600, message=DURATION_MESSAGE),
        ],
    )
    type = models.CharField(_("type of coaching"), max_length=15, choices=CoachingType.choices)
    form = models.CharField(_("form"), max_length=10, choices=Form.choices, default=Form.INFORMAL)
    occasion = models.CharField(
        _("occasion"), max_length=10, choices=Occasion.choices, default=Occasion.DAILY
    )
    moment = models.CharField(
        _("moment"), max_length=10, choices=Moment.choices, default=Moment.DURING
    )
    objectives = models.ManyToManyField["Objective", "SessionObjective"](
        Objective,
        verbose_name=_("linked objectives"),
        through="SessionObjective",
        related_name="coaching_sessions",
        blank=True,
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    # The six parts of a coaching conversation; each optional.
    strengths = models.TextField(_("what went well"), max_length=4000, blank=True)
    strengths_example = models.TextField(_("concrete example"), max_length=4000, blank=True)
    improvements = models.TextField(_("areas to improve"), max_length=4000, blank=True)
    improvement_cause = models.TextField(_("cause"), max_length=4000, blank=True)
    improvement_suggestion = models.TextField(_("suggestion"), max_length=4000, blank=True)
    difficulties = models.TextField(_("difficulties"), max_length=4000, blank=True)
    difficulty_cause = models.CharField(
        _("cause of the difficulties"),
        max_length=10,
        choices=DifficultyCause.choices,
        blank=True,
    )
    support = models.CharField(
        _("support to give"), max_length=10, choices=Support.choices, blank=True
    )
    countermeasure = models.TextField(_("countermeasure"), max_length=4000, blank=True)
    plan_adjustments = models.TextField(_("plan adjustments"), max_length=4000, blank=True)
    next_objectives = models.TextField(
        _("next-stage objectives and action plan"), max_length=4000, blank=True
    )
    agreements = models.TextField(_("what we agreed"), max_length=4000, blank=True)
    open_topics = models.TextField(_("topics that need more talk"), max_length=4000, blank=True)
    # The nine questions (coaching.questions), by their stable keys; old sessions have {}.
    question_answers = models.JSONField(
        _("answers to the nine questions"),
        default=dict,
        blank=True,
        validators=[validate_question_answers],
    )
    # The support given, by kind (SupportKind); a promise of it is an action item.
    support_training = models.TextField(
        _("skill coaching (training arranged)"), max_length=SUPPORT_MAX_LENGTH, blank=True
    )
    support_resources = models.TextField(_("resources"), max_length=SUPPORT_MAX_LENGTH, blank=True)
    support_authority = models.TextField(_("authority"), max_length=SUPPORT_MAX_LENGTH, blank=True)
    support_information = models.TextField(
        _("information the person needs"), max_length=SUPPORT_MAX_LENGTH, blank=True
    )
    private_note = models.TextField(
        _("private note"),
        max_length=4000,
        blank=True,
        help_text=_("Only you will ever see this: not the coachee, not HR."),
    )
    shared_with_hr = models.BooleanField(_("share the content with HR"), default=False)
    follow_up_on = models.DateField(
        _("follow-up date"), null=True, blank=True, validators=[validate_sane_date]
    )
    improvement_plan = models.ForeignKey(
        ImprovementPlan,
        verbose_name=_("improvement plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    suggested_type = models.CharField(max_length=15, choices=CoachingType.choices, blank=True)
    suggestion_reason = models.CharField(max_length=300, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    coachee_comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every save from an edit form: a form built from an older version is
    # refused instead of undoing what was saved meanwhile (accounts.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-held_on", "-created_at"]
        verbose_name = _("coaching session")
        verbose_name_plural = _("coaching sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(employee__isnull=True) ^ models.Q(department__isnull=True),
                name="coaching_session_one_coachee",
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1, duration_minutes__lte=600),
                name="coaching_session_duration_range",
            ),
        ]
        indexes = [
            models.Index(fields=["employee", "-held_on"], name="coaching_session_employee"),
            models.Index(fields=["coach", "-held_on"], name="coaching_session_coach"),
        ]

    # Read by its author alone: no admin lookup, filter, search, column or form
    # field touches it for anyone but a superuser (accounts.admin.PrivateFieldsAdmin).
    ADMIN_PRIVATE_FIELDS = frozenset({"private_note"})
    # Who reads what: fixed once the session exists (coaching.admin). A new coach would
    # read the author's private note; a new coachee, or HR by sharing, the content.
    READERS_FIELDS = ("coach", "employee", "department", "shared_with_hr")

    # What the coach writes, in the order of the form.
    EDITABLE_FIELDS = (
        "held_on",
        "duration_minutes",
        "type",
        "form",
        "occasion",
        "moment",
        "note",
        "strengths",
        "strengths_example",
        "improvements",
        "improvement_cause",
        "improvement_suggestion",
        "difficulties",
        "difficulty_cause",
        "support",
        "countermeasure",
        "plan_adjustments",
        "next_objectives",
        "agreements",
        "open_topics",
        "question_answers",
        "support_training",
        "support_resources",
        "support_authority",
        "support_information",
        "follow_up_on",
        "improvement_plan",
        "private_note",
        "shared_with_hr",
    )

    def __str__(self) -> str:
        return f"{self.get_type_display()} · {self.coachee_name} · {day_words(self.held_on)}"

    def get_absolute_url(self) -> str:
        return pk_url("coaching:session_detail", self.pk)

    @property
    def is_planned(self) -> bool:
        """Dated after today (organisation's time zone): planned, not held yet."""
        return self.held_on > timezone.localdate()

    @property
    def questions_answered(self) -> int:
        """How many of the nine questions this session answered."""
        return answered_count(self.question_answers)

    @property
    def support_given(self) -> list[tuple[str, str]]:
        """The support recorded, as (kind label, text), in the order of ``SupportKind``."""
        given = ((kind, getattr(self, field)) for kind, field in SUPPORT_FIELDS.items())
        return [(str(SupportKind(kind).label), text) for kind, text in given if text]

    @property
    def coachee_name(self) -> str:
        if self.employee is not None:
            return self.employee.full_name
        return str(self.department)


class SessionObjective(models.Model):
    """How a linked objective stood when it was discussed."""

    class Assessment(models.TextChoices):
        NONE = "", _("—")
        ON_TRACK = "on_track", _("On track")
        LAGGING = "lagging", _("Lagging the plan")
        QUALITY = "quality", _("Quality problem")

    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE)
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE)
    assessment = models.CharField(
        _("progress"), max_length=10, choices=Assessment.choices, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "objective"], name="coaching_session_objective_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.objective} · {self.get_assessment_display()}"


class ActionItem(models.Model):
    """A step agreed in a session, owned by the coach or the coachee."""

    session = models.ForeignKey(
        CoachingSession, on_delete=models.CASCADE, related_name="action_items"
    )
    title = models.CharField(_("step"), max_length=300)
    owner = models.ForeignKey(
        User, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="action_items"
    )
    due_date = models.DateField(
        _("due date"), null=True, blank=True, validators=[validate_sane_date]
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        User,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Closed without being done: its owner, or the person it was for, left (issue 15,
    # section 3). ``done_at`` is set too, so that it counts as open nowhere.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Set on the coach's item that follows up a promise of support in the session; the
    # session form keeps exactly one per kind in step with its "promised" tick.
    support_kind = models.CharField(
        _("support promised"), max_length=12, choices=SupportKind.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["session", "position", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "support_kind"],
                condition=~models.Q(support_kind=""),
                name="coaching_action_one_per_support",
            ),
        ]
        indexes = [
            models.Index(
                fields=["owner", "due_date"],
                name="coaching_action_open",
                condition=models.Q(done_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None and self.withdrawn_at is None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_overdue(self) -> bool:
        return (
            self.done_at is None
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )


class CalendarFeed(models.Model):
    """A private, revocable address of a coach's sessions and follow-ups (iCalendar)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user} calendar"


# Each in its own module, so that this one stays small; each module's __all__ says what.
from coaching.checkpoint_models import Checkpoint as Checkpoint  # noqa: E402
from coaching.facts import PerformanceFact as PerformanceFact  # noqa: E402
from coaching.feedback_models import *  # noqa: E402, F403
from coaching.praise_models import *  # noqa: E402, F403
from coaching.read_log_models import *  # noqa: E402, F403
