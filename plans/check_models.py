"""Phase targets checked at their time nodes (issue 16 §1; source text, answer 7).

Kept apart from ``plans.models`` (which imports it, so Django registers it in
``plans``) to keep each module short.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TargetCheck(models.Model):
    """An objective's phase target judged when its time node passed: met or missed.

    Stored once, when the node has passed (``plans.node_checks``), with the target
    and the value reached as they were then — the latest check-in on or before the
    node's last day, as the review table's actual is prefilled — and never
    recomputed from a plan that moved later. A missed one opens a checkpoint for
    the coach (``coaching.checkpoints``).
    """

    objective = models.ForeignKey(
        "plans.Objective",
        verbose_name=_("objective"),
        on_delete=models.CASCADE,
        related_name="target_checks",
    )
    # The time node: the first day of its month; the target is for the month's end.
    month = models.DateField(_("time node"))
    planned = models.DecimalField(_("phase target"), max_digits=14, decimal_places=2)
    reached = models.DecimalField(
        _("value reached"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    met = models.BooleanField(_("met"))
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)

    class Meta:
        ordering = ["objective", "month"]
        verbose_name = _("phase target check")
        verbose_name_plural = _("phase target checks")
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "month"], name="plans_targetcheck_once_per_node"
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="plans_targetcheck_first_of_month"
            ),
        ]

    def __str__(self) -> str:
        verdict = "met" if self.met else "missed"
        return f"{self.objective_id} · {self.month:%Y-%m}: {verdict}"
