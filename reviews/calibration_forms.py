"""Forms of the calibration pages (issue 17 §4)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.concurrency import VersionField
from accounts.inputs import FilterForm
from accounts.models import User
from reviews.calibration import participant_choices
from reviews.models import CycleResult, rating_label


class HeadsField(forms.ModelMultipleChoiceField[User]):
    """Department heads, each shown with their department."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} · {obj.department.name}" if obj.department else obj.full_name


class ParticipantsForm(forms.Form):
    """Who takes part: department heads, ticked (HR's start and edit of a calibration)."""

    participants = HeadsField(
        label=_("Participants"),
        queryset=participant_choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Department heads who see every rating of the cycle and adjust them with HR."),
    )
    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["participants"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101
        field.queryset = participant_choices().select_related("department")


class AdjustForm(forms.Form):
    """A new final rating for one person, with the reason (both required)."""

    rating = forms.ChoiceField(label=_("New rating"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded with your name; HR, the participants and the manager read it."),
    )
    version = VersionField()

    def __init__(self, *args: Any, result: CycleResult, scale: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": result.version})
        super().__init__(*args, **kwargs)
        rating = self.fields["rating"]
        assert isinstance(rating, forms.ChoiceField)  # noqa: S101
        rating.choices = [("", "—")] + [(value, rating_label(value)) for value in scale]

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise forms.ValidationError(_("Say why the rating changes."), code="required")
        return reason


class StepForm(forms.Form):
    """Done, reopen or publish: the calibration's version and, to reopen, a reason."""

    reason = forms.CharField(
        label=_("Why reopen it"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = VersionField()


class CalibrationFilterForm(FilterForm):
    """The people list's filters: department (and those below), manager, outliers only."""

    department = forms.TypedChoiceField(
        label=_("Department"), required=False, coerce=int, empty_value=None
    )
    manager = forms.TypedChoiceField(
        label=_("Manager"), required=False, coerce=int, empty_value=None
    )
    outliers = forms.BooleanField(label=_("Outliers only"), required=False)

    def __init__(
        self,
        data: Any,
        *,
        departments: list[tuple[int, str]],
        managers: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        department = self.fields["department"]
        manager = self.fields["manager"]
        assert isinstance(department, forms.ChoiceField)  # noqa: S101
        assert isinstance(manager, forms.ChoiceField)  # noqa: S101
        department.choices = [("", _("All"))] + [(str(pk), name) for pk, name in departments]
        manager.choices = [("", _("All"))] + [(str(pk), name) for pk, name in managers]
        self.full_clean()  # again, now that the choices are known
