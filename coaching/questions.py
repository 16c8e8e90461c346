"""The nine questions a manager answers at each coaching (the source text, answer 5).

Answers are stored per session by the question's key (``CoachingSession.question_answers``):
the keys never change, so the wording may.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# An answer is a line or two: the six parts of the form hold the long text.
ANSWER_MAX_LENGTH = 500

NINE_QUESTIONS: tuple[tuple[str, _StrPromise], ...] = (
    ("progress", _("What is the progress towards the goals set?")),
    ("going_well", _("What is going well?")),
    ("to_improve", _("What needs to be further improved and enhanced?")),
    ("on_course", _("Is the employee moving toward the set performance goals?")),
    (
        "improvements",
        _(
            "What improvements need to be made so that the employee better meets the "
            "performance goals?"
        ),
    ),
    (
        "manager_help",
        _(
            "What does the manager need to do to improve the employee's knowledge, skills "
            "and experience?"
        ),
    ),
    ("adjust_goals", _("Do the employee's performance goals need adjusting, and if so, how?")),
    ("agreed", _("What do the manager and the employee agree on?")),
    (
        "talk_further",
        _("In what areas do the manager and the employee need to communicate further?"),
    ),
)
QUESTION_KEYS = tuple(key for key, _text in NINE_QUESTIONS)


def answered_count(answers: Any) -> int:
    """How many of the nine questions have an answer (stored data of any shape counts 0)."""
    if not isinstance(answers, dict):
        return 0
    return sum(1 for key in QUESTION_KEYS if str(answers.get(key) or "").strip())


def answered_questions(answers: Any) -> list[tuple[str, str]]:
    """The answered questions in their order: (question as worded today, answer)."""
    if not isinstance(answers, dict):
        return []
    return [
        (str(text), str(answers[key]).strip())
        for key, text in NINE_QUESTIONS
        if str(answers.get(key) or "").strip()
    ]


def unanswered_questions(answers: Any) -> list[str]:
    """The questions left without an answer, in their order."""
    given = answers if isinstance(answers, dict) else {}
    return [str(text) for key, text in NINE_QUESTIONS if not str(given.get(key) or "").strip()]


def validate_question_answers(value: Any) -> None:
    """A dict of known keys to short strings: the admin writes this field as JSON."""
    if not isinstance(value, dict):
        raise ValidationError(_("The answers must be a mapping of question to answer."))
    unknown = sorted(set(value) - set(QUESTION_KEYS))
    if unknown:
        raise ValidationError(
            _("Unknown questions: %(keys)s."), params={"keys": ", ".join(unknown)}
        )
    for answer in value.values():
        if not isinstance(answer, str) or len(answer) > ANSWER_MAX_LENGTH:
            raise ValidationError(
                _("Each answer is a text of at most %(limit)d characters."),
                params={"limit": ANSWER_MAX_LENGTH},
            )
