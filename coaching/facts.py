"""Performance facts (issue 16 §2): what a manager saw, dated, as it happened.

The source text's "record of performance facts": a manager above the person
writes down a good or a bad fact on the day (never a future day), optionally
for one of the person's objectives. Who reads them:

- the managers above the person read every fact, private ones included;
- the person and HR read the facts not kept private;
- the author always reads their own (a former manager too);
- nobody else reads any.

Only the author edits a fact, and only while they still coach the person.
The model lives here (``coaching.models`` is loaded with it) so that
``coaching/models.py`` stays under 500 lines.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.inputs import validate_sane_date
from accounts.models import User
from accounts.selectors import is_manager_of, user_roles
from plans.models import Objective
from plans.months import month_end


def validate_not_future(value: dt.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("A fact is recorded once it happened: not a future day."))


class PerformanceFact(models.Model):
    class Kind(models.TextChoices):
        POSITIVE = "positive", _("Positive")
        NEEDS_IMPROVEMENT = "needs_improvement", _("Needs improvement")

    employee = models.ForeignKey(
        User,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="performance_facts",
    )
    author = models.ForeignKey(
        User,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="facts_recorded",
    )
    observed_on = models.DateField(_("date"), validators=[validate_sane_date, validate_not_future])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    observed = models.TextField(
        _("what was observed"),
        max_length=4000,
        help_text=_("The concrete behaviour or result, as you saw it."),
    )
    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="performance_facts",
    )
    private = models.BooleanField(
        _("keep private"),
        default=False,
        help_text=_("Only you and the managers above the person read it; not the person, not HR."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The key of the form that recorded it, made when the form was drawn: the same form
    # sent again (Back and Save, a retry) changes this fact instead of adding another.
    form_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        app_label = "coaching"
        ordering = ["-observed_on", "-pk"]
        indexes = [
            models.Index(fields=["employee", "observed_on"], name="coaching_fact_person_day")
        ]
        verbose_name = _("performance fact")
        verbose_name_plural = _("performance facts")

    def __str__(self) -> str:
        return f"{self.observed_on} {self.get_kind_display()}"


# What a list of facts shows of each (templates/coaching/_fact.html).
FACT_FIELDS = (
    "observed_on",
    "kind",
    "private",
    "observed",
    "objective",
    "objective__title",
    "author",
    "author__full_name",
)


def facts_visible_to(user: User, person: User) -> QuerySet[PerformanceFact]:
    """The facts about ``person`` that ``user`` reads (see the module's docstring)."""
    queryset = PerformanceFact.objects.filter(employee=person).select_related("author", "objective")
    if is_manager_of(user, person):
        return queryset
    if user.pk == person.pk or user_roles(user).is_hr:
        return queryset.filter(models.Q(private=False) | models.Q(author_id=user.pk))
    return queryset.filter(author_id=user.pk)


def facts_of_month(user: User, person: User, month: dt.date) -> list[PerformanceFact]:
    """The facts of ``month`` (any day of it) about ``person`` that ``user`` reads, with
    what a list of them shows (``FACT_FIELDS``): a range of days on the person's index."""
    first = month.replace(day=1)
    return list(
        facts_visible_to(user, person)
        .only(*FACT_FIELDS)
        .filter(observed_on__gte=first, observed_on__lte=month_end(first))
    )


def can_edit_fact(user: User, fact: PerformanceFact) -> bool:
    return (
        fact.author_id == user.pk
        and fact.employee.is_active
        and is_manager_of(user, fact.employee_id)
    )


def performance_fact_save(
    *,
    actor: User,
    employee: User,
    fact: PerformanceFact | None,
    observed_on: dt.date,
    kind: str,
    observed: str,
    objective: Objective | None,
    private: bool,
    form_key: uuid.UUID | None = None,
) -> PerformanceFact:
    """Record a new fact (``fact`` None) or change one; the author is the first writer.

    A new fact's ``form_key`` names the form it came from: sent again, that form
    changes the fact it recorded the first time (its author's, about the same person)
    instead of recording it twice, also when both arrive at once (a unique key).
    """
    if fact is None and form_key is not None:
        fact = PerformanceFact.objects.filter(
            form_key=form_key, author=actor, employee=employee
        ).first()
        if fact is None:
            try:
                with transaction.atomic():
                    fact = PerformanceFact.objects.create(
                        employee=employee,
                        author=actor,
                        form_key=form_key,
                        observed_on=observed_on,
                        kind=kind,
                        observed=observed,
                        objective=objective,
                        private=private,
                    )
                return fact
            except IntegrityError:
                fact = PerformanceFact.objects.filter(
                    form_key=form_key, author=actor, employee=employee
                ).first()
                # None: the key of a form about someone else; this is a new fact.
    if fact is None:
        fact = PerformanceFact(employee=employee, author=actor)
    fact.observed_on = observed_on
    fact.kind = kind
    fact.observed = observed
    fact.objective = objective
    fact.private = private
    fact.save()
    return fact
