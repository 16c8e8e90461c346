from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.inputs import limit_dates
from accounts.models import Department, User
from coaching.models import AppraisalCycle, Measure
from reviews.models import JobSettings, ReviewRow, ReviewTable, WorkPlanItem
from reviews.services import next_month

DEFAULT_RATING_SCALE = [
    _("Below expectations"),
    _("Meets expectations"),
    _("Exceeds expectations"),
]


class VersionForm(forms.Form):
    """The table version the form was built from; a stale one is refused on save."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SummaryForm(VersionForm):
    summary = forms.CharField(
        label=_("Summary of the month"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Overall completion of the month's objectives and the main gaps."),
    )


class RowForm(forms.Form):
    actual = forms.DecimalField(
        label=_("Actual"),
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    gap_reason = forms.CharField(
        label=_("Reason for the gap"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 1}),
    )

    def __init__(self, *args: Any, row: ReviewRow, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.row = row

    def clean_actual(self) -> Decimal | None:
        value: Decimal | None = self.cleaned_data.get("actual")
        if value is None:
            return None
        if self.row.measure == Measure.PERCENT and value > 100:
            raise forms.ValidationError(_("A percentage is at most 100."))
        if self.row.measure == Measure.MILESTONE and value not in (Decimal(0), Decimal(1)):
            raise forms.ValidationError(_("A milestone is 1 (done) or 0 (not done)."))
        return value


class BaseRowFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def __init__(self, *args: Any, rows: list[ReviewRow], **kwargs: Any) -> None:
        self.rows = rows
        kwargs.setdefault(
            "initial", [{"actual": r.actual, "gap_reason": r.gap_reason} for r in rows]
        )
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if index is not None:
            kwargs["row"] = self.rows[index]
        return kwargs

    def total_form_count(self) -> int:
        return len(self.rows)


RowFormSet = forms.formset_factory(RowForm, formset=BaseRowFormSet, extra=0)


class WorkItemForm(forms.Form):
    item_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Work item"), max_length=200, required=False)
    target = forms.CharField(label=_("Target"), max_length=200, required=False)
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, month: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan_month = next_month(month)
        for name in ("title", "target", "due_date"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"

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


WorkItemFormSet = forms.formset_factory(
    WorkItemForm, formset=BaseWorkItemFormSet, extra=2, can_delete=True, max_num=30
)


class CarriedForm(forms.Form):
    item_id = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=WorkPlanItem.Outcome.choices, required=False
    )


CarriedFormSet = forms.formset_factory(CarriedForm, extra=0)


class ReviewerForm(VersionForm):
    reviewer_summary = forms.CharField(
        label=_("Summary of completion"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    suggestions = forms.CharField(
        label=_("Improvement suggestions"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    expectations = forms.CharField(
        label=_("Expectations and requirements for next month"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rating = forms.ChoiceField(label=_("Rating (optional)"), required=False)

    def __init__(self, *args: Any, table: ReviewTable, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scale = list(getattr(table.cycle, "rating_scale", None) or DEFAULT_RATING_SCALE)
        rating = self.fields["rating"]
        assert isinstance(rating, forms.ChoiceField)  # noqa: S101
        rating.choices = [("", "—")] + [(str(label), label) for label in scale]


class TransitionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("submit", "start_review", "return", "finalise")]
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(label=_("Finalise with open questions"), required=False)


class InquiryForm(forms.Form):
    question = forms.CharField(
        label=_("Your question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TableCreateForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    scope = forms.ChoiceField(
        label=_("For"),
        choices=[
            ("person", _("One person")),
            ("department", _("One department")),
            ("team", _("My whole team")),
            ("everyone", _("Everyone in the cycle (HR)")),
        ],
        widget=forms.RadioSelect,
        initial="person",
    )
    employee = forms.ModelChoiceField[User](
        label=_("Person"), queryset=User.objects.none(), required=False
    )
    department = forms.ModelChoiceField[Department](
        label=_("Department"), queryset=Department.objects.none(), required=False
    )

    def __init__(
        self, *args: Any, people: Any, departments: Any, is_hr: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        employee = self.fields["employee"]
        department = self.fields["department"]
        assert isinstance(employee, forms.ModelChoiceField)  # noqa: S101
        assert isinstance(department, forms.ModelChoiceField)  # noqa: S101
        employee.queryset = people
        department.queryset = departments
        self.is_hr = is_hr
        limit_dates(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scope = data.get("scope")
        if scope == "person" and not data.get("employee"):
            self.add_error("employee", _("Choose the person."))
        if scope == "department" and not data.get("department"):
            self.add_error("department", _("Choose the department."))
        if scope == "everyone" and not self.is_hr:
            self.add_error("scope", _("Only HR creates tables for everyone."))
        return data


class JobSettingsForm(forms.ModelForm[JobSettings]):
    class Meta:
        model = JobSettings
        fields = [
            "generation_hour",
            "generation_lead_days",
            "deadline_days",
            "due_soon_days",
            "overdue_manager_days",
            "overdue_hr_days",
            "not_coached_days",
            "digest_weekday",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        manager, hr = data.get("overdue_manager_days"), data.get("overdue_hr_days")
        if manager is not None and hr is not None and hr < manager:
            self.add_error("overdue_hr_days", _("HR is told after the manager, not before."))
        return data


class DashboardForm(forms.Form):
    """The dashboard's filters; an unusable value gets a message beside its field."""

    month = forms.DateField(
        label=_("Month"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m"],
        error_messages={"invalid": _("Choose a month like 2026-03.")},
    )
    department = forms.ModelChoiceField[Department](
        label=_("Department"),
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label=_("All departments"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_dates(self)


class ExportForm(forms.Form):
    month_from = forms.DateField(
        label=_("From month"),
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    month_to = forms.DateField(
        label=_("To month"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text=_("Empty: the same month."),
    )
    cycle = forms.ModelChoiceField[AppraisalCycle](
        label=_("Cycle"), queryset=AppraisalCycle.objects.all(), required=False
    )
    department = forms.ModelChoiceField[Department](
        label=_("Department (with the departments below it)"),
        queryset=Department.objects.all(),
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any"))] + list(ReviewTable.Status.choices),
        required=False,
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", "XLSX (Excel)"), ("csv", "CSV"), ("pdf", "PDF")],
        initial="xlsx",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_dates(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("month_from"), data.get("month_to")
        if start:
            data["month_from"] = start.replace(day=1)
            data["month_to"] = (end or start).replace(day=1)
            if data["month_to"] < data["month_from"]:
                self.add_error("month_to", _("The last month comes after the first."))
        return data
