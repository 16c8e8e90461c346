"""A new coaching session's JSON body as the POST of the session page, and its errors back.

The body goes through the page's own ``SessionFormBundle``: ``session_form_data`` builds
what the page would post (absent fields take the form's defaults, as a page opened and
saved does), ``session_form_errors`` names the bundle's errors as the API's fields
(``question_answers.progress``, ``objectives.0.assessment``, ``action_items.1.owner``).
A private note is refused: it is written in the browser only.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from api.bridge import BadBody, an_id, form_errors, list_of_objects, scalar
from coaching.forms import SessionFormBundle
from coaching.forms.sessions import CONFIRM_FIELD, QUESTION_PREFIX, promise_due_field, promise_field
from coaching.models import (
    SUPPORT_FIELDS,
    CoachingSession,
    CoachingType,
    SessionObjective,
    SupportKind,
)
from coaching.questions import NINE_QUESTIONS

CONTENT_FIELDS = (
    "note",
    "strengths",
    "strengths_example",
    "improvements",
    "improvement_cause",
    "improvement_suggestion",
    "difficulties",
    "difficulty_cause",
    "support",
    "countermeasure",
    "plan_adjustments",
    "next_objectives",
    "agreements",
    "open_topics",
    *SUPPORT_FIELDS.values(),
)
# The form's own fields a script may send as they are (the rest are built below).
PLAIN_FIELDS = (
    "held_on",
    "duration_minutes",
    "type",
    "form",
    "occasion",
    "moment",
    *CONTENT_FIELDS,
    "shared_with_hr",
    "follow_up_on",
    "improvement_plan",
)
QUESTION_KEYS = [key for key, _question in NINE_QUESTIONS]


# --- What is sent -----------------------------------------------------------------


class LinkInputSerializer(serializers.Serializer[Any]):
    objective = serializers.IntegerField(min_value=1)
    assessment = serializers.ChoiceField(
        choices=SessionObjective.Assessment.choices, required=False
    )


class StepInputSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=300)
    owner = serializers.IntegerField(
        required=False, help_text="The coach (default) or the coachee."
    )
    due_date = serializers.DateField(required=False, allow_null=True)


class SessionCreateSerializer(serializers.Serializer[Any]):
    """A new session, as the session form takes it. There is no private note here: it is
    written in the browser only. Absent fields take the form's defaults."""

    employee = serializers.IntegerField(required=False, help_text="The person coached, or…")
    department = serializers.IntegerField(required=False, help_text="…the department coached.")
    held_on = serializers.DateField(required=False)
    duration_minutes = serializers.IntegerField(required=False, min_value=1, max_value=600)
    type = serializers.ChoiceField(choices=CoachingType.choices)
    form = serializers.ChoiceField(choices=CoachingSession.Form.choices, required=False)
    occasion = serializers.ChoiceField(choices=CoachingSession.Occasion.choices, required=False)
    moment = serializers.ChoiceField(choices=CoachingSession.Moment.choices, required=False)
    for _name in CONTENT_FIELDS:
        locals()[_name] = serializers.CharField(required=False, allow_blank=True)
    del _name
    shared_with_hr = serializers.BooleanField(required=False)
    follow_up_on = serializers.DateField(required=False, allow_null=True)
    improvement_plan = serializers.IntegerField(required=False, allow_null=True)
    question_answers = serializers.DictField(
        child=serializers.CharField(), required=False, help_text="By key of the nine questions."
    )
    support_promised = serializers.DictField(
        child=serializers.DateField(allow_null=True),
        required=False,
        help_text="Per kind of support promised, its follow-up date.",
    )
    objectives = LinkInputSerializer(many=True, required=False)
    action_items = StepInputSerializer(many=True, required=False)
    confirm_without_steps = serializers.BooleanField(required=False)


class MarkInputSerializer(serializers.Serializer[Any]):
    done = serializers.BooleanField()


def session_form_data(bundle: SessionFormBundle, body: dict[str, Any]) -> dict[str, str]:
    """The POST the session page would send for ``body``, over the form's defaults."""
    if "private_note" in body:
        raise BadBody(
            {"private_note": [_("The private note is written in the browser only, never here.")]}
        )
    unknown = (
        set(body)
        - {*PLAIN_FIELDS, "employee", "department", "question_answers"}
        - {
            "support_promised",
            "objectives",
            "action_items",
            CONFIRM_FIELD,
        }
    )
    if unknown:
        raise BadBody({name: [_("Unknown field.")] for name in sorted(unknown)})
    data: dict[str, str] = {}
    for name in PLAIN_FIELDS:
        if name in body:
            data[name] = scalar(body[name], name)
        else:
            value = bundle.form[name].value()
            if value not in (None, "", False):
                data[name] = "on" if value is True else str(value)
    data[CONFIRM_FIELD] = scalar(body.get(CONFIRM_FIELD), CONFIRM_FIELD)
    answers = body.get("question_answers") or {}
    if not isinstance(answers, dict):
        raise BadBody({"question_answers": [_("Expected an object.")]})
    for key, answer in answers.items():
        if key not in QUESTION_KEYS:
            raise BadBody({f"question_answers.{key}": [_("Unknown question.")]})
        data[QUESTION_PREFIX + key] = scalar(answer, f"question_answers.{key}")
    promised = body.get("support_promised") or {}
    if not isinstance(promised, dict):
        raise BadBody({"support_promised": [_("Expected an object.")]})
    for kind, due in promised.items():
        if kind not in SupportKind.values:
            raise BadBody({f"support_promised.{kind}": [_("Unknown kind of support.")]})
        data[promise_field(kind)] = "on"
        data[promise_due_field(kind)] = scalar(due, f"support_promised.{kind}")
    offered = {objective.pk for objective, _form in bundle.objective_forms}
    for index, link in enumerate(list_of_objects(body.get("objectives"), "objectives")):
        pk = an_id(link.get("objective"), f"objectives.{index}.objective")
        if pk not in offered:
            raise BadBody(
                {
                    f"objectives.{index}.objective": [
                        _("Choose one of the coachee's objectives of the current cycle.")
                    ]
                }
            )
        data[f"obj-{pk}-linked"] = "on"
        data[f"obj-{pk}-assessment"] = scalar(
            link.get("assessment"), f"objectives.{index}.assessment"
        )
    steps = list_of_objects(body.get("action_items"), "action_items")
    data["items-TOTAL_FORMS"] = str(len(steps))
    data["items-INITIAL_FORMS"] = "0"
    for index, step in enumerate(steps):
        where = f"action_items.{index}"
        data[f"items-{index}-title"] = scalar(step.get("title"), f"{where}.title")
        owner = step.get("owner")
        data[f"items-{index}-owner"] = scalar(
            owner if owner is not None else bundle.actor.pk, where
        )
        data[f"items-{index}-due_date"] = scalar(step.get("due_date"), f"{where}.due_date")
    return data


def session_form_errors(bundle: SessionFormBundle, body: dict[str, Any]) -> dict[str, list[str]]:
    """The bundle's errors under the names of the API's fields."""
    names = {QUESTION_PREFIX + key: f"question_answers.{key}" for key in QUESTION_KEYS}
    for kind in SupportKind.values:
        names[promise_field(kind)] = names[promise_due_field(kind)] = f"support_promised.{kind}"
    errors = form_errors(bundle.form, names=names)
    links = list_of_objects(body.get("objectives"), "objectives")
    index_of = {an_id(link.get("objective"), "objectives"): i for i, link in enumerate(links)}
    for objective, form in bundle.objective_forms:
        if objective.pk in index_of:
            errors.update(form_errors(form, prefix=f"objectives.{index_of[objective.pk]}."))
    for index, form in enumerate(bundle.item_formset.forms):
        errors.update(form_errors(form, prefix=f"action_items.{index}."))
    for message in bundle.item_formset.non_form_errors():
        errors.setdefault("action_items", []).append(str(message))
    return errors
