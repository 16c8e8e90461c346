"""Forms of the coaching pages: sessions (and their bundle), quick notes, improvement plans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.concurrency import VersionField, carry_version
from accounts.forms import submit_helper
from accounts.inputs import FilterForm, limit_dates
from accounts.models import Department, User
from coaching.models import (
    DURATION_MESSAGE,
    CoachingSession,
    CoachingType,
    ImprovementPlan,
    SessionObjective,
)
from coaching.selectors import (
    improvement_plans_offered,
    session_action_items,
    session_assessments,
    session_objectives_offered,
)
from coaching.services import ActionItemInput

# A session may be logged ahead as a plan, up to a year: beyond that it is a typo (2100).
PLANNING_HORIZON_DAYS = 366

GUIDING_QUESTIONS = [
    _("What is the progress towards the goals set?"),
    _("What is going well?"),
    _("What needs to be improved further?"),
    _("Is the person heading towards the performance goals?"),
    _("What must I do to help them reach the goals?"),
    _("Should the goals change?"),
    _("What do we agree on?"),
    _("What needs more talk?"),
]


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
        self.helper = submit_helper(str(_("Save note")))


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
    duration_minutes = duration_field()
    version = VersionField()

    class Meta:
        model = CoachingSession
        fields = list(CoachingSession.EDITABLE_FIELDS)
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
                )
            },
        }

    def __init__(self, *args: Any, improvement_plans: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan_field = self.fields["improvement_plan"]
        assert isinstance(plan_field, forms.ModelChoiceField)  # noqa: S101
        plan_field.queryset = (
            improvement_plans if improvement_plans is not None else ImprovementPlan.objects.none()
        )
        plan_field.required = False
        self.fields["duration_minutes"].widget.attrs.update({"min": 1, "max": 600})
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
        return data


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


def _owner_choices(
    coach: User, employee: User | None, department: Department | None
) -> list[tuple[str, str]]:
    coachee = employee or (department.head if department else None)
    choices = [(str(coach.pk), f"{coach.full_name} ({gettext('coach')})")]
    if coachee is not None and coachee.pk != coach.pk:
        choices.append((str(coachee.pk), f"{coachee.full_name} ({gettext('coachee')})"))
    return choices


class SessionFormBundle:
    """The session page's forms as one bundle: the session itself (``form``), one
    ``SessionObjectiveForm`` per objective on offer (``objective_forms``), and the
    formset of action items (``item_formset``).

    Bound to ``data`` (a POST), ``is_valid()`` checks them together, a due date
    before the session included; ``save_arguments()`` then gives what
    ``session_save`` takes besides the actor, the session and the coachee.
    """

    def __init__(
        self,
        *,
        actor: User,
        session: CoachingSession | None,
        employee: User | None,
        department: Department | None,
        data: Any = None,
        initial: dict[str, Any] | None = None,
        ticked: Iterable[int] = (),
    ) -> None:
        """``ticked``: objectives a new session starts linked to (the page it came from)."""
        self.actor = actor
        linked = session_assessments(session=session)
        ticked = set(ticked)
        self.objective_forms = [
            (
                objective,
                SessionObjectiveForm(
                    data,
                    prefix=f"obj-{objective.pk}",
                    initial={
                        "linked": objective.pk in linked or objective.pk in ticked,
                        "assessment": linked.get(objective.pk, ""),
                    },
                ),
            )
            for objective in session_objectives_offered(
                linked_ids=list(linked), employee=employee, department=department
            )
        ]
        owners = _owner_choices(session.coach if session else actor, employee, department)
        items = session_action_items(session=session) if session else []
        # A step keeps its owner (say a department head since replaced): a select that does
        # not offer the stored owner would hand the step to the coach on the next save.
        offered_owners = {pk for pk, _name in owners}
        for item in items:
            if str(item.owner_id) not in offered_owners:
                owners.append((str(item.owner_id), item.owner.full_name))
                offered_owners.add(str(item.owner_id))
        self.form = SessionForm(
            data,
            instance=session,
            initial=initial,
            improvement_plans=improvement_plans_offered(employee=employee, session=session),
        )
        self.owners = owners
        self.item_formset = ActionItemFormSet(  # type: ignore[call-arg]
            data,
            prefix="items",
            owners=owners,
            initial=[
                {
                    "item_id": i.pk,
                    "title": i.title,
                    "owner": str(i.owner_id),
                    "due_date": i.due_date,
                }
                for i in items
            ],
        )

    def context(self) -> dict[str, Any]:
        """The forms under the names the session form's template uses."""
        return {
            "form": self.form,
            "objective_forms": self.objective_forms,
            "item_formset": self.item_formset,
            "guiding_questions": GUIDING_QUESTIONS,
        }

    def is_valid(self) -> bool:
        valid = (
            self.form.is_valid()
            & self.item_formset.is_valid()
            & all(f.is_valid() for _o, f in self.objective_forms)
        )
        if not valid:
            return False
        held_on = self.form.cleaned_data["held_on"]
        for item_form in self.item_formset:
            due = item_form.cleaned_data.get("due_date")
            if due and held_on and due < held_on and not item_form.cleaned_data.get("DELETE"):
                item_form.add_error("due_date", _("The due date comes after the session."))
        return bool(self.item_formset.is_valid())

    def save_arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``session_save`` from valid forms: the session's
        fields, the ticked objectives with their progress, and the action items."""
        owners = {str(u.pk): u for u in User.objects.filter(pk__in=[pk for pk, _n in self.owners])}
        items = [
            ActionItemInput(
                item_id=f.cleaned_data.get("item_id"),
                title=f.cleaned_data.get("title", ""),
                owner=owners.get(f.cleaned_data.get("owner") or "", self.actor),
                due_date=f.cleaned_data.get("due_date"),
                delete=bool(f.cleaned_data.get("DELETE")),
            )
            for f in self.item_formset
            if f.has_changed() or f.cleaned_data.get("item_id")
        ]
        # The ticked objectives, each with its progress (SessionObjectiveForm).
        assessments = {
            objective.pk: f.cleaned_data.get("assessment", "")
            for objective, f in self.objective_forms
            if f.cleaned_data.get("linked")
        }
        return {"assessments": assessments, "action_items": items, **self.form.cleaned_data}
