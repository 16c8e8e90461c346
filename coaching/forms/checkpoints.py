"""The form of a time-node checkpoint: the talk, the reasons, the decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.concurrency import VersionField
from accounts.forms import submit_helper
from accounts.inputs import limit_dates
from coaching.checkpoint_models import Checkpoint

Decision = Checkpoint.Decision


class CheckpointForm(forms.ModelForm[Checkpoint]):
    """Talked on (today to start from), own and outside reasons — at least one — and a
    decision; adjusting the plan and giving support each say what (``decision_note``)."""

    version = VersionField()

    class Meta:
        model = Checkpoint
        fields = ["talked_on", "own_reasons", "outside_reasons", "decision", "decision_note"]
        widgets = {
            "talked_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "own_reasons": forms.Textarea(attrs={"rows": 3}),
            "outside_reasons": forms.Textarea(attrs={"rows": 3}),
            "decision": forms.RadioSelect,
            "decision_note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields["talked_on"].required = True
        if not self.is_bound and self.instance.talked_on is None:
            self.initial["talked_on"] = timezone.localdate()
        decision = self.fields["decision"]
        assert isinstance(decision, forms.ChoiceField)  # noqa: S101
        decision.required = True
        decision.choices = Decision.choices
        self.helper = submit_helper(str(_("Save the checkpoint")))
        limit_dates(self)

    def clean_talked_on(self) -> Any:
        day = self.cleaned_data.get("talked_on")
        node = self.instance.month
        if day is not None and node is not None and day < node:
            raise forms.ValidationError(
                _("The talk is about the target of %(node)s: not before that month."),
                params={"node": date_format(node, "YEAR_MONTH_FORMAT")},
            )
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A reason refused on its own (too long) has its message; no second one.
        reasons_refused = self.has_error("own_reasons") or self.has_error("outside_reasons")
        given = data.get("own_reasons", "").strip() or data.get("outside_reasons", "").strip()
        if not reasons_refused and not given:
            self.add_error(
                "own_reasons", _("Record why: their own reasons, the outside ones, or both.")
            )
        decision = data.get("decision")
        if (
            decision in (Decision.ADJUST, Decision.SUPPORT)
            and not data.get("decision_note", "").strip()
        ):
            message = (
                _("Say how the plan changes.")
                if decision == Decision.ADJUST
                else _("Say which support you will give.")
            )
            self.add_error("decision_note", message)
        return data
