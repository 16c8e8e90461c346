"""Cycle results made directly, as §3 (the results) would leave them: the calibration
tests do not depend on how results are computed."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from plans.models import AppraisalCycle
from reviews.models import CycleResult


def make_result(
    cycle: AppraisalCycle,
    employee: User,
    *,
    completion: str | int | None = 80,
    proposed: str = "Meets expectations",
    final: str = "",
) -> CycleResult:
    """``employee``'s result of ``cycle``, placed in their present department and line."""
    return CycleResult.objects.create(
        cycle=cycle,
        employee=employee,
        completion=None if completion is None else Decimal(str(completion)),
        proposed_rating=proposed,
        proposed_by=employee.manager,
        # Proposed: its figures stay as the manager saw them (results_prepare, §3).
        proposed_at=timezone.now() if proposed else None,
        final_rating=final,
        home_department_id=employee.department_id,
        line_manager_id=employee.manager_id,
    )
