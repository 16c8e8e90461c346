"""The webhook events of review tables (issue 19 §2): submitted, returned, finalised, overdue.

What a delivery says is what HR reads on the table's page: its subject, month,
status, deadline, completion and link — never the text of a return's comment.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_noop

from accounts.integration_models import WebhookEvent
from accounts.models import User
from accounts.rounding import round_int
from accounts.texts import day_param, month_param
from accounts.webhook_events import WebhookCall
from reviews.models import ExportJob, ReviewTable

SUBMITTED_OWN = gettext_noop("%(actor)s submitted their review table for %(month)s.")
SUBMITTED = gettext_noop("%(actor)s submitted the review table of %(subject)s for %(month)s.")
RETURNED = gettext_noop(
    "%(actor)s returned the review table of %(subject)s for %(month)s for revision."
)
FINALISED = gettext_noop("%(actor)s finalised the review table of %(subject)s for %(month)s.")
OVERDUE = gettext_noop(
    "The review table of %(subject)s for %(month)s is overdue: it was due on %(deadline)s."
)

EXPORT_READY = gettext_noop("The export of review tables %(name)s asked for is ready.")

STEP_EVENTS = {
    "submit": WebhookEvent.REVIEW_SUBMITTED,
    "return": WebhookEvent.REVIEW_RETURNED,
    "finalise": WebhookEvent.REVIEW_FINALISED,
}


def table_completion(table: ReviewTable) -> int | None:
    """The weighted completion of the table's rows with a plan and an actual, in percent."""
    rows = [row for row in table.rows.all() if row.completion is not None]
    weight = sum(row.weight for row in rows)
    if not rows:
        return None
    if not weight:
        return round_int(Decimal(sum(row.completion or 0 for row in rows)) / len(rows))
    return round_int(Decimal(sum((row.completion or 0) * row.weight for row in rows)) / weight)


def review_table_data(table: ReviewTable, *, actor: User | None = None) -> dict[str, Any]:
    """A table as a delivery's ``data``: what HR reads of it, no free text."""
    if table.employee is not None:
        subject = {"type": "person", "id": table.employee.pk, "name": table.employee.full_name}
    else:
        assert table.department is not None  # noqa: S101 - a check constraint
        subject = {"type": "department", "id": table.department.pk, "name": str(table.department)}
    data: dict[str, Any] = {
        "review_table": {
            "id": table.pk,
            "subject": subject,
            "month": f"{table.month:%Y-%m}",
            "status": table.status,
            "deadline": table.deadline.isoformat(),
            "completion": table_completion(table),
        }
    }
    if actor is not None:
        data["actor"] = {"id": actor.pk, "name": actor.full_name}
    return data


def review_table_webhook(
    table: ReviewTable, *, event: str, actor: User | None = None
) -> WebhookCall:
    """The event ``event`` of ``table`` (data built only if an endpoint takes it)."""
    own = actor is not None and table.employee_id == actor.pk
    text = {
        WebhookEvent.REVIEW_SUBMITTED: SUBMITTED_OWN if own else SUBMITTED,
        WebhookEvent.REVIEW_RETURNED: RETURNED,
        WebhookEvent.REVIEW_FINALISED: FINALISED,
        WebhookEvent.REVIEW_OVERDUE: OVERDUE,
    }[WebhookEvent(event)]
    return WebhookCall(
        event=event,
        data=lambda: review_table_data(table, actor=actor),
        text=text,
        params={
            "actor": actor.full_name if actor is not None else "",
            "subject": table.subject_name,
            "month": month_param(table.month),
            "deadline": day_param(table.deadline),
        },
        url=table.get_absolute_url(),
    )


def export_ready_webhook(job: ExportJob, *, rows: int, expires_at: dt.datetime) -> WebhookCall:
    """A finished export: who asked, how many rows, until when it can be downloaded, where.

    The file itself is downloaded by its requester, signed in, never sent."""
    requester = job.requester
    return WebhookCall(
        event=WebhookEvent.EXPORT_READY,
        data=lambda: {
            "export": {
                "id": job.pk,
                "requester": {"id": requester.pk, "name": requester.full_name},
                "rows": rows,
                "expires_at": expires_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
            }
        },
        text=EXPORT_READY,
        params={"name": requester.full_name},
        # The export page, where the requester finds the file among their exports (the job's
        # own address is a fragment of that page).
        url=reverse("reviews:export"),
    )
