"""The workflow of a review table: submission rules, steps, and the questions on it.

draft → submitted → in review (questions open) → finalised (locked); the
reviewer may return a submitted table for revision. Every step is kept in the
table's history and told to the people it concerns once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazystr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import HR_GROUP_NAME, User
from accounts.services import notify
from reviews.models import Inquiry, ReviewEvent, ReviewRow, ReviewTable, WorkPlanItem
from reviews.reviewers import reviewer_now, top_reviewer_id
from reviews.services import review_table_fill, review_table_review, table_version_bump
from reviews.webhook_events import STEP_EVENTS, review_table_webhook

Status = ReviewTable.Status

SubmissionField = Literal["actual", "gap_reason", "gap_reason_outside", "summary", "work_items"]


@dataclass(frozen=True)
class SubmissionProblem:
    """One thing to fill before a table can be submitted.

    ``row_id`` is the objective row it concerns (its ``actual`` or
    ``gap_reason``), or None for the table's own ``summary`` or ``work_items``
    (next month's plan). ``message`` is translated, to show the person.
    """

    row_id: int | None
    field: SubmissionField
    message: str


class SubmissionIncomplete(ValidationError):
    """A submission refused: ``problems`` says what must be filled, row by row, in page order."""

    def __init__(self, problems: list[SubmissionProblem]) -> None:
        self.problems = problems
        super().__init__([problem.message for problem in problems])


def submission_problems(table: ReviewTable) -> list[SubmissionProblem]:
    """What must be filled before ``table`` can be submitted (empty: nothing)."""
    return submission_problems_of(
        rows=table.rows.all(),
        summary=table.summary,
        planned_items=table.work_items.filter(kind=WorkPlanItem.Kind.NEXT).count(),
    )


def submission_problems_of(
    *, rows: Iterable[ReviewRow], summary: str | None, planned_items: int | None
) -> list[SubmissionProblem]:
    """The submission rules on given values (``None``: not known, not checked).

    Used on the stored table when it is submitted, and on what a page sent when
    the page has other problems too, so that a person hears of all of them at once.
    Rows come first, in the order given, then the summary, then the plan.
    """
    problems: list[SubmissionProblem] = []
    for row in rows:
        if row.actual is None:
            problems.append(SubmissionProblem(row.pk, "actual", _("Enter the actual value.")))
        elif row.has_gap and not row.has_gap_reason:
            message = _("The actual is below the plan: say why (own or outside reasons).")
            problems.append(SubmissionProblem(row.pk, "gap_reason", message))
    if summary is not None and not summary.strip():
        message = _("Summarise the month: overall completion and main gaps.")
        problems.append(SubmissionProblem(None, "summary", message))
    if planned_items == 0:
        message = _("Plan at least one piece of work for next month.")
        problems.append(SubmissionProblem(None, "work_items", message))
    return problems


def _assessees(table: ReviewTable) -> list[User]:
    if table.employee is not None:
        return [table.employee]
    head = table.department.head if table.department else None
    return [head] if head else []


def _reviewers(table: ReviewTable) -> list[User]:
    """Who is told that the table waits for review: its recorded reviewer, else the
    top reviewer, else HR (``reviews.reviewers``)."""
    if table.reviewer_id is not None:
        return list(User.objects.filter(pk=table.reviewer_id, is_active=True))
    top = top_reviewer_id()
    if top is not None and top not in {person.pk for person in _assessees(table)}:
        return list(User.objects.filter(pk=top))
    return list(User.objects.filter(groups__name=HR_GROUP_NAME, is_active=True))


TRANSITIONS: dict[str, tuple[set[str], str]] = {
    "submit": ({Status.DRAFT, Status.RETURNED}, Status.SUBMITTED),
    "start_review": ({Status.SUBMITTED}, Status.IN_REVIEW),
    "return": ({Status.SUBMITTED, Status.IN_REVIEW}, Status.RETURNED),
    "finalise": ({Status.SUBMITTED, Status.IN_REVIEW}, Status.FINALISED),
}
MESSAGES = {
    "submit": gettext_noop("%(actor)s submitted the review table %(table)s."),
    "start_review": gettext_noop("The review of %(table)s has started: questions are open."),
    "return": gettext_noop("%(actor)s returned %(table)s for revision: %(comment)s"),
    "finalise": gettext_noop("%(actor)s finalised the review table %(table)s."),
}


@transaction.atomic
def review_table_transition(
    *,
    actor: User,
    table: ReviewTable,
    action: str,
    comment: str = "",
    confirm_open_inquiries: bool = False,
) -> ReviewTable:
    """Take the step ``action`` (a key of ``TRANSITIONS``) on the table, locked meanwhile.

    Raises ``ValidationError`` if the table's status does not allow the step;
    ``SubmissionIncomplete`` if a submission lacks something; a
    ``ValidationError`` on ``comment`` (a return says why), ``reviewer_summary``
    (finalising needs it) or ``confirm`` (questions still open and not
    confirmed). Keeps the step in the history and tells the people concerned
    once the transaction commits. Returns the locked table; ``table`` gets its
    new status and version.
    """
    locked = (
        ReviewTable.objects.select_for_update(of=("self",))
        .select_related("employee", "department__head", "department__parent__head")
        .get(pk=table.pk)
    )
    sources, target = TRANSITIONS[action]
    if locked.status not in sources:
        raise ValidationError(
            _("This table is %(status)s: this step is not possible now.")
            % {"status": locked.get_status_display()}
        )
    if action == "submit":
        problems = submission_problems(locked)
        if problems:
            raise SubmissionIncomplete(problems)
    if action == "return" and not comment.strip():
        raise ValidationError({"comment": [_("Say what needs revising.")]})
    if action == "finalise":
        if not locked.reviewer_summary.strip():
            raise ValidationError(
                {"reviewer_summary": [_("Write the summary of completion before finalising.")]}
            )
        if (
            locked.inquiries.filter(answered_at__isnull=True).exists()
            and not confirm_open_inquiries
        ):
            raise ValidationError(
                {"confirm": [_("Some questions are still unanswered. Finalise anyway?")]}
            )
    old_status = locked.status
    now = timezone.now()
    fields: dict[str, Any] = {"status": target}
    if action == "submit":
        fields["submitted_at"] = now
        if old_status == Status.DRAFT:
            # The first submission fixes the reviewer: the line of today. A table
            # returned and submitted again stays with whom it was submitted to.
            fields["reviewer_id"] = reviewer_now(locked)
    if action == "finalise":
        fields["finalised_at"] = now
    table_version_bump(locked, locked.version, **fields)
    ReviewEvent.objects.create(
        table=locked,
        kind=ReviewEvent.Kind.TRANSITION,
        actor=actor,
        from_status=old_status,
        to_status=target,
        comment=comment,
    )
    if action in STEP_EVENTS:
        # In this transaction: the endpoints hear of the step if and only if it is taken.
        review_table_webhook(locked, event=STEP_EVENTS[action], actor=actor).emit()
    recipients = _reviewers(locked) if action == "submit" else _assessees(locked)
    transaction.on_commit(
        lambda: notify(
            recipients=recipients,
            message=MESSAGES[action],
            url=locked.get_absolute_url(),
            actor=actor.full_name,
            table=str(locked),
            comment=comment,
        )
    )
    table.status, table.version = locked.status, locked.version
    return locked


# --- The assessee's and the reviewer's forms -------------------------------------


@transaction.atomic
def review_table_save(
    *, actor: User, table: ReviewTable, submit: bool = False, **fill: Any
) -> ReviewTable:
    """The assessee's *Save* (``submit=False``) or *Save and submit*: all or nothing.

    ``fill`` are ``review_table_fill``'s arguments. A refused submission
    (``SubmissionIncomplete``) saves nothing either, so a refused request never
    leaves half of what it asked for; the caller shows the person's input again.
    """
    review_table_fill(actor=actor, table=table, **fill)
    if submit:
        review_table_transition(actor=actor, table=table, action="submit")
    return table


@transaction.atomic
def review_table_decide(
    *,
    actor: User,
    table: ReviewTable,
    version: int,
    action: str,
    reviewer_summary: str,
    suggestions: str,
    expectations: str,
    rating: str,
    comment: str = "",
    confirm_open_inquiries: bool = False,
) -> ReviewTable:
    """The reviewer's form: save the reviewer's part, then take ``action`` if it is a step.

    ``action`` is ``save``, ``start_review``, ``return`` or ``finalise``. One
    transaction: if the step is refused (``ValidationError``, e.g. no summary
    of completion to finalise), nothing is saved and the caller shows the
    person's text again. Raises ``StaleTableError`` on a stale ``version``.
    """
    review_table_review(
        actor=actor,
        table=table,
        version=version,
        reviewer_summary=reviewer_summary,
        suggestions=suggestions,
        expectations=expectations,
        rating=rating,
    )
    if action == "save":
        return table
    return review_table_transition(
        actor=actor,
        table=table,
        action=action,
        comment=comment,
        confirm_open_inquiries=confirm_open_inquiries,
    )


# --- Inquiries --------------------------------------------------------------


@transaction.atomic
def inquiry_ask(
    *, actor: User, table: ReviewTable, question: str, kind: str = Inquiry.Kind.QUESTION
) -> Inquiry:
    """Ask ``question`` (or, by ``kind``, suggest it) on ``table``; its assessees are told
    once the transaction commits."""
    inquiry = Inquiry.objects.create(table=table, asked_by=actor, question=question, kind=kind)
    assessees = _assessees(table)
    message = (
        gettext_noop("%(actor)s put forward a suggestion for improvement on %(table)s.")
        if kind == Inquiry.Kind.SUGGESTION
        else gettext_noop("%(actor)s asked a question on %(table)s.")
    )
    transaction.on_commit(
        lambda: notify(
            recipients=assessees,
            message=message,
            url=table.get_absolute_url(),
            actor=actor.full_name,
            table=lazystr(table),
        )
    )
    return inquiry


class InquiryAnsweredError(Exception):
    """The question was answered meanwhile; ``inquiry`` holds who answered and when."""

    def __init__(self, inquiry: Inquiry) -> None:
        super().__init__(inquiry.pk)
        self.inquiry = inquiry


@transaction.atomic
def inquiry_answer(*, actor: User, inquiry: Inquiry, answer: str) -> Inquiry:
    """Answer ``inquiry``; the asker is told once the transaction commits.

    Raises ``InquiryAnsweredError`` if it was answered meanwhile: the first answer stands.
    """
    locked = (
        Inquiry.objects.select_for_update(of=("self",))
        .select_related("table", "asked_by", "answered_by")
        .get(pk=inquiry.pk)
    )
    if not locked.is_open:
        # Two tabs, or two heads of one department: the first answer stands.
        raise InquiryAnsweredError(locked)
    locked.answer = answer
    locked.answered_by = actor
    locked.answered_at = timezone.now()
    locked.save(update_fields=["answer", "answered_by", "answered_at"])
    asker, table = locked.asked_by, locked.table
    transaction.on_commit(
        lambda: notify(
            recipients=[asker],
            message=gettext_noop("%(actor)s answered your question on %(table)s."),
            url=table.get_absolute_url(),
            actor=actor.full_name,
            table=lazystr(table),
        )
    )
    return locked
