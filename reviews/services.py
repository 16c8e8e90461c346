"""Writes to monthly review tables: the assessee's and reviewer's parts (creation:
``reviews.generation``, re-exported here).

The workflow steps and the questions are in ``reviews.workflow``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F

from accounts.models import User
from reviews.change_labels import ADDED, OUTCOME, REMOVED, WORK_PLAN, change_key

# Creation lives in ``reviews.generation``; its services are imported from here too.
from reviews.generation import GenerationResult as GenerationResult
from reviews.generation import default_deadline as default_deadline
from reviews.generation import month_tables_generate as month_tables_generate
from reviews.generation import review_table_for as review_table_for
from reviews.generation import review_tables_generate as review_tables_generate
from reviews.models import ReviewEvent, ReviewRow, ReviewTable, WorkPlanItem


class StaleTableError(Exception):
    """The table was saved by someone else since this form was loaded."""


# --- Filling ----------------------------------------------------------------


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def table_version_bump(table: ReviewTable, version: int, **fields: Any) -> None:
    """Save ``fields`` only if nobody saved the table since ``version`` was read.

    Raises ``StaleTableError`` otherwise; on success ``table`` holds the new
    version and values.
    """
    updated = ReviewTable.objects.filter(pk=table.pk, version=version).update(
        version=F("version") + 1, **fields
    )
    if updated != 1:
        raise StaleTableError
    table.version = version + 1
    for name, value in fields.items():
        setattr(table, name, value)


@dataclass
class RowInput:
    row: ReviewRow
    actual: Decimal | None
    gap_reason: str
    gap_reason_outside: str = ""


@dataclass
class WorkItemInput:
    """One line of next month's plan as the page sent it.

    ``item_id`` names an item the page showed; ``form_key`` is the key of a new
    line, so that the same line sent twice updates what it created the first
    time. Neither may point outside the table: such a line is a new item.
    """

    item_id: int | None
    form_key: uuid.UUID | None
    title: str
    target: str
    due_date: dt.date | None
    delete: bool = False


@transaction.atomic
def review_table_fill(
    *,
    actor: User,
    table: ReviewTable,
    version: int,
    summary: str,
    rows: list[RowInput],
    work_items: list[WorkItemInput],
    outcomes: dict[int, str],
) -> ReviewTable:
    """The assessee's part, saved whole or not at all.

    Raises ``StaleTableError`` if the table was saved since ``version`` was
    read. Saving the same screen twice changes nothing the second time: new
    plan lines are matched by their form key.
    """
    old_summary = ReviewTable.objects.values_list("summary", flat=True).get(pk=table.pk)
    table_version_bump(table, version, summary=summary)
    changes: dict[str, list[object]] = {}
    if old_summary != summary:
        changes[change_key("summary")] = [old_summary, summary]
    changed_rows = []
    for row_input in rows:
        row = row_input.row
        for field, value in (
            ("actual", row_input.actual),
            ("gap_reason", row_input.gap_reason),
            ("gap_reason_outside", row_input.gap_reason_outside),
        ):
            if getattr(row, field) != value:
                changes[change_key(field, row.title)] = [_plain(getattr(row, field)), _plain(value)]
                setattr(row, field, value)
                if field != "actual":
                    row.gap_reason_unsplit = False  # its reasons given in the split form
                if row not in changed_rows:
                    changed_rows.append(row)
    ReviewRow.objects.bulk_update(
        changed_rows, ["actual", "gap_reason", "gap_reason_outside", "gap_reason_unsplit"]
    )
    existing = {item.pk: item for item in table.work_items.all()}
    planned = {pk: item for pk, item in existing.items() if item.kind == WorkPlanItem.Kind.NEXT}
    by_key = {item.form_key: item for item in planned.values() if item.form_key}
    for entry in work_items:
        item = planned.get(entry.item_id or 0) or (
            by_key.get(entry.form_key) if entry.form_key else None
        )
        if item is None:
            if entry.delete or not entry.title:
                continue
            item = WorkPlanItem.objects.create(
                table=table,
                kind=WorkPlanItem.Kind.NEXT,
                title=entry.title,
                target=entry.target,
                due_date=entry.due_date,
                position=len(existing) + 1,
                form_key=entry.form_key,
            )
            existing[item.pk] = planned[item.pk] = item
            if entry.form_key:
                by_key[entry.form_key] = item
            changes[change_key(WORK_PLAN, entry.title)] = [None, ADDED]
        elif entry.delete or not entry.title:
            planned.pop(item.pk, None)
            if item.form_key:
                by_key.pop(item.form_key, None)
            item.delete()
            changes[change_key(WORK_PLAN, item.title)] = [REMOVED, None]
        else:
            before = (item.title, item.target, item.due_date)
            after = (entry.title, entry.target, entry.due_date)
            if before != after:
                item.title, item.target, item.due_date = after
                item.save(update_fields=["title", "target", "due_date"])
                changes[change_key(WORK_PLAN, item.title)] = [
                    " / ".join(str(_plain(v) or "") for v in before),
                    " / ".join(str(_plain(v) or "") for v in after),
                ]
    for pk, outcome in outcomes.items():
        carried = existing.get(pk)
        if carried and carried.kind == WorkPlanItem.Kind.CARRIED and carried.outcome != outcome:
            changes[change_key(OUTCOME, carried.title)] = [carried.outcome, outcome]
            carried.outcome = outcome
            carried.save(update_fields=["outcome"])
    if table.submitted_at and changes:
        ReviewEvent.objects.create(
            table=table, kind=ReviewEvent.Kind.CHANGE, actor=actor, changes=changes
        )
    return table


REVIEWER_FIELDS = ("reviewer_summary", "suggestions", "expectations", "rating")


@transaction.atomic
def review_table_review(
    *, actor: User, table: ReviewTable, version: int, **fields: str
) -> ReviewTable:
    """The reviewer's part; kept in the history like every change after submission."""
    old = ReviewTable.objects.values(*REVIEWER_FIELDS).get(pk=table.pk)
    new = {name: fields[name] for name in REVIEWER_FIELDS if name in fields}
    table_version_bump(table, version, **new)
    changes = {
        change_key(name): [old[name], value] for name, value in new.items() if old[name] != value
    }
    if changes:
        ReviewEvent.objects.create(
            table=table, kind=ReviewEvent.Kind.CHANGE, actor=actor, changes=changes
        )
    return table
