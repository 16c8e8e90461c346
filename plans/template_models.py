"""Objective templates (issue 17 §1): a library HR and department heads keep, whose
sets are assigned in bulk to the people of a department, a job title or a list.

Kept apart from ``plans.models`` (which imports it, so Django registers it in
``plans``) to keep each module short.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class TemplateSet(models.Model):
    """A named group of objective templates assigned together ("Sales rep 2027").

    ``department`` is the owner: a head keeps sets for their department (and the
    ones below); a set without a department is HR's, for the whole organisation.
    """

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="template_sets",
        help_text=_("Leave empty for a set the whole organisation may use."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every save from an edit form (accounts.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("objective template set")
        verbose_name_plural = _("objective template sets")

    def __str__(self) -> str:
        return self.name


class ObjectiveTemplate(models.Model):
    """One objective as a template: what each person's copy starts from.

    ``pattern`` says how the copy's phase targets spread the target over the
    cycle's time nodes: evenly, back-loaded (more towards the end), or along
    ``curve`` — cumulative percentages of the target, one per time node, copied
    from an objective whose shape is wanted.
    """

    class Pattern(models.TextChoices):
        EVEN = "even", _("Even")
        BACK_LOADED = "back_loaded", _("Back-loaded")
        CURVE = "curve", _("Copied curve")

    template_set = models.ForeignKey(
        TemplateSet,
        verbose_name=_("template set"),
        on_delete=models.CASCADE,
        related_name="templates",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    measure = models.CharField(_("measure"), max_length=10, default="number")
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    default_weight = models.PositiveSmallIntegerField(
        _("default weight"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    pattern = models.CharField(
        _("monthly pattern"), max_length=12, choices=Pattern.choices, default=Pattern.EVEN
    )
    # Cumulative percentages of the target, one per time node, for ``Pattern.CURVE``.
    curve = models.JSONField(_("curve"), default=list, blank=True)
    parent = models.ForeignKey(
        "plans.Objective",
        verbose_name=_("aligned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="aligned_templates",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["template_set", "-default_weight", "title", "pk"]
        verbose_name = _("objective template")
        verbose_name_plural = _("objective templates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(default_weight__lte=100), name="plans_template_weight_max_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CarryForward(models.TextChoices):
    """Which objectives of the cycle before are copied into a new one (issue 17 §2)."""

    NONE = "none", _("None")
    UNFINISHED = "unfinished", _("Unfinished ones (in progress)")
    ALL = "all", _("All but dropped ones")
