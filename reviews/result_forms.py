"""The forms of the cycle results (issue 17 §3): propose, acknowledge, prepare, filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.concurrency import VersionField
from accounts.inputs import FilterForm
from accounts.models import Department
from plans.models import AppraisalCycle
from reviews.models import CycleResult, rating_label
from reviews.results import rating_scale_of


class ResultProposeForm(forms.Form):
    """The manager's proposal: a rating of the cycle's scale and a comment."""

    rating = forms.ChoiceField(label=_("Proposed rating"), choices=[])
    comment = forms.CharField(
        label=_("Comment"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this rating: what the year's results, tables and coaching showed."),
    )
    version = VersionField()

    def __init__(self, *args: Any, result: CycleResult, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "rating": result.proposed_rating,
                "comment": result.proposed_comment,
                "version": result.version,
            },
        )
        super().__init__(*args, **kwargs)
        # Stored: the cycle's own labels, or the default scale's keys (never a translation).
        scale = rating_scale_of(result.cycle)
        choices: list[tuple[str, Any]] = [("", "—")] + [(v, rating_label(v)) for v in scale]
        if result.proposed_rating and result.proposed_rating not in scale:
            # A rating proposed on an older scale stays choosable rather than silently lost.
            choices.append((result.proposed_rating, rating_label(result.proposed_rating)))
        rating = self.fields["rating"]
        assert isinstance(rating, forms.ChoiceField)  # noqa: S101
        rating.choices = choices


class ResultAcknowledgeForm(forms.Form):
    """The person's acknowledgement of their published result, with an optional comment."""

    comment = forms.CharField(
        label=_("Your comment"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. Once you acknowledge, your comment is kept as you wrote it."),
    )
    version = VersionField()

    def __init__(self, *args: Any, result: CycleResult, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": result.version})
        super().__init__(*args, **kwargs)


class ResultsPrepareForm(forms.Form):
    """HR prepares (or refreshes) a cycle's results."""

    refresh_proposed = forms.BooleanField(
        label=_("Also refresh the figures of results already proposed"),
        required=False,
        help_text=_(
            "Without this, a result keeps the figures its manager saw when proposing the rating."
        ),
    )


STATE_CHOICES = [
    ("", _("All states")),
    ("not_proposed", _("Not proposed")),
    ("proposed", _("Proposed")),
    ("acknowledged", _("Acknowledged")),
]


class ResultFilterForm(FilterForm):
    """The results list's filters: the cycle, the department of the time, the state."""

    cycle = forms.ModelChoiceField[AppraisalCycle](
        label=_("Appraisal cycle"), queryset=AppraisalCycle.objects.none(), required=False
    )
    department = forms.ModelChoiceField[Department](
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("All departments"),
    )
    state = forms.ChoiceField(label=_("State"), choices=STATE_CHOICES, required=False)

    def __init__(self, data: QueryDict, *, cycles: Any, departments: Any) -> None:
        forms.Form.__init__(self, data)
        cycle = self.fields["cycle"]
        department = self.fields["department"]
        assert isinstance(cycle, forms.ModelChoiceField)  # noqa: S101
        assert isinstance(department, forms.ModelChoiceField)  # noqa: S101
        cycle.queryset = cycles
        cycle.empty_label = None
        department.queryset = departments
        self.is_valid()
