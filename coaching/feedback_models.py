"""Upward feedback on coaching, anonymous by design (issue 18 §2).

HR opens a round; each employee answers a few questions about the coaching
their manager gave them. Anonymity is in the tables themselves:

- a ``FeedbackGroup`` is fixed when the round opens: one manager and their
  direct reports of that day. Results exist for groups only, never for a
  filter, and only once the round is closed and at least ``min_answers`` of the
  group answered;
- a ``FeedbackResponse`` has no author, no timestamp and a random key, so
  neither its row nor the order of rows leads to a person;
- ``FeedbackParticipation`` records who was asked and whether they answered
  (no time either), which is all that stops a second answer.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.links import pk_url
from accounts.models import User

# Below three answers a group's mean is one person's answer give or take a guess.
MIN_ANSWERS_FLOOR = 3


__all__ = [
    "FeedbackAnswer",
    "FeedbackGroup",
    "FeedbackParticipation",
    "FeedbackQuestion",
    "FeedbackResponse",
    "FeedbackRound",
]


class FeedbackRound(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=100)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    min_answers = models.PositiveSmallIntegerField(
        _("answers needed before a manager sees results"),
        default=MIN_ANSWERS_FLOOR,
        validators=[MinValueValidator(MIN_ANSWERS_FLOOR), MaxValueValidator(50)],
    )
    state = models.CharField(_("state"), max_length=6, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("upward feedback round")
        verbose_name_plural = _("upward feedback rounds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_answers__gte=MIN_ANSWERS_FLOOR),
                name="feedback_round_min_answers_floor",
            ),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="feedback_round_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return pk_url("coaching:feedback_round", self.pk)


class FeedbackQuestion(models.Model):
    """A question of one round, answered on a 1–5 scale with an optional comment."""

    round = models.ForeignKey(FeedbackRound, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=300)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("feedback question")
        verbose_name_plural = _("feedback questions")

    def __str__(self) -> str:
        return self.text


class FeedbackGroup(models.Model):
    """A manager and their direct reports on the day the round opened."""

    round = models.ForeignKey(FeedbackRound, on_delete=models.CASCADE, related_name="groups")
    manager = models.ForeignKey(User, on_delete=models.CASCADE, related_name="feedback_groups")
    invited = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["round", "manager__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "manager"], name="feedback_group_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round} — {self.manager}"


class FeedbackParticipation(models.Model):
    """Who was asked in which group, and whether they answered: never what, never when."""

    group = models.ForeignKey(FeedbackGroup, on_delete=models.CASCADE, related_name="participants")
    round = models.ForeignKey(FeedbackRound, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="feedback_participations"
    )
    answered = models.BooleanField(default=False)
    # In HR when the round opened: their answer never counts towards a group's threshold,
    # however their membership changes before the results are read.
    reads_results = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "employee"], name="feedback_asked_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.employee_id}"


class FeedbackResponse(models.Model):
    """One answer sheet of a group: no author, no time, a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = models.ForeignKey(FeedbackGroup, on_delete=models.CASCADE, related_name="responses")

    class Meta:
        # Random keys: no order of rows follows the order of answering.
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.group)


class FeedbackAnswer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(FeedbackResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(FeedbackQuestion, on_delete=models.CASCADE, related_name="answers")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="feedback_answer_once"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="feedback_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.score}"
