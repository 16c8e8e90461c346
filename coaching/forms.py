from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.concurrency import VersionField
from accounts.inputs import FilterForm, limit_dates
from accounts.models import Department, User
from coaching.models import (
    DURATION_MESSAGE,
    CoachingSession,
    CoachingType,
    ImprovementPlan,
    SessionObjective,
)
from coaching.selectors import subject_weight_total
from plans.models import AppraisalCycle, CheckIn, Measure, Objective
from plans.months import months_between

MAX_CYCLE_MONTHS = 24
# A session may be logged ahead as a plan, up to a year: beyond that it is a typo (2100).
PLANNING_HORIZON_DAYS = 366
REASON_HELP = _("The plan was agreed by both sides: say why it changes. The change is recorded.")


def _carry_version(form: forms.ModelForm[Any]) -> None:
    """An edit form carries the version it was built from; a new object has none."""
    if form.instance.pk:
        form.fields["version"].initial = form.instance.version
    else:
        del form.fields["version"]


def _helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.add_input(Submit("submit", label))
    return helper


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
        self.helper = _helper(str(_("Save")))
        _carry_version(self)
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
        ) % {"others": others, "left": max(0, 100 - others)}
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
        if not self.instance.pk:
            del self.fields["status"]
        _carry_version(self)
        if plan_agreed:
            self.fields["reason"].required = True
            self.fields["reason"].help_text = REASON_HELP
        else:
            del self.fields["reason"]
        self.helper = _helper(str(_("Save")))

    def clean_weight(self) -> int:
        weight: int = self.cleaned_data["weight"]
        status = self.data.get(self.add_prefix("status"), Objective.Status.ACTIVE)
        if status == Objective.Status.DROPPED:
            return weight
        others = subject_weight_total(
            cycle=self.cycle,
            employee=self.employee,
            department=self.department,
            exclude_pk=self.instance.pk,
        )
        if others + weight > 100:
            raise forms.ValidationError(
                _(
                    "The other objectives already weigh %(others)d; this one can weigh at most "
                    "%(left)d so that the plan adds up to 100."
                ),
                params={"others": others, "left": max(0, 100 - others)},
            )
        return weight

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        measure, target = data.get("measure"), data.get("target")
        if measure == Measure.MILESTONE:
            if target is not None:
                self.add_error("target", _("A milestone has no numeric target: leave it empty."))
        elif measure == Measure.PERCENT:
            if target is not None and not (0 < target <= 100):
                self.add_error("target", _("A percentage target is between 0 and 100."))
        elif measure == Measure.NUMBER:
            if target is None:
                self.add_error("target", _("A number objective needs a target to reach."))
            elif target <= 0:
                self.add_error("target", _("The target must be more than zero."))
            if not data.get("unit"):
                self.add_error("unit", _("Say what is counted, e.g. orders or €."))
        parent = data.get("parent")
        if parent is not None and parent.cycle_id != self.cycle.pk:
            self.add_error("parent", _("Align to an objective of the same cycle."))
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
        self.helper = _helper(str(_("Record check-in")))

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


# --- Coaching sessions -------------------------------------------------------

GUIDING_QUESTIONS = [
    _("What is the progress towards the goals set?"),
    _("What is going well?"),
    _("What needs to be improved further?"),
    _("Is the person heading towards the performance goals?"),
    _("What must I do to help them reach the goals?"),
    _("Should the goals change?"),
    _("What do we agree on?"),
    _("What needs more talk?"),
]


class QuickNoteForm(forms.Form):
    """A one-minute note: who, which kind of coaching, one line."""

    employee = forms.ModelChoiceField[User](label=_("Person"), queryset=User.objects.none())
    type = forms.ChoiceField(label=_("Type of coaching"), choices=CoachingType.choices)
    note = forms.CharField(
        label=_("Note"), max_length=2000, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        employee = self.fields["employee"]
        assert isinstance(employee, forms.ModelChoiceField)  # noqa: S101
        employee.queryset = people
        self.helper = _helper(str(_("Save note")))


def duration_field() -> forms.IntegerField:
    """Minutes, 1 to 600, with the same message for 0 and for -5 (a positive integer
    field alone says "at least 0" to one and "at least 1" to the other)."""
    return forms.IntegerField(
        label=_("Duration (minutes)"),
        initial=1,
        min_value=1,
        max_value=600,
        error_messages={"min_value": DURATION_MESSAGE, "max_value": DURATION_MESSAGE},
    )


class SessionForm(forms.ModelForm[CoachingSession]):
    duration_minutes = duration_field()
    version = VersionField()

    class Meta:
        model = CoachingSession
        fields = list(CoachingSession.EDITABLE_FIELDS)
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "follow_up_on": forms.DateInput(attrs={"type": "date"}),
            "type": forms.RadioSelect,
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in (
                    "note",
                    "strengths",
                    "strengths_example",
                    "improvements",
                    "improvement_cause",
                    "improvement_suggestion",
                    "difficulties",
                    "countermeasure",
                    "plan_adjustments",
                    "next_objectives",
                    "agreements",
                    "open_topics",
                    "private_note",
                )
            },
        }

    def __init__(self, *args: Any, improvement_plans: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan_field = self.fields["improvement_plan"]
        assert isinstance(plan_field, forms.ModelChoiceField)  # noqa: S101
        plan_field.queryset = (
            improvement_plans if improvement_plans is not None else ImprovementPlan.objects.none()
        )
        plan_field.required = False
        self.fields["duration_minutes"].widget.attrs.update({"min": 1, "max": 600})
        # A radio list needs no blank choice: "---------" is not a kind of coaching.
        type_field = self.fields["type"]
        assert isinstance(type_field, forms.ChoiceField)  # noqa: S101
        type_field.choices = CoachingType.choices
        _carry_version(self)
        limit_dates(self)

    def clean_held_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["held_on"]
        latest = timezone.localdate() + dt.timedelta(days=PLANNING_HORIZON_DAYS)
        if day > latest:
            raise forms.ValidationError(
                _("A session can be planned up to a year ahead: pick a day until %(last)s."),
                code="too_far_ahead",
                params={"last": date_format(latest, "DATE_FORMAT")},
            )
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("strengths", "").strip() and not data.get("strengths_example", "").strip():
            self.add_error(
                "strengths_example",
                _("Praise must cite a concrete example: what exactly did they do, and when?"),
            )
        cause, support = data.get("difficulty_cause"), data.get("support")
        if cause == CoachingSession.DifficultyCause.SKILL and support not in ("", "training"):
            self.add_error("support", _("A lack of skill or knowledge calls for training."))
        if cause == CoachingSession.DifficultyCause.OUTSIDE and support == "training":
            self.add_error("support", _("An outside difficulty calls for authority or resources."))
        if cause and not data.get("countermeasure", "").strip():
            self.add_error("countermeasure", _("Say what will be done about the difficulty."))
        held_on, follow_up = data.get("held_on"), data.get("follow_up_on")
        if held_on and follow_up and follow_up < held_on:
            self.add_error("follow_up_on", _("The follow-up comes after the session."))
        return data


class SessionObjectiveForm(forms.Form):
    """One objective of the coachee: linked to the session or not, and its progress.

    A progress chosen for an objective left unticked is neither dropped nor taken as a
    link: the person is asked which they meant. Unticking a linked objective unlinks
    it, whatever progress it still shows.
    """

    linked = forms.BooleanField(required=False)
    assessment = forms.ChoiceField(
        label=_("Progress"), choices=SessionObjective.Assessment.choices, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("assessment") and not data.get("linked") and not self.initial.get("linked"):
            self.add_error(
                "assessment",
                _("Tick the objective to link it, or set its progress back to “—”."),
            )
        return data


class ActionItemForm(forms.Form):
    item_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Step"), max_length=300, required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)  # noqa: S101
        owner.choices = owners
        for name in ("title", "owner", "due_date"):
            css = (
                "form-select form-select-sm" if name == "owner" else "form-control form-control-sm"
            )
            self.fields[name].widget.attrs["class"] = css
        limit_dates(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("title") and not data.get("DELETE"):
            if data.get("item_id"):
                # A stored step whose text was cleared would stay as a blank item.
                self.add_error("title", _("Say what the step is, or tick Remove to delete it."))
            elif data.get("due_date"):
                self.add_error("title", _("Say what the step is."))
        return data


class BaseActionItemFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        self.owners = owners
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "owners": self.owners}

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


ActionItemFormSet = forms.formset_factory(
    ActionItemForm, formset=BaseActionItemFormSet, extra=3, can_delete=True, max_num=30
)


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(
        label=_("Your comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ImprovementPlanForm(forms.ModelForm[ImprovementPlan]):
    first_review = forms.DateField(
        label=_("First review"), widget=forms.DateInput(attrs={"type": "date"})
    )
    second_review = forms.DateField(
        label=_("Second review"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    third_review = forms.DateField(
        label=_("Third review"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    version = VersionField()

    class Meta:
        model = ImprovementPlan
        fields = [
            "objective",
            "own_reasons",
            "outside_reasons",
            "measures",
            "support",
            "outcome",
            "outcome_note",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("own_reasons", "outside_reasons", "measures", "support", "outcome_note")
        }

    def __init__(self, *args: Any, objectives: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        objective = self.fields["objective"]
        assert isinstance(objective, forms.ModelChoiceField)  # noqa: S101
        objective.queryset = objectives
        days = self.instance.review_days if self.instance.pk else []
        for name, day in zip(("first_review", "second_review", "third_review"), days, strict=False):
            self.fields[name].initial = day
        if not self.instance.pk:
            del self.fields["outcome"]
            del self.fields["outcome_note"]
        _carry_version(self)
        self.helper = _helper(str(_("Save")))
        limit_dates(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("own_reasons", "").strip() or data.get("outside_reasons", "").strip()):
            self.add_error(
                "own_reasons", _("Give the reasons: the person's own, outside, or both.")
            )
        days = [data.get(n) for n in ("first_review", "second_review", "third_review")]
        chosen = [d for d in days if d]
        if chosen != sorted(chosen):
            self.add_error("second_review", _("Put the review dates in order."))
        data["review_dates"] = [d.isoformat() for d in chosen]
        return data


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


class OverviewFilterForm(FilterForm):
    type = forms.ChoiceField(
        label=_("Type of coaching"),
        choices=[("", _("All types")), *CoachingType.choices],
        required=False,
    )
    since = forms.DateField(label=_("Since"), required=False)
    indirect = forms.BooleanField(label=_("Include indirect reports"), required=False)
