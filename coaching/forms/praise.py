"""The forms of praise: giving it, choosing who sees it, HR's company values."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.inputs import PersonField
from accounts.models import User
from coaching.forms.facts import FormKeyField, ObjectiveChoiceField
from coaching.praise import company_values_offered, praise_objectives
from coaching.praise_access import NOT_IN_CHART, SELF_PRAISE, in_organisation_chart
from coaching.praise_models import (
    RECIPIENT_VISIBILITY_LABELS,
    VALUE_NAME_TAKEN,
    CompanyValue,
    Praise,
)
from plans.models import Objective

EXAMPLE_REQUIRED = _("Praise must cite a concrete example: what exactly did they do, and when?")


class PraiseForm(forms.ModelForm[Praise]):
    """Give praise to ``employee``, or (None) to the person whose address is typed.

    The objective is offered only for a person known when the form is drawn, and only
    their objectives the giver may read; the values offered are the active ones.
    """

    # The key of this form, made when it is drawn (``praise_give``).
    form_key = FormKeyField(required=False)
    objective = ObjectiveChoiceField(
        queryset=Objective.objects.none(),
        required=False,
        label=_("Objective it served"),
        empty_label=_("No objective"),
        help_text=_("Optional: one of the person's objectives that this helped."),
    )
    value = forms.ModelChoiceField(
        queryset=CompanyValue.objects.none(),
        required=False,
        label=_("Company value it shows"),
        empty_label=_("No value"),
    )

    class Meta:
        model = Praise
        fields = ["behaviour", "example", "objective", "value"]
        widgets = {"example": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "behaviour": _("In a line: what did they do well?"),
            "example": _("What exactly did they do, and when? Praise that cites it is worth more."),
        }

    def __init__(self, *args: Any, giver: User, employee: User | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["example"].error_messages["required"] = EXAMPLE_REQUIRED
        self.fields["form_key"].initial = uuid.uuid4()
        if employee is None:
            self.fields = {
                "employee": PersonField(
                    label=_("Person to praise"),
                    help_text=_("Their e-mail address."),
                    exclude=[giver.pk],
                    exclude_message=SELF_PRAISE,
                ),
                **self.fields,
            }
            del self.fields["objective"]
        else:
            objectives = praise_objectives(giver, employee)
            if objectives.exists():
                self.fields["objective"].queryset = objectives  # type: ignore[attr-defined]
            else:
                del self.fields["objective"]
        values = company_values_offered()
        if values.exists():
            self.fields["value"].queryset = values  # type: ignore[attr-defined]
        else:
            del self.fields["value"]

    def clean_employee(self) -> User | None:
        person: User | None = self.cleaned_data.get("employee")
        if person is not None and not in_organisation_chart(person):
            raise forms.ValidationError(NOT_IN_CHART, code="not_in_chart")
        return person

    def clean_example(self) -> str:
        example: str = self.cleaned_data.get("example", "")
        if not example.strip():
            raise forms.ValidationError(EXAMPLE_REQUIRED, code="required")
        return example

    def give_arguments(self) -> dict[str, Any]:
        """The cleaned fields as ``praise_give`` takes them (besides giver and employee)."""
        data = self.cleaned_data
        return {
            "behaviour": data["behaviour"],
            "example": data["example"],
            "objective": data.get("objective"),
            "value": data.get("value"),
            "form_key": data.get("form_key"),
        }


class PraiseVisibilityForm(forms.Form):
    """The recipient's choice, in their own words ("Only me, …")."""

    visibility = forms.ChoiceField(
        label=_("Who may see this praise"),
        choices=list(RECIPIENT_VISIBILITY_LABELS.items()),
        widget=forms.RadioSelect,
    )


class CompanyValueForm(forms.ModelForm[CompanyValue]):
    class Meta:
        model = CompanyValue
        fields = ["name", "description", "position", "active"]
        help_texts = {
            "position": _("Values are offered in this order (smallest first)."),
        }

    def clean_name(self) -> str:
        """Trimmed, and unique whatever its capitals (the database says so too)."""
        name = " ".join(self.cleaned_data.get("name", "").split())
        taken = CompanyValue.objects.filter(name__iexact=name)
        if self.instance.pk is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(VALUE_NAME_TAKEN, code="unique")
        return name
