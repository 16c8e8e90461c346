"""Time-node checkpoints (issue 16 §1; source text, answer 7): a missed phase target
the coach talks through with the person.

The model lives here (``coaching.models`` loads it) so that ``coaching/models.py``
stays under 500 lines; what opens, answers and lists them is ``coaching.checkpoints``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.inputs import validate_sane_date
from accounts.links import pk_url
from accounts.models import User
from plans.models import Objective, TargetCheck

if TYPE_CHECKING:
    from coaching.models import ImprovementPlan


def validate_not_future(value: dt.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("The talk has to have happened: not a future day."))


DECISIONS_DONE = {
    "adjust": _("Decided: adjust the plan"),
    "support": _("Decided: give support"),
    "improvement_plan": _("Improvement plan opened"),
}


class Checkpoint(models.Model):
    """A phase target missed at a time node, waiting for the coach's talk and decision.

    Opened for the coach of the objective's subject — the person's manager, or the
    head of the department above a department — when the node's check says
    *missed*. Answered once the coach records the person's own (subjective) reasons,
    the outside (objective) reasons, and a decision: adjust the plan, give support,
    or open an improvement plan (then linked here).
    """

    class Decision(models.TextChoices):
        ADJUST = "adjust", _("Adjust the plan")
        SUPPORT = "support", _("Give support")
        IMPROVEMENT_PLAN = "improvement_plan", _("Open an improvement plan")

    target_check = models.OneToOneField(
        TargetCheck, on_delete=models.CASCADE, related_name="checkpoint"
    )
    # The check's objective and node, kept here so lists need no join through it.
    objective = models.ForeignKey(
        Objective, verbose_name=_("objective"), on_delete=models.CASCADE, related_name="checkpoints"
    )
    month = models.DateField(_("time node"))
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    talked_on = models.DateField(
        _("talked with them on"),
        null=True,
        blank=True,
        validators=[validate_sane_date, validate_not_future],
    )
    own_reasons = models.TextField(
        _("their own reasons"),
        max_length=4000,
        blank=True,
        help_text=_("Subjective: what was in their hands — effort, skill, way of working."),
    )
    outside_reasons = models.TextField(
        _("outside reasons"),
        max_length=4000,
        blank=True,
        help_text=_("Objective: what was not — the market, other teams, resources, the plan."),
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    decision_note = models.TextField(
        _("what you decided"),
        max_length=4000,
        blank=True,
        help_text=_("The change to the plan, or the support you will give."),
    )
    improvement_plan = models.ForeignKey(
        "coaching.ImprovementPlan",
        verbose_name=_("improvement plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checkpoints",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Bumped by every save from the form: an older form is refused (accounts.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)

    # The improvement plan as the page's reader may follow it (``readable_plans_set``).
    readable_plan: ImprovementPlan | None = None

    class Meta:
        ordering = ["-month", "pk"]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        indexes = [
            models.Index(
                fields=["objective"],
                condition=models.Q(answered_at__isnull=True),
                name="coaching_checkpoint_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.objective_id} · {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return pk_url("coaching:checkpoint_detail", self.pk)

    @property
    def is_open(self) -> bool:
        """Still calls for the coach: not answered, or a decided plan not opened yet."""
        return self.answered_at is None or self.wants_improvement_plan

    @property
    def decision_done(self) -> str:
        """The decision as what was done (the form's choices say what to do)."""
        return str(DECISIONS_DONE.get(self.decision, ""))

    @property
    def wants_improvement_plan(self) -> bool:
        """Decided on an improvement plan that is not opened yet."""
        return self.decision == self.Decision.IMPROVEMENT_PLAN and self.improvement_plan_id is None
