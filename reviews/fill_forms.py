"""The assessee's part of a table page: its forms, and the bundle that checks them together.

``ReviewTableFillForms`` is what the table view binds to a POST: the summary
(with the table's version), one form per objective row and per carried item,
and the formset of next month's plan, valid and saved all at once.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from plans.models import Measure
from plans.months import first_of_next_month
from reviews.forms import VersionForm
from reviews.models import ReviewRow, ReviewTable, WorkPlanItem
from reviews.services import RowInput, WorkItemInput
from reviews.workflow import SubmissionProblem, submission_problems_of


class SummaryForm(VersionForm):
    summary = forms.CharField(
        label=_("Summary of the month"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Overall completion of the month's objectives and the main gaps."),
    )


class RowForm(forms.Form):
    """One objective row of the table, named by the row's id (``row-<id>-actual``).

    Keyed by id rather than position, so a row added to a draft table while the
    page was open (the month-end job adds rows for new objectives) never takes
    another row's values.
    """

    actual = forms.DecimalField(
        label=_("Actual"),
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    gap_reason = forms.CharField(
        label=_("Own reasons"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 1}),
    )
    gap_reason_outside = forms.CharField(
        label=_("Outside reasons"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 1}),
    )

    def __init__(self, data: Any = None, *, row: ReviewRow) -> None:
        super().__init__(
            data,
            prefix=f"row-{row.pk}",
            initial={
                "actual": row.actual,
                "gap_reason": row.gap_reason,
                "gap_reason_outside": row.gap_reason_outside,
            },
        )
        self.row = row

    @property
    def milestone_choice(self) -> str:
        """For a milestone row's *done / not done* choice: ``"1"``, ``"0"`` or ``""`` (not
        said yet), from what was typed (a bound form) or what is stored."""
        value = self["actual"].value()
        try:
            number = Decimal(str(value)) if value not in (None, "") else None
        except ArithmeticError:
            return ""
        if number is None:
            return ""
        return "1" if number == 1 else "0" if number == 0 else ""

    def clean_actual(self) -> Decimal | None:
        value: Decimal | None = self.cleaned_data.get("actual")
        if value is None:
            return None
        if self.row.measure == Measure.PERCENT and value > 100:
            raise forms.ValidationError(_("A percentage is at most 100."))
        if self.row.measure == Measure.MILESTONE and value not in (Decimal(0), Decimal(1)):
            raise forms.ValidationError(_("A milestone is 1 (done) or 0 (not done)."))
        return value


class CarriedForm(forms.Form):
    """The outcome of one item of last month's plan, named by the item's id."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        # The blank outcome is named in words like every other choice.
        choices=[
            (value, _("not said yet") if value == "" else label)
            for value, label in WorkPlanItem.Outcome.choices
        ],
        required=False,
    )

    def __init__(self, data: Any = None, *, item: WorkPlanItem) -> None:
        super().__init__(data, prefix=f"carried-{item.pk}", initial={"outcome": item.outcome})
        self.item = item


class WorkItemForm(forms.Form):
    item_id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    # A new line's key, made when the page is drawn: saving the same screen twice
    # updates the item this line created instead of creating it again.
    form_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Work item"), max_length=200, required=False)
    target = forms.CharField(label=_("Target"), max_length=200, required=False)
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, month: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan_month = first_of_next_month(month)
        if not self.initial.get("item_id"):
            self.fields["form_key"].initial = uuid.uuid4()
        for name in ("title", "target", "due_date"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"

    def has_changed(self) -> bool:
        # The keys are drawn fresh for every empty line: they alone are no change.
        return bool(set(self.changed_data) - {"form_key", "item_id"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = data.get("target") or data.get("due_date")
        if filled and not data.get("title") and not data.get("DELETE"):
            self.add_error("title", _("Name the work item."))
        due = data.get("due_date")
        if due and (due.year, due.month) != (self.plan_month.year, self.plan_month.month):
            self.add_error(
                "due_date",
                _("Pick a date in %(month)s: this is next month's plan.")
                % {"month": date_format(self.plan_month, "YEAR_MONTH_FORMAT")},
            )
        return data


class BaseWorkItemFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def __init__(self, *args: Any, month: dt.date, **kwargs: Any) -> None:
        self.month = month
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "month": self.month}

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


WORK_ITEMS_MAX = 30
WorkItemFormSet = forms.formset_factory(
    WorkItemForm,
    formset=BaseWorkItemFormSet,
    extra=2,
    can_delete=True,
    max_num=WORK_ITEMS_MAX,
    absolute_max=WORK_ITEMS_MAX + 10,
    validate_max=True,
)


class ReviewTableFillForms:
    """The assessee's part of a table page as one bundle of forms.

    ``summary_form`` (with the table's version), one ``RowForm`` per objective
    row, one ``CarriedForm`` per item of last month's plan, and the formset of
    next month's plan. Bound to ``data`` (a POST), the row and carried forms
    whose fields the page did not send stay unbound and are left unchanged, so
    a page drawn before a row was added saves what it showed and nothing else.
    """

    def __init__(
        self,
        table: ReviewTable,
        *,
        rows: list[ReviewRow],
        items: list[WorkPlanItem],
        data: Any = None,
    ) -> None:
        self.table = table
        self.summary_form = SummaryForm(
            data, initial={"version": table.version, "summary": table.summary}
        )
        self.row_forms = [RowForm(_sent(data, f"row-{row.pk}-"), row=row) for row in rows]
        self.carried_forms = [
            CarriedForm(_sent(data, f"carried-{item.pk}-"), item=item)
            for item in items
            if item.kind == WorkPlanItem.Kind.CARRIED
        ]
        self.work_formset = WorkItemFormSet(  # type: ignore[call-arg]
            data,
            month=table.month,
            prefix="work",
            initial=[
                {
                    "item_id": i.pk,
                    "form_key": i.form_key,
                    "title": i.title,
                    "target": i.target,
                    "due_date": i.due_date,
                }
                for i in items
                if i.kind == WorkPlanItem.Kind.NEXT
            ],
        )
        self.work_problems: list[str] = []

    def _bound(self) -> list[forms.Form | forms.BaseFormSet]:  # type: ignore[type-arg]
        every: list[Any] = [self.summary_form, *self.row_forms, *self.carried_forms]
        return [f for f in [*every, self.work_formset] if f.is_bound]

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self._bound()])

    def fill_arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``review_table_fill`` from valid forms."""
        return {
            "version": self.summary_form.cleaned_data["version"],
            "summary": self.summary_form.cleaned_data["summary"],
            "rows": [
                RowInput(
                    form.row,
                    form.cleaned_data["actual"],
                    form.cleaned_data["gap_reason"],
                    form.cleaned_data["gap_reason_outside"],
                )
                for form in self.row_forms
                if form.is_bound
            ],
            "work_items": [
                WorkItemInput(
                    item_id=form.cleaned_data.get("item_id"),
                    form_key=form.cleaned_data.get("form_key"),
                    title=form.cleaned_data.get("title", ""),
                    target=form.cleaned_data.get("target", ""),
                    due_date=form.cleaned_data.get("due_date"),
                    delete=bool(form.cleaned_data.get("DELETE")),
                )
                for form in self.work_formset
                if form.has_changed() or form.cleaned_data.get("item_id")
            ],
            "outcomes": {
                form.item.pk: form.cleaned_data["outcome"]
                for form in self.carried_forms
                if form.is_bound
            },
        }

    def submission_preview(self) -> list[SubmissionProblem]:
        """What submitting would still refuse, judged on what the page sent.

        Called when the page has problems of its own (a bad date, a number that is
        not one), so the person hears of everything at once, not in rounds. Parts
        that are themselves invalid are left to their own messages.
        """
        rows = []
        for form in self.row_forms:
            if form.is_bound and not form.is_valid():
                continue
            row = copy.copy(form.row)
            if form.is_bound:
                row.actual = form.cleaned_data["actual"]
                row.gap_reason = form.cleaned_data["gap_reason"]
                row.gap_reason_outside = form.cleaned_data["gap_reason_outside"]
            rows.append(row)
        summary = self.summary_form.cleaned_data.get("summary")
        if not self.summary_form.is_valid():
            summary = None
        planned: int | None = None
        if self.work_formset.is_valid():
            planned = sum(
                1
                for line in self.work_formset
                if line.cleaned_data.get("title") and not line.cleaned_data.get("DELETE")
            )
        return submission_problems_of(rows=rows, summary=summary, planned_items=planned)

    def show_problems(self, problems: Iterable[SubmissionProblem]) -> None:
        """Put what submission still needs beside the fields the person filled.

        A row's problem goes to its row's form; one about a row the page did not
        show (added meanwhile) and one about next month's plan go above the plan.
        """
        by_row = {form.row.pk: form for form in self.row_forms}
        for problem in problems:
            row_form = by_row.get(problem.row_id) if problem.row_id is not None else None
            if row_form is not None and row_form.is_bound:
                row_form.add_error(problem.field, problem.message)
            elif problem.field == "summary":
                self.summary_form.add_error("summary", problem.message)
            else:
                self.work_problems.append(problem.message)

    def error_summary(self) -> list[tuple[str, str, str]]:
        """Every problem of the bound forms as (where, message, id of the field), in page order.

        Shown above the form with links to the fields: on a phone the field of a
        row may be off-screen in its table, so "see below" alone is not enough.
        """
        found: list[tuple[str, str, str]] = []

        def add(form: forms.Form, name: str, where: str) -> None:
            if form.is_bound:
                for message in form[name].errors:
                    found.append((where, str(message), form[name].id_for_label))

        for row_form in self.row_forms:
            add(row_form, "actual", f"{_('Actual')} · {row_form.row.title}")
            add(row_form, "gap_reason", f"{_('Own reasons')} · {row_form.row.title}")
            add(row_form, "gap_reason_outside", f"{_('Outside reasons')} · {row_form.row.title}")
        for carried in self.carried_forms:
            add(carried, "outcome", f"{_('Outcome')} · {carried.item.title}")
        add(self.summary_form, "summary", str(_("Summary of the month")))
        if self.work_formset.is_bound:
            for number, line in enumerate(self.work_formset.forms, start=1):
                for name in ("title", "target", "due_date"):
                    where = _("Plan for next month, line %(number)d · %(field)s") % {
                        "number": number,
                        "field": line.fields[name].label,
                    }
                    add(line, name, where)
        found.extend(
            (str(_("Plan for next month")), str(message), "work-plan")
            for message in [*self.work_problems, *self.work_formset.non_form_errors()]
        )
        return found

    def context(self) -> dict[str, Any]:
        return {
            "error_summary": self.error_summary(),
            "summary_form": self.summary_form,
            "row_forms": self.row_forms,
            "carried_forms": self.carried_forms,
            "work_formset": self.work_formset,
            "work_problems": self.work_problems,
        }


def _sent(data: Any, prefix: str) -> Any:
    """``data`` if the page sent any field starting with ``prefix``, else None (unbound)."""
    if data is None or not any(key.startswith(prefix) for key in data):
        return None
    return data
