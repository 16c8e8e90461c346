"""Forms of carrying a cycle forward (issue 17 §2): the carry page's choice, and the
same choice on the form that creates a cycle."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.concurrency import VersionField
from plans.carry_preview import carry_default_source, carry_sources
from plans.forms import CycleForm
from plans.models import AppraisalCycle
from plans.template_models import CarryForward

WHICH_HELP = _(
    "Unfinished: in progress and not done by their check-ins. All: achieved ones too. "
    "Dropped objectives are never carried."
)

EARLIER_ONLY = _("Carry forward from a cycle that starts before this one.")


class CarryForwardForm(forms.Form):
    """Which cycle to carry from and which objectives; with ``confirm``, the hidden copy
    of the choice sent by the "Carry forward" button under the preview, with the
    cycle's version and the preview's fingerprint (a stale page is refused)."""

    source = forms.ModelChoiceField[AppraisalCycle](
        label=_("Carry forward from"),
        queryset=AppraisalCycle.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the earlier cycles listed.")},
    )
    which = forms.ChoiceField(
        label=_("Which objectives"),
        choices=CarryForward.choices,
        initial=CarryForward.UNFINISHED,
        widget=forms.RadioSelect,
        help_text=WHICH_HELP,
        error_messages={"invalid_choice": _("Choose one of the options listed.")},
    )

    def __init__(
        self, *args: Any, cycle: AppraisalCycle, confirm: bool = False, **kwargs: Any
    ) -> None:
        if confirm:
            kwargs["auto_id"] = False  # hidden inputs beside the visible choice: no ids twice
        super().__init__(*args, **kwargs)
        source = self.fields["source"]
        assert isinstance(source, forms.ModelChoiceField)  # noqa: S101
        source.queryset = carry_sources(cycle)
        default = cycle.carried_from or carry_default_source(cycle)
        source.initial = default.pk if default else None
        if confirm:
            self.fields["version"] = VersionField(initial=cycle.version)
            self.fields["seen"] = forms.CharField(required=False, max_length=64)
            for field in self.fields.values():
                field.widget = forms.HiddenInput()


class CycleCreateForm(CycleForm):
    """The new-cycle form, with the option to carry an earlier cycle forward at once."""

    carry_from = forms.ModelChoiceField[AppraisalCycle](
        label=_("Carry forward from"),
        queryset=AppraisalCycle.objects.all(),
        required=False,
        empty_label=_("Do not carry objectives forward"),
        help_text=_(
            "Copy each person's and department's objectives of an earlier cycle into the "
            "new one; the copies start unconfirmed. Who is left out and why shows on the "
            "cycle's carry-forward page."
        ),
        error_messages={"invalid_choice": _("Choose one of the cycles listed.")},
    )
    carry_which = forms.ChoiceField(
        label=_("Which objectives"),
        choices=CarryForward.choices,
        initial=CarryForward.UNFINISHED,
        required=False,  # used only with "Carry forward from"; unfinished when not sent
        widget=forms.RadioSelect,
        help_text=WHICH_HELP,
        error_messages={"invalid_choice": _("Choose one of the options listed.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        source, start = data.get("carry_from"), data.get("start_date")
        if source is not None and start is not None and source.start_date >= start:
            self.add_error("carry_from", EARLIER_ONLY)
        return data
