"""The session form and its parts: the one-minute note, the session, its objectives and
steps, the acknowledgement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.concurrency import VersionField, carry_version
from accounts.forms import submit_helper
from accounts.inputs import limit_dates
from accounts.models import User
from coaching.models import (
    DURATION_MESSAGE,
    SUPPORT_FIELDS,
    ActionItem,
    CoachingSession,
    CoachingType,
    ImprovementPlan,
    SessionObjective,
    SupportKind,
)
from coaching.questions import ANSWER_MAX_LENGTH, NINE_QUESTIONS

# A session may be logged ahead as a plan, up to a year: beyond that it is a typo (2100).
PLANNING_HORIZON_DAYS = 366

# Form-only fields: they go to ``session_save`` as ``question_answers`` and
# ``support_promised``, or only steer the form (the confirmation).
QUESTION_PREFIX = "question_"
CONFIRM_FIELD = "confirm_without_steps"


def promise_field(kind: str) -> str:
    return f"promise_{kind}"


def promise_due_field(kind: str) -> str:
    return f"promise_{kind}_due"


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
        employee.empty_label = _("Choose a person")
        self.helper = submit_helper(str(_("Save note")))


# What the full session form offers for a new session's length, in minutes.
FULL_SESSION_MINUTES = 30


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
    """The session's fields, one short answer per question of the nine, and the support
    given with, per kind, whether it was promised (to follow up by a date)."""

    duration_minutes = duration_field()
    version = VersionField()
    confirm_without_steps = forms.BooleanField(
        label=_("Yes, save it without steps"), required=False
    )

    class Meta:
        model = CoachingSession
        # The answers are one field per question (``question_<key>``), built in __init__.
        fields = [f for f in CoachingSession.EDITABLE_FIELDS if f != "question_answers"]
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
                    *SUPPORT_FIELDS.values(),
                )
            },
        }

    def __init__(
        self,
        *args: Any,
        improvement_plans: Any = None,
        support_items: dict[str, ActionItem] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        answers = self.instance.question_answers if self.instance.pk else {}
        answers = answers if isinstance(answers, dict) else {}
        for key, question in NINE_QUESTIONS:
            self.fields[QUESTION_PREFIX + key] = forms.CharField(
                label=question,
                required=False,
                max_length=ANSWER_MAX_LENGTH,
                initial=answers.get(key, ""),
                widget=forms.Textarea(attrs={"rows": 1}),
            )
        promised = support_items or {}
        for kind in SupportKind.values:
            item = promised.get(kind)
            named = {"kind": SupportKind(kind).label}
            tick = forms.BooleanField(
                label=gettext("%(kind)s: promised, I follow it up") % named,
                required=False,
                initial=item is not None,
            )
            due = forms.DateField(
                label=gettext("%(kind)s: follow up by") % named,
                required=False,
                initial=item.due_date if item else None,
                widget=forms.DateInput(attrs={"type": "date"}),
            )
            if item is not None and item.is_done:
                # Kept: unticking a promise already kept would not undo it.
                tick.disabled = due.disabled = True
                tick.help_text = _("Done: the promise was kept.")
            self.fields[promise_field(kind)] = tick
            self.fields[promise_due_field(kind)] = due
        plan_field = self.fields["improvement_plan"]
        assert isinstance(plan_field, forms.ModelChoiceField)  # noqa: S101
        plan_field.queryset = (
            improvement_plans if improvement_plans is not None else ImprovementPlan.objects.none()
        )
        plan_field.required = False
        plan_field.empty_label = _("No improvement plan")
        self.fields["duration_minutes"].widget.attrs.update({"min": 1, "max": 600})
        if self.instance.pk is None:
            # The full form is for a conversation, not a one-minute note (the quick note's).
            self.fields["duration_minutes"].initial = FULL_SESSION_MINUTES
        # A radio list needs no blank choice: "---------" is not a kind of coaching.
        type_field = self.fields["type"]
        assert isinstance(type_field, forms.ChoiceField)  # noqa: S101
        type_field.choices = CoachingType.choices
        carry_version(self)
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
        data["question_answers"] = {
            key: answer
            for key, _question in NINE_QUESTIONS
            if (answer := (data.get(QUESTION_PREFIX + key) or "").strip())
        }
        for kind, field in SUPPORT_FIELDS.items():
            if not data.get(promise_field(kind)):
                continue
            if not (data.get(field) or "").strip():
                self.add_error(field, _("Say what support you promised."))
            due = data.get(promise_due_field(kind))
            if held_on and due and due < held_on:
                self.add_error(promise_due_field(kind), _("The follow-up comes after the session."))
        return data

    def support_promised(self) -> dict[str, dt.date | None]:
        """The kinds of support promised, each with its follow-up date (valid form)."""
        return {
            kind: self.cleaned_data.get(promise_due_field(kind))
            for kind in SupportKind.values
            if self.cleaned_data.get(promise_field(kind))
        }

    def support_rows(self) -> list[tuple[Any, Any, Any]]:
        """Per kind of support, in order: its text, its "promised" tick and its date."""
        return [
            (self[field], self[promise_field(kind)], self[promise_due_field(kind)])
            for kind, field in SUPPORT_FIELDS.items()
        ]

    def question_fields(self) -> list[Any]:
        return [self[QUESTION_PREFIX + key] for key, _question in NINE_QUESTIONS]


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
