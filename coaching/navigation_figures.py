"""Coaching's figures in every person's navigation (``accounts.person_figures``) and the
signals that keep them current.

- ``has_improvement_plans``: whether the person sees any improvement plan (scopes
  ``org``, since it follows the reporting line, and ``improvement-plans``);
- ``has_feedback_to_answer``: whether an open upward feedback round waits for their
  answer (scopes ``feedback`` and ``feedback:<user id>``; keyed by today's date too,
  since a round stops waiting on the day after its closing day without any write).

The services bump these scopes where they write in bulk (``coaching.feedback``); the
signals below cover every save and delete, the admin's included.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from accounts.data_versions import data_changed
from accounts.person_figures import ORG, Figure, register_figure
from coaching.feedback import (
    FEEDBACK_ROUNDS,
    feedback_figure_scopes,
    feedback_scope,
    has_feedback_to_answer,
)
from coaching.feedback_models import FeedbackParticipation, FeedbackRound
from coaching.models import ImprovementPlan
from coaching.selectors import has_improvement_plans

IMPROVEMENT_PLANS = "improvement-plans"


def _plans_changed(**_kwargs: Any) -> None:
    data_changed(IMPROVEMENT_PLANS)


def _rounds_changed(**_kwargs: Any) -> None:
    data_changed(FEEDBACK_ROUNDS)


def _participation_changed(instance: FeedbackParticipation, **_kwargs: Any) -> None:
    data_changed(feedback_scope(instance.employee_id))


def _today(_user_id: int) -> str:
    return timezone.localdate().isoformat()


def connect() -> None:
    """Register the figures and connect the signals (``CoachingConfig.ready``)."""
    register_figure(
        Figure(
            "has_improvement_plans",
            scopes=lambda _user_id: [ORG, IMPROVEMENT_PLANS],
            compute=has_improvement_plans,
        )
    )
    register_figure(
        Figure(
            "has_feedback_to_answer",
            scopes=feedback_figure_scopes,
            compute=has_feedback_to_answer,
            variant=_today,
        )
    )
    for signal in (post_save, post_delete):
        signal.connect(_plans_changed, sender=ImprovementPlan, dispatch_uid="nav-plans")
        signal.connect(_rounds_changed, sender=FeedbackRound, dispatch_uid="nav-rounds")
        signal.connect(
            _participation_changed, sender=FeedbackParticipation, dispatch_uid="nav-participation"
        )
