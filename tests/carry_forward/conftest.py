"""A year of plans to carry forward: 2026 (active) into 2027 (planning).

- Sales (headed by Maria) has "Grow sales" (in progress) and "Open an office" (achieved);
- Rob: "Orders won" (60, in progress, aligned to "Grow sales"), "Quality" (40, achieved);
- Ivy: "Calls made" (70, in progress but checked in at its target: done), "Training"
  (30, in progress, aligned to Rob's "Orders won"), "Old idea" (dropped);
- Paul: "Invoices paid" (100, in progress), and he has left the organisation.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accounts.models import Department, User
from plans.models import AppraisalCycle, Objective
from tests.factories import check_in, make_cycle, make_objective


@dataclass
class Year:
    cycle: AppraisalCycle
    grow: Objective
    office: Objective
    orders: Objective
    quality: Objective
    calls: Objective
    training: Objective
    dropped: Objective
    invoices: Objective


@pytest.fixture
def next_year(db: None) -> AppraisalCycle:
    return make_cycle(2027, state="planning")


@pytest.fixture
def year(sales: Department, manager: User, report: User, indirect_report: User, peer: User) -> Year:
    cycle = make_cycle(2026)
    grow = make_objective(cycle, department=sales, title="Grow sales", weight=70, target=1000)
    office = make_objective(
        cycle,
        department=sales,
        title="Open an office",
        weight=30,
        measure="milestone",
        target=None,
        unit="",
        status="achieved",
    )
    orders = make_objective(
        cycle,
        employee=report,
        title="Orders won",
        weight=60,
        target=120,
        description="New customers only.",
        parent=grow,
        owner=manager,
    )
    quality = make_objective(
        cycle,
        employee=report,
        title="Quality",
        weight=40,
        measure="percent",
        target=90,
        unit="",
        status="achieved",
    )
    calls = make_objective(cycle, employee=indirect_report, title="Calls made", weight=70)
    check_in(calls, 120, on=cycle.start_date, author=indirect_report)
    training = make_objective(
        cycle, employee=indirect_report, title="Training", weight=30, target=5, parent=orders
    )
    dropped = make_objective(
        cycle, employee=indirect_report, title="Old idea", weight=0, status="dropped"
    )
    invoices = make_objective(cycle, employee=peer, title="Invoices paid", weight=100)
    User.objects.filter(pk=peer.pk).update(is_active=False)
    return Year(cycle, grow, office, orders, quality, calls, training, dropped, invoices)
