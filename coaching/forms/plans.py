"""The improvement plan form and the coaching overview's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.concurrency import VersionField, carry_version
from accounts.forms import submit_helper
from accounts.inputs import FilterForm, limit_dates
from coaching.models import (
    CoachingType,
    ImprovementPlan,
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
        carry_version(self)
        self.helper = submit_helper(str(_("Save")))
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


class OverviewFilterForm(FilterForm):
    type = forms.ChoiceField(
        label=_("Type of coaching"),
        choices=[("", _("All types")), *CoachingType.choices],
        required=False,
    )
    since = forms.DateField(label=_("Since"), required=False)
    indirect = forms.BooleanField(label=_("Include indirect reports"), required=False)
