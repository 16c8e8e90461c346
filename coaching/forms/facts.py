"""The form of a performance fact: the objective is one of the person's own."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coaching.facts import PerformanceFact
from plans.models import Objective


class ObjectiveChoiceField(forms.ModelChoiceField[Objective]):
    def label_from_instance(self, obj: Objective) -> str:
        return f"{obj.title} ({obj.cycle.name})"


class FormKeyField(forms.UUIDField):
    """A hidden key nobody types: a mangled one counts as none (a fact without a key),
    never as an error beside a field nobody sees."""

    widget = forms.HiddenInput

    def to_python(self, value: Any) -> Any:  # a UUID or None
        try:
            return super().to_python(value)
        except forms.ValidationError:
            return None


class PerformanceFactForm(forms.ModelForm[PerformanceFact]):
    # A new fact's form key, made when the form is drawn (``performance_fact_save``).
    form_key = FormKeyField(required=False)
    objective = ObjectiveChoiceField(
        queryset=Objective.objects.none(),
        required=False,
        label=_("Objective"),
        empty_label=_("No objective"),
        help_text=_("Optional: the person's objective the fact is about."),
    )

    class Meta:
        model = PerformanceFact
        fields = ["observed_on", "kind", "observed", "objective", "private"]
        widgets = {
            "observed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "kind": forms.RadioSelect,
            "observed": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, employee: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = (  # type: ignore[attr-defined]
            Objective.objects.filter(employee=employee)
            .select_related("cycle")
            .order_by("-cycle__start_date", "title")
        )
        if self.instance.pk is None:
            self.fields["form_key"].initial = uuid.uuid4()
        else:
            del self.fields["form_key"]
        # A new fact is usually today's; its kind is one of two, with no blank choice.
        if self.instance.pk is None and not self.is_bound:
            self.initial.setdefault("observed_on", timezone.localdate())
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)  # noqa: S101
        kind.choices = PerformanceFact.Kind.choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        objective, day = data.get("objective"), data.get("observed_on")
        if objective is not None and day is not None:
            cycle = objective.cycle
            if not cycle.start_date <= day <= cycle.end_date:
                self.add_error(
                    "objective",
                    _(
                        "This objective belongs to the cycle %(cycle)s, which does not cover "
                        "the day of the fact."
                    )
                    % {"cycle": cycle.name},
                )
        return data
