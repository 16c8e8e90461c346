"""Praise that cites its example, and the company values it can show (issue 18 §1).

Praise is the encouragement of the source text ("praise must be specific: list
concrete examples") written down for the person: the behaviour, the example
(required), optionally the objective it served and the value it shows. It is
the recipient's to show: private to them, the giver and their managers until
the recipient opens it to their department or the whole organisation.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.links import pk_url
from accounts.models import OrgRecord, User
from plans.models import Objective

__all__ = ["CompanyValue", "Praise", "PraiseVisibility", "RECIPIENT_VISIBILITY_LABELS"]

VALUE_NAME_TAKEN = _("There is already a company value with this name (capitals aside).")


class CompanyValue(models.Model):
    """One of the organisation's values that praise can name ("Customers first").
    Names are unique whatever their capitals ("customers FIRST" is "Customers first")."""

    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    active = models.BooleanField(
        _("offered"),
        default=True,
        help_text=_("A value no longer offered stays on the praise that named it."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("company value")
        verbose_name_plural = _("company values")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="company_value_name_ci",
                violation_error_message=VALUE_NAME_TAKEN,
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PraiseVisibility(models.TextChoices):
    """Worded for anyone who reads it (the giver, a manager, the admin); the recipient
    chooses among ``RECIPIENT_VISIBILITY_LABELS``."""

    PRIVATE = "private", _("Private: the person, the giver and their managers")
    DEPARTMENT = "department", _("The person's department")
    ORGANISATION = "organisation", _("The whole organisation")


# The same levels as the recipient reads them when choosing, in their own words.
RECIPIENT_VISIBILITY_LABELS = {
    PraiseVisibility.PRIVATE: _("Only me, the giver and my managers"),
    PraiseVisibility.DEPARTMENT: _("My department"),
    PraiseVisibility.ORGANISATION: _("The whole organisation"),
}


class Praise(OrgRecord):
    """Praise for one person. ``home_department`` (the recipient's department when it was
    given) places it on a department's wall; ``line_manager`` is theirs at the time."""

    employee = models.ForeignKey(
        User, verbose_name=_("person praised"), on_delete=models.CASCADE, related_name="praise"
    )
    giver = models.ForeignKey(
        User, verbose_name=_("given by"), on_delete=models.PROTECT, related_name="praise_given"
    )
    behaviour = models.CharField(_("what they did well"), max_length=200)
    example = models.TextField(_("concrete example"), max_length=2000)
    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective it served"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="praise",
    )
    value = models.ForeignKey(
        CompanyValue,
        verbose_name=_("value it shows"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="praise",
    )
    # The encouragement session it came from, if any: linked for those who may read the
    # session, never copied beyond what the giver wrote here.
    session = models.ForeignKey(
        "coaching.CoachingSession",
        verbose_name=_("coaching session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="praise",
    )
    visibility = models.CharField(
        _("who may see it"),
        max_length=12,
        choices=PraiseVisibility.choices,
        default=PraiseVisibility.PRIVATE,
    )
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # The key of the form that gave it, made when the form was drawn: the same form sent
    # again (Back and Give, a retry) finds this praise instead of giving it twice.
    form_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = _("praise")
        verbose_name_plural = _("praise")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(employee=models.F("giver")), name="praise_not_for_oneself"
            ),
        ]
        indexes = [
            models.Index(fields=["employee", "-given_at"], name="praise_employee"),
            models.Index(fields=["visibility", "-given_at"], name="praise_wall"),
        ]

    # What the giver wrote is read on the site, by whom the recipient lets read it: in the
    # admin no column, search, filter or form field shows it, superusers included
    # (accounts.admin.PrivateFieldsAdmin) — private and withdrawn praise stay so there.
    ADMIN_PRIVATE_FIELDS = frozenset({"behaviour", "example"})

    def __str__(self) -> str:
        # No words of the praise: this name shows in the admin.
        return f"{self.giver} → {self.employee}"

    def get_absolute_url(self) -> str:
        return pk_url("coaching:praise_detail", self.pk)
