"""A review table's JSON bodies as the POSTs its page sends, and the forms' errors back.

``fill_post`` builds what the assessee's part of the page posts (``ReviewTableFillForms``):
the rows, outcomes and plan lines a script did not send stay as stored, as on a page
that shows them unchanged. ``review_post`` builds the reviewer's form
(``ReviewerForm``), the four texts kept as stored unless sent. The errors come back
under the API's names: ``rows.0.actual``, ``work_items.1.due_date``, ``summary``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from api.bridge import BadBody, an_id, form_errors, list_of_objects, scalar
from reviews.fill_forms import ReviewTableFillForms
from reviews.forms import ReviewerForm
from reviews.models import Inquiry, ReviewTable, WorkPlanItem
from reviews.selectors import TableContents
from reviews.workflow import SubmissionProblem

FILL_KEYS = {"version", "summary", "rows", "carried", "work_items", "submit"}
REVIEW_TEXTS = ("reviewer_summary", "suggestions", "expectations", "rating")
REVIEW_KEYS = {"version", "action", *REVIEW_TEXTS, "comment", "confirm"}


def _known(body: dict[str, Any], keys: set[str]) -> None:
    unknown = set(body) - keys
    if unknown:
        raise BadBody({name: [_("Unknown field.")] for name in sorted(unknown)})


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class FillPost:
    """The page's POST for a fill body, and where each part of it came from."""

    def __init__(self, contents: TableContents, body: dict[str, Any]) -> None:
        _known(body, FILL_KEYS)
        table = contents.table
        self.rows_sent: dict[int, int] = {}  # row id -> index in the body
        self.carried_sent: dict[int, int] = {}
        self.lines: list[int | None] = []  # formset line -> index in the body (None: as stored)
        data: dict[str, str] = {
            "version": scalar(body.get("version"), "version"),
            "summary": scalar(body["summary"], "summary") if "summary" in body else table.summary,
        }
        rows = {row.pk: row for row in contents.rows}
        for index, entry in enumerate(list_of_objects(body.get("rows"), "rows")):
            pk = an_id(entry.get("id"), f"rows.{index}.id")
            row = rows.get(pk)
            if row is None or pk in self.rows_sent:
                raise BadBody({f"rows.{index}.id": [_("Not a row of this table (or sent twice).")]})
            self.rows_sent[pk] = index
            for name in ("actual", "gap_reason", "gap_reason_outside"):
                value = entry[name] if name in entry else _text(getattr(row, name))
                data[f"row-{pk}-{name}"] = scalar(value, f"rows.{index}.{name}")
        carried = {i.pk for i in contents.items if i.kind == WorkPlanItem.Kind.CARRIED}
        for index, entry in enumerate(list_of_objects(body.get("carried"), "carried")):
            pk = an_id(entry.get("id"), f"carried.{index}.id")
            if pk not in carried or pk in self.carried_sent:
                raise BadBody(
                    {
                        f"carried.{index}.id": [
                            _("Not an item of last month's plan (or sent twice).")
                        ]
                    }
                )
            self.carried_sent[pk] = index
            data[f"carried-{pk}-outcome"] = scalar(entry.get("outcome"), f"carried.{index}.outcome")
        self._lines(data, contents, list_of_objects(body.get("work_items"), "work_items"))
        self.data = data

    def _lines(
        self, data: dict[str, str], contents: TableContents, sent: list[dict[str, Any]]
    ) -> None:
        """Next month's plan as the page's formset: the stored lines first, in order
        (changed by the body where it names them), then the body's new lines."""
        stored = [i for i in contents.items if i.kind == WorkPlanItem.Kind.NEXT]
        by_id: dict[int, int] = {}
        new: list[int] = []
        for index, entry in enumerate(sent):
            if entry.get("id") is None:
                new.append(index)
                continue
            pk = an_id(entry["id"], f"work_items.{index}.id")
            if pk not in {item.pk for item in stored} or pk in by_id:
                raise BadBody(
                    {
                        f"work_items.{index}.id": [
                            _("Not a line of this table's plan (or sent twice).")
                        ]
                    }
                )
            by_id[pk] = index
        line = 0
        for item in stored:
            sent_as = by_id.get(item.pk)
            entry = sent[sent_as] if sent_as is not None else {}
            self._line(data, line, entry, sent_as, item)
            line += 1
        for index in new:
            self._line(data, line, sent[index], index, None)
            line += 1
        data["work-TOTAL_FORMS"] = str(line)
        data["work-INITIAL_FORMS"] = str(len(stored))

    def _line(
        self,
        data: dict[str, str],
        line: int,
        entry: dict[str, Any],
        index: int | None,
        item: WorkPlanItem | None,
    ) -> None:
        where = f"work_items.{index}"
        prefix = f"work-{line}-"
        self.lines.append(index)
        stored = {
            "title": item.title if item else "",
            "target": item.target if item else "",
            "due_date": item.due_date.isoformat() if item and item.due_date else "",
        }
        data[prefix + "item_id"] = str(item.pk) if item else ""
        key = entry.get("key") if item is None else str(item.form_key or "")
        data[prefix + "form_key"] = scalar(key, f"{where}.key")
        for name, value in stored.items():
            data[prefix + name] = scalar(entry[name], f"{where}.{name}") if name in entry else value
        if entry.get("delete"):
            data[prefix + "DELETE"] = scalar(entry["delete"], f"{where}.delete")

    def errors(
        self, fill: ReviewTableFillForms, problems: list[SubmissionProblem] | None = None
    ) -> dict[str, list[str]]:
        """The bound forms' errors and the submission's ``problems``, by API field."""
        found = form_errors(fill.summary_form)
        for form in fill.row_forms:
            if form.is_bound and form.row.pk in self.rows_sent:
                found.update(form_errors(form, prefix=f"rows.{self.rows_sent[form.row.pk]}."))
        for carried in fill.carried_forms:
            if carried.is_bound and carried.item.pk in self.carried_sent:
                index = self.carried_sent[carried.item.pk]
                found.update(form_errors(carried, prefix=f"carried.{index}."))
        for line, form in enumerate(fill.work_formset.forms):
            line_of = self.lines[line] if line < len(self.lines) else None
            prefix = f"work_items.{line_of}." if line_of is not None else "work_items."
            for name, messages in form_errors(form, prefix=prefix).items():
                found.setdefault(name, []).extend(messages)
        for message in fill.work_formset.non_form_errors():
            found.setdefault("work_items", []).append(str(message))
        titles = {form.row.pk: form.row.title for form in fill.row_forms}
        for problem in problems or []:
            if problem.row_id is None:
                found.setdefault(problem.field, []).append(problem.message)
            elif problem.row_id in self.rows_sent:
                key = f"rows.{self.rows_sent[problem.row_id]}.{problem.field}"
                found.setdefault(key, []).append(problem.message)
            else:
                shown = f"{titles.get(problem.row_id, '')}: {problem.message}"
                found.setdefault("rows", []).append(shown)
        return found


def review_post(table: ReviewTable, body: dict[str, Any]) -> dict[str, str]:
    """The reviewer's form as the page posts it; the four texts as stored unless sent."""
    _known(body, REVIEW_KEYS)
    data = {
        "version": scalar(body.get("version"), "version"),
        "action": scalar(body.get("action"), "action"),
        "comment": scalar(body.get("comment"), "comment"),
        "confirm": scalar(body.get("confirm"), "confirm"),
    }
    for name in REVIEW_TEXTS:
        data[name] = scalar(body[name], name) if name in body else str(getattr(table, name))
    return data


def review_errors(form: ReviewerForm, error: ValidationError | None = None) -> dict[str, list[str]]:
    """The reviewer form's errors, and those of a refused step (``error``), by field."""
    found = form_errors(form)
    if error is not None:
        refused = (
            error.message_dict
            if hasattr(error, "error_dict")
            else {"non_field_errors": error.messages}
        )
        for field, messages in refused.items():
            key = field if field in form.fields else "non_field_errors"
            found.setdefault(key, []).extend(str(message) for message in messages)
    return found


# --- What is sent (documentation: the page's forms check it) -------------------------


class RowInputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    actual = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, allow_null=True, required=False
    )
    gap_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    gap_reason_outside = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class CarriedInputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=WorkPlanItem.Outcome.choices, required=False)


class WorkItemInputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(required=False, help_text="A stored line; absent: a new one.")
    key = serializers.UUIDField(
        required=False, help_text="A new line's key: sending it again updates that line."
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    target = serializers.CharField(required=False, allow_blank=True, max_length=200)
    due_date = serializers.DateField(required=False, allow_null=True)
    delete = serializers.BooleanField(required=False)


class FillInputSerializer(serializers.Serializer[Any]):
    """The assessee's part. Rows, outcomes and plan lines not sent stay as stored."""

    version = serializers.IntegerField(min_value=1)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    rows = RowInputSerializer(many=True, required=False)
    carried = CarriedInputSerializer(many=True, required=False)
    work_items = WorkItemInputSerializer(many=True, required=False)
    submit = serializers.BooleanField(required=False, help_text="Save and submit.")


class ReviewInputSerializer(serializers.Serializer[Any]):
    """The reviewer's part and the step to take; texts not sent stay as stored."""

    version = serializers.IntegerField(min_value=1)
    action = serializers.ChoiceField(choices=ReviewerForm.ACTIONS, required=False)
    reviewer_summary = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    suggestions = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    expectations = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    rating = serializers.CharField(required=False, allow_blank=True)
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Needed to return it."
    )
    confirm = serializers.BooleanField(required=False, help_text="Finalise with open questions.")


class AskInputSerializer(serializers.Serializer[Any]):
    question = serializers.CharField(max_length=2000)
    kind = serializers.ChoiceField(choices=Inquiry.Kind.choices, required=False)


class AnswerInputSerializer(serializers.Serializer[Any]):
    answer = serializers.CharField(max_length=4000)
