"""Forms of the objective template library and of assigning a set (issue 17 §1)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from accounts.concurrency import VersionField, carry_version
from accounts.forms import submit_helper
from accounts.models import Department, User
from accounts.selectors import headed_subtree_ids, user_roles
from plans.forms import measure_target_check
from plans.models import AppraisalCycle, Measure, Objective, ObjectiveTemplate, TemplateSet
from plans.selectors import WEIGHT_TOTAL
from plans.templates_assign import MAX_CHOSEN
from plans.templates_lib import (
    CURVE_MAX_NODES,
    curve_of,
    curve_problem,
    curve_source_choices,
    template_owner_choices,
    template_parent_choices,
)

CURVE_PROBLEMS = {
    "empty": _("Give the curve: cumulative percentages, one per time node."),
    "too_long": _("At most 36 values."),
    "range": _("Each value is a percentage from 0 to 100."),
    "down": _("The curve is cumulative: a value cannot be lower than the one before it."),
    "zero": _("The last value must be more than 0."),
}


class TemplateSetForm(forms.ModelForm[TemplateSet]):
    version = VersionField()

    class Meta:
        model = TemplateSet
        fields = ["name", "description", "department"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        assert isinstance(department, forms.ModelChoiceField)  # noqa: S101
        department.queryset = template_owner_choices(user=user)
        if user_roles(user).is_hr:
            department.empty_label = str(_("Whole organisation (HR's set)"))
        else:
            department.required = True
            department.empty_label = _("Choose a department")
            department.help_text = _("One of the departments you head, or one below them.")
        carry_version(self)
        self.helper = submit_helper(str(_("Save")))


def _parse_curve(text: str) -> list[float] | None:
    """ "10, 25, 50 100" -> [10.0, 25.0, 50.0, 100.0]; None if a value is not a number."""
    values = [part for part in re.split(r"[\s,;]+", text.strip()) if part]
    numbers = []
    for value in values[: CURVE_MAX_NODES + 1]:
        try:
            number = float(value.rstrip("%"))
        except ValueError:
            return None
        if number != number:  # NaN
            return None
        numbers.append(round(number, 2))
    return numbers


class ObjectiveChoiceField(forms.ModelChoiceField[Objective]):
    """Objectives named with their cycle and subject: titles repeat across plans."""

    def label_from_instance(self, obj: Objective) -> str:
        subject = obj.department or obj.employee
        return f"{obj.cycle.name} · {subject} · {obj.title}"


class ObjectiveTemplateForm(forms.ModelForm[ObjectiveTemplate]):
    measure = forms.ChoiceField(label=_("Measure"), choices=Measure.choices)
    parent = ObjectiveChoiceField(
        label=_("Aligned to"),
        queryset=Objective.objects.none(),
        required=False,
        empty_label=_("Not aligned to another objective"),
    )
    curve_from = ObjectiveChoiceField(
        label=_("Copy the curve of"),
        queryset=Objective.objects.none(),
        required=False,
        empty_label=_("No objective's curve"),
        help_text=_("An objective whose phase targets have the shape wanted."),
    )
    curve_text = forms.CharField(
        label=_("Curve"),
        required=False,
        max_length=500,
        help_text=_(
            "Cumulative percentages of the target, one per time node, e.g. 5, 15, 40, 100. "
            "Stretched over the cycle's time nodes when their number differs."
        ),
    )
    version = VersionField()

    class Meta:
        model = ObjectiveTemplate
        fields = [
            "title",
            "description",
            "measure",
            "target",
            "unit",
            "default_weight",
            "pattern",
            "parent",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "pattern": forms.RadioSelect,
        }

    def __init__(self, *args: Any, user: User, template_set: TemplateSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.template_set = template_set
        others = (
            template_set.templates.exclude(pk=self.instance.pk).aggregate(
                total=Sum("default_weight")
            )["total"]
            or 0
        )
        self.others_weight = int(others)
        weight = self.fields["default_weight"]
        weight.help_text = _(
            "The copy's weight in each plan. The set's other templates weigh %(others)d."
        ) % {"others": self.others_weight}
        weight.widget.attrs.update({"min": 0, "max": 100})
        self.fields["unit"].help_text = _("For a number, e.g. orders, €, calls.")
        self.fields["target"].help_text = _(
            "For a number: the value to reach by the end of the cycle. For a percentage: "
            "usually 100. A milestone has no numeric target."
        )
        curve_from = self.fields["curve_from"]
        assert isinstance(curve_from, forms.ModelChoiceField)  # noqa: S101
        curve_from.queryset = curve_source_choices(user=user)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)  # noqa: S101
        parent.queryset = template_parent_choices(user=user)
        parent.help_text = _(
            "A department objective. Copies are aligned to it only in its own cycle."
        )
        if self.instance.pk and self.instance.curve:
            self.fields["curve_text"].initial = ", ".join(
                format(value, "g") for value in self.instance.curve
            )
        carry_version(self)
        self.helper = submit_helper(str(_("Save")))

    def clean_default_weight(self) -> int:
        weight: int = self.cleaned_data["default_weight"]
        if self.others_weight + weight > WEIGHT_TOTAL:
            raise forms.ValidationError(
                _(
                    "The set's other templates already weigh %(others)d; this one can weigh "
                    "at most %(left)d so that a plan of this set adds up to 100 at most."
                )
                % {"others": self.others_weight, "left": max(0, WEIGHT_TOTAL - self.others_weight)}
            )
        return weight

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        measure_target_check(self, data)
        data["curve"] = []
        if data.get("pattern") == ObjectiveTemplate.Pattern.CURVE:
            self._clean_curve(data)
        return data

    def _clean_curve(self, data: dict[str, Any]) -> None:
        source = data.get("curve_from")
        if source is not None:
            curve: list[float] | None = curve_of(source)
            field = "curve_from"
            if not curve:
                self.add_error(field, _("This objective has no phase targets to copy."))
                return
        else:
            curve = _parse_curve(data.get("curve_text", ""))
            field = "curve_text"
            if curve is None:
                self.add_error(field, _("Give numbers only, separated by commas."))
                return
        problem = curve_problem(curve)
        if problem is not None:
            self.add_error(field, CURVE_PROBLEMS[problem])
            return
        data["curve"] = curve


class TemplateAssignForm(forms.Form):
    """Which set, in which cycle, for whom: a department, a job title or chosen people."""

    TARGETS = [
        ("department", _("A department")),
        ("job_title", _("A job title")),
        ("people", _("Chosen people")),
    ]

    template_set = forms.ModelChoiceField(
        label=_("Template set"),
        queryset=TemplateSet.objects.none(),
        empty_label=_("Choose a template set"),
    )
    cycle = forms.ModelChoiceField(
        label=_("Cycle"),
        queryset=AppraisalCycle.objects.exclude(state=AppraisalCycle.State.CLOSED),
        empty_label=_("Choose a cycle"),
        help_text=_("A cycle being planned or active; a closed cycle takes no new objectives."),
        error_messages={
            "invalid_choice": _("Choose a cycle being planned or active: not a closed one.")
        },
    )
    target = forms.ChoiceField(
        label=_("Assign to"), choices=TARGETS, initial="department", widget=forms.RadioSelect
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("Choose a department"),
    )
    include_below = forms.BooleanField(
        label=_("Include the departments below it"), required=False, initial=True
    )
    job_title = forms.ChoiceField(label=_("Job title"), required=False)
    emails = forms.CharField(
        label=_("E-mail addresses"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, or separated by commas."),
    )

    def __init__(self, *args: Any, user: User, sets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        template_set = self.fields["template_set"]
        assert isinstance(template_set, forms.ModelChoiceField)  # noqa: S101
        template_set.queryset = sets
        department = self.fields["department"]
        assert isinstance(department, forms.ModelChoiceField)  # noqa: S101
        department.queryset = template_owner_choices(user=user)
        people = User.objects.filter(is_active=True).exclude(job_title="")
        if not user_roles(user).is_hr:
            people = people.filter(department_id__in=headed_subtree_ids(user))
        titles = sorted(set(people.values_list("job_title", flat=True)), key=str.lower)
        job_title = self.fields["job_title"]
        assert isinstance(job_title, forms.ChoiceField)  # noqa: S101
        job_title.choices = [("", _("Any job title")), *((t, t) for t in titles)]

    def clean_emails(self) -> list[str]:
        text: str = self.cleaned_data["emails"]
        addresses = []
        for part in re.split(r"[\s,;]+", text.strip()):
            if part and part.lower() not in addresses:
                addresses.append(part.lower()[:254])
        if len(addresses) > MAX_CHOSEN:
            raise forms.ValidationError(
                _("At most %(count)d people at once.") % {"count": MAX_CHOSEN}
            )
        return addresses

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        target = data.get("target")
        if target == "department" and not data.get("department"):
            self.add_error("department", _("Choose the department."))
        elif target == "job_title" and not data.get("job_title"):
            self.add_error("job_title", _("Choose the job title."))
        elif target == "people" and not data.get("emails"):
            self.add_error("emails", _("Give the e-mail address of at least one person."))
        template_set = data.get("template_set")
        if template_set is not None and not template_set.templates.exists():
            self.add_error("template_set", _("This set has no templates yet: add some first."))
        return data
