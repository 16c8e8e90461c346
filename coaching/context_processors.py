"""What the navigation needs from coaching: whether to link the improvement plans."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from coaching.feedback import has_feedback_to_answer_remembered
from coaching.selectors import has_improvement_plans


def coaching_navigation(request: HttpRequest) -> dict[str, Any]:
    """``has_improvement_plans``: a callable, so the query runs only where the template
    asks (people who are neither managers nor HR), at most once a page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    answer: list[bool] = []

    def has_plans() -> bool:
        if not answer:
            answer.append(has_improvement_plans(user))
        return answer[0]

    feedback: list[bool] = []

    def has_feedback() -> bool:
        # An open upward feedback round this person has still to answer (issue 18 §2).
        if not feedback:
            feedback.append(has_feedback_to_answer_remembered(user))
        return feedback[0]

    return {"has_improvement_plans": has_plans, "has_feedback_to_answer": has_feedback}
