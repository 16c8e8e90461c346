"""Forms of the plan pages: cycles, objectives, monthly targets, check-ins, list filters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.concurrency import VersionField, carry_version
from accounts.forms import submit_helper
from accounts.inputs import FilterForm, limit_dates
from accounts.models import Department, User
from plans.cycles import overlap_refusal, subject_in_overlapping_cycle
from plans.models import AppraisalCycle, CheckIn, Measure, Objective
from plans.months import months_between
from plans.selectors import WEIGHT_TOTAL, objective_weight_check, subject_weight_total

MAX_CYCLE_MONTHS = 24
REASON_HELP = _("The plan was agreed by both sides: say why it changes. The change is recorded.")


class CycleForm(forms.ModelForm[AppraisalCycle]):
    frequency = forms.ChoiceField(
        label=_("Time nodes"),
        choices=[
            ("monthly", _("Every month")),
            ("bimonthly", _("Every two months")),
            ("quarterly", _("Every quarter")),
            ("half_yearly", _("Every half year")),
        ],
        initial="monthly",
        help_text=_("When targets are set and progress is judged."),
    )

    rating_labels = forms.CharField(
        label=_("Rating scale"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One rating per line, lowest first, for reviewers of monthly review tables. "
            "Empty: below / meets / exceeds expectations."
        ),
    )
    version = VersionField()

    class Meta:
        model = AppraisalCycle
        fields = ["name", "start_date", "end_date"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(str(_("Save")))
        carry_version(self)
        if self.instance.pk and self.instance.time_nodes:
            months = len(months_between(self.instance.start_date, self.instance.end_date))
            step = round(months / len(self.instance.nodes))
            by_step = {1: "monthly", 2: "bimonthly", 3: "quarterly", 6: "half_yearly"}
            self.fields["frequency"].initial = by_step.get(step, "monthly")
        if self.instance.pk:
            scale = self.instance.rating_scale
            labels = [str(label) for label in scale] if isinstance(scale, list) else []
            self.fields["rating_labels"].initial = "\n".join(labels)
        if self.instance.pk and self.instance.state != AppraisalCycle.State.PLANNING:
            for name in ("start_date", "end_date", "frequency"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed once the cycle has started.")
        limit_dates(self)

    def _get_validation_exclusions(self) -> set[str]:
        # A fixed (disabled) date keeps its stored value, whatever it is: not the person's
        # to correct here, so it must not stop them saving the rest.
        # (Django's own hook for this; django-stubs does not declare it.)
        excluded: set[str] = set(super()._get_validation_exclusions())  # type: ignore[misc]
        excluded.update(name for name, field in self.fields.items() if field.disabled)
        return excluded

    def clean_rating_labels(self) -> list[str]:
        labels = [line.strip() for line in self.cleaned_data["rating_labels"].splitlines()]
        labels = [label for label in labels if label]
        if len(labels) > 10:
            raise forms.ValidationError(_("At most 10 ratings."))
        if len(set(labels)) != len(labels):
            raise forms.ValidationError(_("Each rating must be different."))
        if any(len(label) > 50 for label in labels):
            raise forms.ValidationError(_("A rating is at most 50 characters."))
        return labels

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        fixed = self.fields["end_date"].disabled  # stored dates, not the person's to fix here
        if start and end and not fixed:
            if end <= start:
                self.add_error("end_date", _("The end date must be after the start date."))
            elif (end.year - start.year) * 12 + end.month - start.month >= MAX_CYCLE_MONTHS:
                self.add_error("end_date", _("A cycle can last at most 24 months."))
        return data


class CycleReopenForm(forms.Form):
    """Reopening a closed cycle says why (issue 15 §4); the reason is kept in its history."""

    reason = forms.CharField(
        label=_("Why is the cycle reopened?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Kept in the cycle's history. Tables closed with the cycle stay closed; "
            "objectives, targets and check-ins can be changed again."
        ),
    )

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the cycle is reopened."))
        return reason


def measure_target_check(form: forms.BaseForm, data: dict[str, Any]) -> None:
    """Add to ``form`` the errors of a measure, target and unit that do not fit together.

    ``data`` is the form's cleaned data with ``measure``, ``target`` (a Decimal or
    None) and ``unit``: a milestone has no target; a percentage one is in (0, 100];
    a number needs a positive target and a unit. Shared by the objective and the
    objective-template forms, which must agree.
    """
    measure, target = data.get("measure"), data.get("target")
    if measure == Measure.MILESTONE:
        if target is not None:
            form.add_error("target", _("A milestone has no numeric target: leave it empty."))
    elif measure == Measure.PERCENT:
        if target is not None and not (0 < target <= 100):
            form.add_error("target", _("A percentage target is between 0 and 100."))
    elif measure == Measure.NUMBER:
        if target is None:
            if "target" not in form.errors:  # an invalid one has its own error only
                form.add_error("target", _("A number objective needs a target to reach."))
        elif target <= 0:
            form.add_error("target", _("The target must be more than zero."))
        if not data.get("unit"):
            form.add_error("unit", _("Say what is counted, e.g. orders or €."))


class ObjectiveForm(forms.ModelForm[Objective]):
    reason = forms.CharField(
        label=_("Why does the agreed plan change?"), max_length=500, required=False
    )
    version = VersionField()

    class Meta:
        model = Objective
        fields = ["title", "description", "weight", "measure", "target", "unit", "parent", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self,
        *args: Any,
        cycle: AppraisalCycle,
        employee: User | None = None,
        department: Department | None = None,
        parent_choices: Any = None,
        plan_agreed: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cycle, self.employee, self.department = cycle, employee, department
        self.plan_agreed = plan_agreed
        others = subject_weight_total(
            cycle=cycle, employee=employee, department=department, exclude_pk=self.instance.pk
        )
        self.fields["weight"].help_text = _(
            "Other objectives of this plan weigh %(others)d, so %(left)d makes 100."
        ) % {"others": others, "left": max(0, WEIGHT_TOTAL - others)}
        self.fields["weight"].widget.attrs.update({"min": 0, "max": 100})
        self.fields["target"].help_text = _(
            "For a number: the value to reach by the end of the cycle. For a percentage: "
            "usually 100. A milestone has no numeric target."
        )
        self.fields["unit"].help_text = _("For a number, e.g. orders, €, calls.")
        parent_field = self.fields["parent"]
        assert isinstance(parent_field, forms.ModelChoiceField)  # noqa: S101
        parent_field.queryset = (
            parent_choices if parent_choices is not None else Objective.objects.none()
        )
        parent_field.required = False
        parent_field.empty_label = _("Not aligned to another objective")
        if not self.instance.pk:
            del self.fields["status"]
        carry_version(self)
        if plan_agreed:
            self.fields["reason"].required = True
            self.fields["reason"].help_text = REASON_HELP
        else:
            del self.fields["reason"]
        self.helper = submit_helper(str(_("Save")))

    def clean_weight(self) -> int:
        weight: int = self.cleaned_data["weight"]
        objective_weight_check(
            cycle=self.cycle,
            employee=self.employee,
            department=self.department,
            weight=weight,
            status=self.data.get(self.add_prefix("status"), Objective.Status.ACTIVE),
            exclude_pk=self.instance.pk,
        )
        return weight

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        measure_target_check(self, data)
        parent = data.get("parent")
        if parent is not None and parent.cycle_id != self.cycle.pk:
            self.add_error("parent", _("Align to an objective of the same cycle."))
        taken_up = (
            self.instance.status == Objective.Status.DROPPED
            and data.get("status", Objective.Status.DROPPED) != Objective.Status.DROPPED
        )
        if not self.instance.pk or taken_up:
            # One active cycle per subject (issue 15 §4); the service checks it again.
            other = subject_in_overlapping_cycle(
                cycle=self.cycle, employee=self.employee, department=self.department
            )
            if other is not None:
                self.add_error(None, overlap_refusal(other))
        return data


class TargetGridForm(forms.Form):
    """One planned value per time node; cumulative (where to be by the end of that month)."""

    def __init__(
        self, *args: Any, objective: Objective, plan_agreed: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.objective = objective
        self.fields["version"] = VersionField(initial=objective.version)
        self.nodes: list[dt.date] = objective.cycle.nodes
        milestone = objective.measure == Measure.MILESTONE
        for node in self.nodes:
            label = date_format(node, "YEAR_MONTH_FORMAT")
            if milestone:
                self.fields[self.field_name(node)] = forms.BooleanField(
                    label=label, required=False, help_text=_("Done by then")
                )
            else:
                self.fields[self.field_name(node)] = forms.DecimalField(
                    label=label,
                    required=False,
                    min_value=Decimal(0),
                    max_digits=14,
                    decimal_places=2,
                    widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
                )
        if plan_agreed:
            self.fields["reason"] = forms.CharField(
                label=_("Why does the agreed plan change?"), max_length=500, help_text=REASON_HELP
            )

    @staticmethod
    def field_name(node: dt.date) -> str:
        return f"m_{node:%Y_%m}"

    def node_fields(self) -> list[forms.BoundField]:
        return [self[self.field_name(node)] for node in self.nodes]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.objective.measure == Measure.PERCENT:
            cap = self.objective.full_value
            for node in self.nodes:
                value = data.get(self.field_name(node))
                if value is not None and value > cap:
                    self.add_error(
                        self.field_name(node),
                        _("At most %(cap)s for this percentage objective.")
                        % {"cap": format(cap.normalize(), "f")},
                    )
        return data

    def values(self) -> dict[dt.date, Decimal | None]:
        result: dict[dt.date, Decimal | None] = {}
        for node in self.nodes:
            value = self.cleaned_data.get(self.field_name(node))
            if self.objective.measure == Measure.MILESTONE:
                result[node] = Decimal(1) if value else Decimal(0)
            else:
                result[node] = value
        return result


class CheckInForm(forms.ModelForm[CheckIn]):
    confidence = forms.TypedChoiceField(
        label=_("Confidence"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        initial=3,
        widget=forms.RadioSelect(attrs={"class": "form-check-inline"}),
        help_text=_("1 = will not make it, 5 = certain."),
    )

    class Meta:
        model = CheckIn
        fields = ["value", "confidence", "recorded_on", "note"]
        widgets = {
            "recorded_on": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "value": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        }

    def __init__(self, *args: Any, objective: Objective, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objective = objective
        self.fields["recorded_on"].initial = timezone.localdate()
        if objective.measure == Measure.MILESTONE:
            self.fields["value"] = forms.TypedChoiceField(
                label=_("Milestone"),
                coerce=Decimal,
                choices=[("0", _("Not done yet")), ("1", _("Done"))],
                error_messages={"invalid_choice": _("Choose done or not done.")},
            )
        else:
            unit = objective.unit if objective.measure == Measure.NUMBER else "%"
            self.fields["value"].label = _("Where it stands now (%(unit)s)") % {"unit": unit}
            self.fields["value"].help_text = _(
                "The total so far, not just the change since last time."
            )
        # No limit_dates: clean_recorded_on keeps the day within the cycle, and says so.
        self.helper = submit_helper(str(_("Record check-in")))

    def clean_value(self) -> Decimal:
        value: Decimal = self.cleaned_data["value"]
        if value < 0:
            raise forms.ValidationError(_("The value cannot be negative."))
        if self.objective.measure == Measure.PERCENT and value > 100:
            raise forms.ValidationError(_("A percentage is at most 100."))
        return value

    def clean_recorded_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["recorded_on"]
        cycle = self.objective.cycle
        if not (cycle.start_date <= day <= cycle.end_date):
            raise forms.ValidationError(
                _("Pick a date within the cycle (%(start)s – %(end)s).")
                % {"start": date_format(cycle.start_date), "end": date_format(cycle.end_date)}
            )
        if day > timezone.localdate():
            raise forms.ValidationError(_("A check-in cannot be in the future."))
        return day


# --- List filters --------------------------------------------------------------


class CycleFilterForm(FilterForm):
    """The cycle picker of the plan pages; empty or bad: the current cycle."""

    cycle = forms.ModelChoiceField[AppraisalCycle](
        label=_("Cycle"),
        queryset=AppraisalCycle.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("There is no such cycle: the current one is shown.")},
    )


class TeamFilterForm(CycleFilterForm):
    q = forms.CharField(label=_("Person"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[
            ("person", _("Name")),
            ("lagging", _("Most lagging first")),
            ("progress", _("Lowest progress first")),
        ],
        required=False,
        initial="person",
    )
    state = forms.ChoiceField(
        label=_("Only lagging"), choices=[("lagging", _("Only lagging"))], required=False
    )
    indirect = forms.BooleanField(label=_("Include indirect reports"), required=False)

    def clean_q(self) -> str:
        # A search looks at the first hundred characters; longer input is not an error.
        query: str = self.cleaned_data["q"]
        return query[:100]
