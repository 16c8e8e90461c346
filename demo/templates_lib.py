"""Demo objective templates (issue 17 §1): HR's "Sales representative" set, assigned to
every Account Executive in next year's cycle (being planned), and a set Marcus keeps
for Sales. Idempotent: assigning again gives nobody a second copy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Department, User
from plans.models import AppraisalCycle, Measure, ObjectiveTemplate, TemplateSet
from plans.templates_assign import assignment_preview, people_for_assignment, template_set_assign

HR_EMAIL = "sofia.rossi@example.com"
SALES_REP_TEMPLATES: tuple[tuple[str, str, Decimal, str, int, str, list[int]], ...] = (
    # title, measure, target, unit, weight, pattern, curve
    ("New-customer revenue", Measure.NUMBER, Decimal(300), "k€", 40, "back_loaded", []),
    ("Qualified meetings", Measure.NUMBER, Decimal(60), "meetings", 25, "even", []),
    ("Pipeline coverage", Measure.PERCENT, Decimal(100), "", 15, "curve", [20, 50, 80, 100]),
)


def _template_set(name: str, department: Department | None, actor: User) -> TemplateSet:
    template_set, _created = TemplateSet.objects.get_or_create(
        name=name, defaults={"department": department, "created_by": actor}
    )
    return template_set


@transaction.atomic
def demo_templates_lib_seed(*, today: dt.date | None = None) -> None:
    """The sets, their templates, and the assignment in next year's cycle."""
    today = today or timezone.localdate()
    hr = User.objects.get(email=HR_EMAIL)
    reps = _template_set("Sales representative", None, hr)
    for title, measure, target, unit, weight, pattern, curve in SALES_REP_TEMPLATES:
        ObjectiveTemplate.objects.get_or_create(
            template_set=reps,
            title=title,
            defaults={
                "measure": measure,
                "target": target,
                "unit": unit,
                "default_weight": weight,
                "pattern": pattern,
                "curve": curve,
                "description": "Shared by every account executive; adjust with your manager.",
            },
        )
    sales = Department.objects.select_related("head").get(name="Sales")
    if sales.head is not None:
        basics = _template_set("Sales onboarding", sales, sales.head)
        ObjectiveTemplate.objects.get_or_create(
            template_set=basics,
            title="Product certification",
            defaults={"measure": Measure.MILESTONE, "default_weight": 10},
        )
    cycle = AppraisalCycle.objects.filter(
        name=str(today.year + 1), state=AppraisalCycle.State.PLANNING
    ).first()
    if cycle is None:
        return
    people, _unknown = people_for_assignment(actor=hr, job_title="Account Executive")
    preview = assignment_preview(actor=hr, cycle=cycle, template_set=reps, people=people)
    template_set_assign(
        actor=hr,
        cycle=cycle,
        template_set=reps,
        people=people,
        seen=preview.fingerprint,
        others_only=True,
    )
