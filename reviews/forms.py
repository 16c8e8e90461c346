"""The forms of the review pages; the assessee's part of a table is in ``fill_forms``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.inputs import MonthField, PersonField, limit_dates
from accounts.models import Department, User
from accounts.selectors import manager_chain_ids
from plans.models import AppraisalCycle
from reviews.models import (
    DEFAULT_RATING_SCALE,
    Inquiry,
    JobSettings,
    ReviewTable,
    rating_label,
)


class VersionForm(forms.Form):
    """The table version the form was built from; a stale one is refused on save."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReviewerForm(VersionForm):
    """The reviewer's part and the decision, in one form: every button takes what is on screen.

    *Save review* saves the four fields; *Open for questions*, *Return for
    revision* and *Finalise and lock* save them and take the step in one
    transaction (``review_table_decide``).
    """

    ACTIONS = ("save", "start_review", "return", "finalise")

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
    comment = forms.CharField(
        label=_("Comment for the person (needed to return the table)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(label=_("Finalise with open questions"), required=False)
    # Sent by the button pressed; a page without one only saves.
    action = forms.ChoiceField(
        choices=[(a, a) for a in ACTIONS], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, table: ReviewTable, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "version": table.version,
                "reviewer_summary": table.reviewer_summary,
                "suggestions": table.suggestions,
                "expectations": table.expectations,
                "rating": table.rating,
            },
        )
        super().__init__(*args, **kwargs)
        # Stored: the cycle's own labels as HR typed them, or the default scale's keys
        # (never a translation, which would change with the reader's language).
        scale = list(getattr(table.cycle, "rating_scale", None) or DEFAULT_RATING_SCALE)
        choices: list[tuple[str, Any]] = [("", "—")] + [(str(v), rating_label(v)) for v in scale]
        if table.rating and table.rating not in {str(value) for value in scale}:
            # A rating given on an older scale stays choosable rather than silently lost.
            choices.append((table.rating, rating_label(table.rating)))
        rating = self.fields["rating"]
        assert isinstance(rating, forms.ChoiceField)  # noqa: S101
        rating.choices = choices

    def clean_action(self) -> str:
        return str(self.cleaned_data.get("action") or "save")


class InquiryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What you put forward"),
        choices=Inquiry.Kind.choices,
        initial=Inquiry.Kind.QUESTION,
        widget=forms.RadioSelect,
        # A page opened before suggestions existed sends no kind: a question, as it was.
        required=False,
    )
    question = forms.CharField(
        label=_("Your question or suggestion"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_kind(self) -> str:
        return str(self.cleaned_data.get("kind") or Inquiry.Kind.QUESTION)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TableCreateForm(forms.Form):
    month = MonthField(label=_("Month"))
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
        label=_("Person"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Choose a person"),
    )
    department = forms.ModelChoiceField[Department](
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("Choose a department"),
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
            "department_askers",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Typed as an e-mail address: a list of everyone would be ten thousand options.
        self.fields["top_reviewer"] = PersonField(
            label=_("Top reviewer (e-mail)"),
            required=False,
            initial=self.instance.top_reviewer,
            help_text=JobSettings._meta.get_field("top_reviewer").help_text,
        )

    def clean_top_reviewer(self) -> User | None:
        """Someone outside the reporting line: not the top themselves (their own table is
        one they would review), nor anyone below the top (they would review a boss)."""
        person: User | None = self.cleaned_data.get("top_reviewer")
        if person is None:
            return None
        at_top = person.manager_id is None and (
            User.objects.filter(manager=person, is_active=True).exists()
            or Department.objects.filter(head=person, parent__isnull=True).exists()
        )
        if person.manager_id is not None:
            top = (
                User.objects.filter(pk__in=manager_chain_ids(person), manager__isnull=True)
                .only("full_name")
                .first()
            )
            raise forms.ValidationError(
                _(
                    "%(name)s reports to %(top)s, whose table the top reviewer reviews: "
                    "nobody reviews someone above them. Choose someone outside the line, "
                    "such as the chair of the board, or leave it empty for HR."
                )
                % {"name": person.full_name, "top": top.full_name if top else "—"}
            )
        if at_top:
            raise forms.ValidationError(
                _(
                    "%(name)s is at the top of the organisation: the tables they would "
                    "review include their own. Choose someone outside the line, such as the "
                    "chair of the board, or leave it empty for HR."
                )
                % {"name": person.full_name}
            )
        return person

    def save(self, commit: bool = True) -> JobSettings:
        self.instance.top_reviewer = self.cleaned_data.get("top_reviewer")
        return super().save(commit)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        manager, hr = data.get("overdue_manager_days"), data.get("overdue_hr_days")
        if manager is not None and hr is not None and hr < manager:
            self.add_error("overdue_hr_days", _("HR is told after the manager, not before."))
        return data


class DashboardForm(forms.Form):
    """The dashboard's filters; an unusable value gets a message beside its field."""

    month = MonthField(label=_("Month"), required=False)
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


def cycle_filter_field() -> forms.ModelChoiceField[AppraisalCycle]:
    """A table filter's cycle: any, newest first (the export page and HR's tables page)."""
    return forms.ModelChoiceField[AppraisalCycle](
        label=_("Cycle"),
        queryset=AppraisalCycle.objects.order_by("-start_date", "name"),
        required=False,
        empty_label=_("All cycles"),
    )


def department_filter_field() -> forms.ModelChoiceField[Department]:
    """A table filter's department, which takes the departments below it."""
    return forms.ModelChoiceField[Department](
        label=_("Department (with the departments below it)"),
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label=_("All departments"),
    )


def status_filter_field() -> forms.ChoiceField:
    """A table filter's status: any, or one in words."""
    return forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any")), *ReviewTable.Status.choices],
        required=False,
    )


class ExportForm(forms.Form):
    month_from = MonthField(label=_("From month"))
    month_to = MonthField(
        label=_("To month"), required=False, help_text=_("Empty: the same month.")
    )
    cycle = cycle_filter_field()
    department = department_filter_field()
    status = status_filter_field()
    late = forms.BooleanField(label=_("Late tables only"), required=False)
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
            data["month_to"] = end or start
            if data["month_to"] < data["month_from"]:
                self.add_error("month_to", _("The last month comes after the first."))
        return data


# --- Closing a cycle (issue 15 §4) -------------------------------------------------


class TablesWithdrawForm(forms.Form):
    """The open tables of a cycle HR ticks to withdraw, and why."""

    tables = forms.ModelMultipleChoiceField(
        label=_("Tables to withdraw"),
        queryset=ReviewTable.objects.none(),
        error_messages={
            "required": _("Tick the tables to withdraw."),
            "invalid_choice": _(
                "A ticked table is no longer open in this cycle: reload the page and try again."
            ),
            "invalid_pk_value": _("Reload the page and try again."),
        },
    )
    reason = forms.CharField(
        label=_("Why are they withdrawn?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in each table's history."),
    )

    def __init__(self, *args: Any, open_tables: Any, **kwargs: Any) -> None:
        # The close page shows this form beside ``CycleCloseForm``: ids of its own.
        kwargs.setdefault("auto_id", "withdraw_%s")
        super().__init__(*args, **kwargs)
        field = self.fields["tables"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101
        field.queryset = open_tables


class CycleCloseForm(forms.Form):
    """Closing the cycle: every table still open is closed unfinished."""

    reason = forms.CharField(
        label=_("Why is the cycle closed?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the cycle's history and in each table closed unfinished."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Shown beside ``TablesWithdrawForm``, which has a ``reason`` too: ids of its own.
        kwargs.setdefault("auto_id", "close_%s")
        super().__init__(*args, **kwargs)
