"""The month's review conversation (issue 16 §2): who may hold it, what it starts
with, and saving it linked to its table."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from coaching.checkpoint_models import Checkpoint
from coaching.checkpoints import open_checkpoints
from coaching.models import CoachingSession
from coaching.permissions import can_coach
from coaching.services import session_save
from plans.templatetags.plans_tags import measured
from reviews.conversation_models import ReviewConversation
from reviews.models import ReviewRow, ReviewTable
from reviews.permissions import TableAccess

Status = ReviewTable.Status
# A conversation is about a table the assessee has handed in.
HELD_ON = {Status.SUBMITTED, Status.IN_REVIEW, Status.FINALISED}
NOTE_LIMIT = 2000


def conversation_of(table: ReviewTable) -> ReviewConversation | None:
    """The table's review conversation, if held (one at most: no ordering needed)."""
    found = ReviewConversation.objects.select_related("session__coach").filter(table=table)[:1]
    return next(iter(found), None)


def can_hold_conversation(access: TableAccess) -> bool:
    """The table's reviewer, once the table was handed in and while its cycle is open:
    the recorded reviewer (the month's manager, also when the person has moved on to
    another since), or one stepping in who coaches the subject. Nobody for a leaver."""
    table = access.table
    if not access.is_reviewer or access.cycle_closed or table.status not in HELD_ON:
        return False
    if table.employee is not None and not table.employee.is_active:
        return False
    if table.reviewer_id == access.user.pk:
        return True
    return can_coach(access.user, employee=table.employee, department=table.department)


def subject_open_checkpoints(table: ReviewTable) -> list[Checkpoint]:
    """The open checkpoints of the table's person or department, oldest node first."""
    subject = (
        Q(objective__employee_id=table.employee_id)
        if table.employee_id
        else Q(objective__department_id=table.department_id)
    )
    return list(
        open_checkpoints()
        .filter(subject)
        .select_related("objective", "target_check")
        .order_by("month", "objective__title")
    )


REASON_LIMIT = 300


def _short(text: str) -> str:
    return text if len(text) <= REASON_LIMIT else text[: REASON_LIMIT - 1] + "…"


def conversation_note(
    table: ReviewTable, rows: list[ReviewRow], checkpoints: list[Checkpoint] | None = None
) -> str:
    """The session's note to start from: the subject's open checkpoints (missed phase
    targets not talked through yet), then the table's rows with their gaps, and its
    summary. Each reason is cut at 300 characters and the note at 2,000, so the
    checkpoints, first, are never the part cut off."""
    lines = [
        _("Review of %(month)s: %(subject)s")
        % {"month": date_format(table.month, "YEAR_MONTH_FORMAT"), "subject": table.subject_name}
    ]
    if checkpoints:
        lines.append(_("Open checkpoints (missed phase targets):"))
        for checkpoint in checkpoints:
            check = checkpoint.target_check
            lines.append(
                "- "
                + _("%(objective)s at %(node)s: reached %(reached)s of %(planned)s")
                % {
                    "objective": checkpoint.objective.title,
                    "node": date_format(checkpoint.month, "YEAR_MONTH_FORMAT"),
                    "reached": measured(check.reached, checkpoint.objective),
                    "planned": measured(check.planned, checkpoint.objective),
                }
            )
    for row in rows:
        line = _("%(objective)s: planned %(planned)s, actual %(actual)s") % {
            "objective": row.title,
            "planned": measured(row.planned, row),
            "actual": measured(row.actual, row),
        }
        if row.gap_reason:
            said = _("gap: %(reason)s") if row.gap_reason_unsplit else _("own reasons: %(reason)s")
            line += " · " + said % {"reason": _short(row.gap_reason)}
        if row.gap_reason_outside:
            line += " · " + _("outside reasons: %(reason)s") % {
                "reason": _short(row.gap_reason_outside)
            }
        lines.append("- " + line)
    if table.summary:
        lines.append(_("Summary: %(summary)s") % {"summary": _short(table.summary)})
    note = "\n".join(lines)
    return note if len(note) <= NOTE_LIMIT else note[: NOTE_LIMIT - 1] + "…"


class ConversationAlreadyHeld(Exception):
    """Someone saved the table's conversation first; ``session`` is theirs."""

    def __init__(self, session: CoachingSession) -> None:
        super().__init__("the review conversation was already held")
        self.session = session


def review_conversation_save(
    *, actor: User, table: ReviewTable, **session_arguments: Any
) -> CoachingSession:
    """Save the coaching session and link it to ``table``, in one transaction.

    The table's row is locked first, so two reviewers saving at once never write two
    sessions: the second gets ``ConversationAlreadyHeld`` with the first one's session.
    """
    with transaction.atomic():
        ReviewTable.objects.select_for_update(of=("self",)).filter(pk=table.pk).first()
        held = ReviewConversation.objects.filter(table=table).select_related("session").first()
        if held is not None:
            raise ConversationAlreadyHeld(held.session)
        session = session_save(
            actor=actor, employee=table.employee, department=table.department, **session_arguments
        )
        ReviewConversation.objects.create(table=table, session=session, held_by=actor)
    return session
