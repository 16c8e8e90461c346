"""The improvement plan form and the coaching overview's filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.concurrency import VersionField, carry_version
from accounts.forms import submit_helper
from accounts.inputs import FilterForm, limit_dates
from accounts.models import Department
from coaching.models import (
    CoachingType,
    ImprovementPlan,
)
from coaching.selectors import PlanStatus

REVIEW_HORIZON_DAYS = 366


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
        objective.empty_label = _("No particular objective")
        days = self.instance.review_days if self.instance.pk else []
        for name, day in zip(("first_review", "second_review", "third_review"), days, strict=False):
            self.fields[name].initial = day
        if not self.instance.pk:
            del self.fields["outcome"]
            del self.fields["outcome_note"]
        carry_version(self)
        self.helper = submit_helper(str(_("Save")))
        limit_dates(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("own_reasons", "").strip() or data.get("outside_reasons", "").strip()):
            self.add_error(
                "own_reasons", _("Give the reasons: the person's own, outside, or both.")
            )
        names = ("first_review", "second_review", "third_review")
        days = [data.get(n) for n in names]
        chosen = [d for d in days if d]
        # A review follows the opening, within a year; each on its own day.
        opened = self.instance.opened_on if self.instance.pk else timezone.localdate()
        for name, day in zip(names, days, strict=True):
            if day is None:
                continue
            if day < opened:
                self.add_error(name, _("A review comes after the plan was opened: not before it."))
            elif day > opened + dt.timedelta(days=REVIEW_HORIZON_DAYS):
                self.add_error(name, _("Review within a year of the plan's opening."))
        if len(set(chosen)) != len(chosen):
            self.add_error("second_review", _("Give each review its own day."))
        elif chosen != sorted(chosen):
            self.add_error("second_review", _("Put the review dates in order."))
        data["review_dates"] = [d.isoformat() for d in chosen]
        return data


class OverviewFilterForm(FilterForm):
    type = forms.ChoiceField(
        label=_("Type of coaching"),
        choices=[("", _("All types")), *CoachingType.choices],
        required=False,
    )
    since = forms.DateField(label=_("Since"), required=False)
    indirect = forms.BooleanField(label=_("Include indirect reports"), required=False)
    # A choice, not a BooleanField: a value other than the box's own is refused (and
    # ignored) instead of counting as ticked.
    stuck = forms.ChoiceField(
        label=_("Stuck: 3+ months of instruction"),
        choices=[("", ""), ("1", _("Stuck: 3+ months of instruction"))],
        required=False,
    )


class ImprovementPlanFilterForm(FilterForm):
    """The improvement plans list's filters: whose plans, their status, department, name."""

    scope = forms.ChoiceField(label=_("Plans"), choices=[], required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            ("", _("All")),
            (PlanStatus.OPEN, _("Open")),
            (PlanStatus.OUTCOME_DUE, _("Outcome due (last review passed)")),
            (PlanStatus.CLOSED, _("Closed")),
        ],
        required=False,
    )
    department = forms.ModelChoiceField[Department](
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("All departments"),
    )
    q = forms.CharField(label=_("Person or department name"), max_length=100, required=False)

    def __init__(self, data: QueryDict, *, scopes: list[tuple[str, str]], departments: Any) -> None:
        # The choices depend on the viewer, so they are set before ``FilterForm``
        # validates: its ``__init__`` is the plain form's, then the validation.
        if not data.get("scope"):
            data = data.copy()  # the default shows as chosen in the select
            data["scope"] = scopes[-1][0]
        forms.Form.__init__(self, data)
        scope = self.fields["scope"]
        department = self.fields["department"]
        assert isinstance(scope, forms.ChoiceField)  # noqa: S101
        assert isinstance(department, forms.ModelChoiceField)  # noqa: S101
        scope.choices = scopes
        scope.initial = scopes[-1][0]  # the widest the viewer has
        department.queryset = departments
        limit_dates(self)
        self.is_valid()
