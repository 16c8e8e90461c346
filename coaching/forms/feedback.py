"""Forms of upward feedback: a round (HR), its questions (HR), an answer sheet."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.concurrency import VersionField
from accounts.inputs import validate_sane_date
from coaching.feedback_models import MIN_ANSWERS_FLOOR, FeedbackQuestion, FeedbackRound

THRESHOLD_MESSAGE = _(
    "At least %(floor)s answers are needed before results are shown, so that nobody "
    "can be identified."
)
SCORE_CHOICES = [
    ("1", _("1 — not at all")),
    ("2", _("2")),
    ("3", _("3")),
    ("4", _("4")),
    ("5", _("5 — very much")),
]


class FeedbackRoundForm(forms.ModelForm[FeedbackRound]):
    version = VersionField()

    class Meta:
        model = FeedbackRound
        fields = ["name", "opens_on", "closes_on", "min_answers"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "min_answers": _(
                "A manager's results show only when at least this many of their people "
                "answered: 3 or more."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("opens_on", "closes_on"):
            self.fields[name].validators.append(validate_sane_date)
        answers = self.fields["min_answers"]
        answers.error_messages["min_value"] = THRESHOLD_MESSAGE % {"floor": MIN_ANSWERS_FLOOR}
        answers.widget.attrs.update(min=MIN_ANSWERS_FLOOR, max=50)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        same = FeedbackRound.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if same.exists():
            raise forms.ValidationError(
                _(
                    "Another round is already called “%(name)s”: choose a name that tells "
                    "them apart."
                ),
                params={"name": name},
            )
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The round closes on or after the day it opens."))
        elif closes and closes < timezone.localdate():
            self.add_error("closes_on", _("The closing day has passed: choose today or later."))
        return data


class FeedbackQuestionForm(forms.ModelForm[FeedbackQuestion]):
    # Questions are asked in this order; a new one left without a number goes last.
    position = forms.IntegerField(
        label=_("Order"),
        min_value=0,
        max_value=99,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )

    class Meta:
        model = FeedbackQuestion
        fields = ["position", "text"]
        widgets = {"text": forms.Textarea(attrs={"class": "form-control", "rows": 2})}


class BaseQuestionFormSet(forms.BaseModelFormSet[FeedbackQuestion, FeedbackQuestionForm]):
    def clean(self) -> None:
        super().clean()
        kept = [
            form
            for form in self.forms
            if not getattr(form, "cleaned_data", {}).get("DELETE")
            and getattr(form, "cleaned_data", {}).get("text")
        ]
        if not kept:
            raise forms.ValidationError(_("A round needs at least one question."))


QuestionFormSet = forms.modelformset_factory(
    FeedbackQuestion,
    form=FeedbackQuestionForm,
    formset=BaseQuestionFormSet,
    extra=1,
    can_delete=True,
    max_num=20,
    validate_max=True,
    absolute_max=40,
)


class FeedbackAnswerForm(forms.Form):
    """One 1–5 scale and one optional comment per question of the round."""

    def __init__(self, *args: Any, questions: list[FeedbackQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"score_{question.pk}"] = forms.ChoiceField(
                label=question.text,
                choices=SCORE_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a score from 1 to 5.")},
            )
            self.fields[f"comment_{question.pk}"] = forms.CharField(
                label=_("Comment (optional)"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def pairs(self) -> list[tuple[FeedbackQuestion, forms.BoundField, forms.BoundField]]:
        return [(q, self[f"score_{q.pk}"], self[f"comment_{q.pk}"]) for q in self.questions]

    def answers(self) -> list[tuple[int, int, str]]:
        data = self.cleaned_data
        return [
            (q.pk, int(data[f"score_{q.pk}"]), data[f"comment_{q.pk}"].strip())
            for q in self.questions
        ]
