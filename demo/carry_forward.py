"""Next year's demo cycle carried forward from this year (issue 17 §2), for
``manage.py seed_demo``: HR (Sofia Rossi) opened next year's cycle and carried this
year's unfinished objectives into it, so Emma Wilson and her manager Priya Nair find
"carried from <this year>" on Emma's and Sales East's plans of next year. Ben Carter,
who left, is skipped; Emma's negotiation course, done by its check-ins, stays behind.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from plans.carry_forward import cycle_carry_forward
from plans.models import AppraisalCycle
from plans.template_models import CarryForward

HR_EMAIL = "sofia.rossi@example.com"


@transaction.atomic
def demo_carry_forward_seed(*, today: dt.date | None = None) -> None:
    """Carry this year's unfinished objectives into next year's cycle, once. Idempotent:
    a cycle carried forward already is left alone."""
    today = today or timezone.localdate()
    cycle = AppraisalCycle.objects.filter(name=str(today.year + 1)).first()
    source = AppraisalCycle.objects.filter(name=str(today.year)).first()
    hr = User.objects.filter(email=HR_EMAIL).first()
    if cycle is None or source is None or hr is None or cycle.carried_at is not None:
        return
    cycle_carry_forward(
        actor=hr,
        cycle=cycle,
        source=source,
        which=CarryForward.UNFINISHED,
        version=cycle.version,
    )
