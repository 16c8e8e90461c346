from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts.links import pk_url
from accounts.models import Department, OrgRecord, User
from accounts.rounding import percent_of
from accounts.texts import month_words
from coaching.checkpoint_models import Checkpoint
from plans.models import AppraisalCycle, Measure, Objective

# The rating scale of a cycle that has none of its own: stored by these keys, shown
# in the reader's language.
_DEFAULT_RATINGS = {
    "Below expectations": _("Below expectations"),
    "Meets expectations": _("Meets expectations"),
    "Exceeds expectations": _("Exceeds expectations"),
}
DEFAULT_RATING_SCALE = list(_DEFAULT_RATINGS)


def rating_label(value: str) -> str:
    """How a stored rating reads: a default-scale key translated, a cycle's own label as is."""
    return str(_DEFAULT_RATINGS.get(value, value))


class ReviewTable(OrgRecord):
    """The monthly review table of performance objectives of one subject for one month."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        RETURNED = "returned", _("Returned for revision")
        FINALISED = "finalised", _("Finalised")
        # Closed without a review: the subject left (off-boarding) ...
        WITHDRAWN = "withdrawn", _("Withdrawn")
        # ... or HR closed the cycle with the table still open.
        UNFINISHED = "unfinished", _("Closed unfinished")

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
    # Who reviews it: recorded when the table is made, routed to the subject's new
    # line while still a draft, and kept from the first submission on, whatever
    # the organisation does meanwhile (HR hands it over explicitly). Empty: nobody
    # is above the subject, so the top reviewer of the job settings, or HR, reviews.
    reviewer = models.ForeignKey(
        User,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tables_to_review",
    )
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
            # Late tables (dashboard, reminders): open ones by deadline.
            models.Index(
                fields=["deadline"],
                condition=models.Q(status__in=["draft", "returned"]),
                name="reviews_table_open_deadline",
            ),
        ]

    def __str__(self) -> str:
        """ "Rob Report · March 2026", the month in words in the active language."""
        return f"{self.subject} · {month_words(self.month)}"

    def get_absolute_url(self) -> str:
        return pk_url("reviews:table_detail", self.pk)

    @property
    def subject(self) -> User | Department:
        subject = self.employee or self.department
        assert subject is not None  # noqa: S101 - guaranteed by a check constraint
        return subject

    @property
    def subject_name(self) -> str:
        return self.employee.full_name if self.employee else str(self.department)

    @property
    def rating_label(self) -> str:
        return rating_label(self.rating)

    @property
    def is_locked(self) -> bool:
        """Nobody edits it any more: finalised, withdrawn or closed unfinished."""
        return self.status in CLOSED_STATUSES

    @property
    def assessee_can_edit(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}

    def days_left(self, today: dt.date | None = None) -> int:
        return (self.deadline - (today or timezone.localdate())).days

    @property
    def is_overdue(self) -> bool:
        """Past its deadline with the assessee, in a cycle not closed (a closed cycle's
        table is a record: nothing of it is late)."""
        return self.assessee_can_edit and self.days_left() < 0 and not self.cycle.is_closed


# A table in one of these is over: read-only for everyone, never reminded about.
CLOSED_STATUSES = frozenset(
    {ReviewTable.Status.FINALISED, ReviewTable.Status.WITHDRAWN, ReviewTable.Status.UNFINISHED}
)
# Still being worked on: what closing its cycle closes (reviews.cycles).
OPEN_STATUSES = frozenset(set(ReviewTable.Status) - CLOSED_STATUSES)


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
    # The gap's reasons, split as the source text asks (answer 7): the person's own
    # (subjective) reasons, and the outside (objective) ones. Reasons written before
    # the split are in ``gap_reason``.
    gap_reason = models.TextField(_("own reasons for the gap"), max_length=2000, blank=True)
    gap_reason_outside = models.TextField(
        _("outside reasons for the gap"), max_length=2000, blank=True
    )
    # True for a reason written before the split (reviews 0015): it may be either kind,
    # so it is shown as "Reason", until the person saves the row's reasons again.
    gap_reason_unsplit = models.BooleanField(default=False, editable=False)
    position = models.PositiveSmallIntegerField(default=0)

    # The checkpoint of the row's objective at the table's month, when its phase target
    # was missed there and the viewer may see it (set by ``reviews.selectors.rows_follow_up``).
    checkpoint: Checkpoint | None = None

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
        share = percent_of(self.actual, self.planned)
        return None if share is None else int(share)

    @property
    def gap(self) -> Decimal | None:
        if self.actual is None or self.planned is None:
            return None
        return self.actual - self.planned

    @property
    def has_gap_reason(self) -> bool:
        return bool(self.gap_reason.strip() or self.gap_reason_outside.strip())

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
    # The key of the form line that created the item: saving the same screen again
    # (a refused submit repeated, a double click, a resent request) updates the item
    # instead of adding it twice.
    form_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["table", "kind", "position", "pk"]
        verbose_name = _("work plan item")
        verbose_name_plural = _("work plan items")
        constraints = [
            models.UniqueConstraint(
                fields=["table", "form_key"],
                condition=models.Q(form_key__isnull=False),
                name="reviews_work_item_form_key_once",
            ),
            models.UniqueConstraint(
                fields=["table", "carried_from"],
                condition=models.Q(carried_from__isnull=False),
                name="reviews_work_item_carried_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Inquiry(models.Model):
    """A question, or a suggestion for improvement, put on a table in review; open until
    the assessee answers it."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Question")
        SUGGESTION = "suggestion", _("Suggestion for improvement")

    table = models.ForeignKey(ReviewTable, on_delete=models.CASCADE, related_name="inquiries")
    asked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.QUESTION)
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
        return f"{self.table} · {self.kind} · {timezone.localtime(self.at):%Y-%m-%d %H:%M}"

    @property
    def from_label(self) -> str:
        return str(ReviewTable.Status(self.from_status).label) if self.from_status else ""

    @property
    def to_label(self) -> str:
        return str(ReviewTable.Status(self.to_status).label) if self.to_status else ""

    # Comments the product writes itself, stored as their message id and worded in the
    # reader's language when shown (a person's own comment is shown as written).
    SYSTEM_COMMENTS = frozenset(
        {
            gettext_noop("The reviewer left the organisation."),
            gettext_noop("The reviewer now heads this department."),
        }
    )

    @property
    def comment_shown(self) -> str:
        """The comment, in the reader's language when the product wrote it."""
        return gettext(self.comment) if self.comment in self.SYSTEM_COMMENTS else self.comment

    @property
    def change_lines(self) -> list[tuple[str, str, str]]:
        """``[(label, before, after)]`` of a change event, in the reader's language: changes
        are stored under field names (reviews/change_labels.py)."""
        lines = []
        for key, values in (self.changes or {}).items():
            before, after = (
                values if isinstance(values, list | tuple) and len(values) == 2 else (None, values)
            )
            lines.append((change_label(key), change_value(key, before), change_value(key, after)))
        return lines


from reviews.calibration_models import CalibrationEvent  # noqa: E402
from reviews.change_labels import change_label, change_value  # noqa: E402
from reviews.conversation_models import ReviewConversation  # noqa: E402
from reviews.job_models import ExportJob, JobRun, JobSettings  # noqa: E402
from reviews.result_models import Calibration, CycleResult, RatingAdjustment  # noqa: E402

__all__ = [
    "Calibration",
    "CalibrationEvent",
    "CycleResult",
    "ExportJob",
    "JobRun",
    "JobSettings",
    "RatingAdjustment",
    "ReviewConversation",
]
