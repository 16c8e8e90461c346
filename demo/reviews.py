"""Demo review tables for ``manage.py seed_demo``: tables in every state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Department, User
from plans.models import AppraisalCycle
from plans.months import first_of_next_month as next_month
from plans.months import first_of_previous_month as previous_month
from reviews.models import Inquiry, ReviewTable, WorkPlanItem
from reviews.services import review_table_for, review_table_review, review_tables_generate
from reviews.workflow import inquiry_answer, inquiry_ask, review_table_transition

# (months back, subject, state the table should reach)
PLAN = [
    (2, "emma.wilson@example.com", "finalised"),
    (2, "wang.fang@example.com", "finalised"),
    (2, "lucas.silva@example.com", "finalised"),
    (1, "emma.wilson@example.com", "in_review"),
    (1, "wang.fang@example.com", "draft"),
    (1, "lucas.silva@example.com", "returned"),
    (1, "ravi.patel@example.com", "submitted"),
    (1, "Sales East", "in_review"),
]


def _fill(table: ReviewTable, actor: User) -> None:
    """Fill a draft the way its assessee would: actuals, reasons, summary, plan."""
    for row in table.rows.all():
        if row.actual is None:
            row.actual = row.planned if row.planned is not None else Decimal(0)
        if row.has_gap and not row.gap_reason:
            row.gap_reason = "Two large deals slipped to next month."
        row.save(update_fields=["actual", "gap_reason"])
    for index, item in enumerate(table.work_items.filter(kind=WorkPlanItem.Kind.CARRIED)):
        item.outcome = WorkPlanItem.Outcome.DONE if index == 0 else WorkPlanItem.Outcome.PARTLY
        item.save(update_fields=["outcome"])
    table.summary = (
        "Most objectives are on plan. The main gap is new revenue: two deals moved to next "
        "month; I have agreed dates with both customers."
    )
    table.save(update_fields=["summary"])
    plan_month = next_month(table.month)
    for position, (title, target) in enumerate(
        [("Close the two delayed deals", "2 signed contracts"), ("Run product demos", "6 demos")]
    ):
        WorkPlanItem.objects.get_or_create(
            table=table,
            kind=WorkPlanItem.Kind.NEXT,
            title=title,
            defaults={
                "target": target,
                "due_date": plan_month.replace(day=20),
                "position": position,
            },
        )
    table.refresh_from_db()


def _reach(table: ReviewTable, state: str, assessee: User, reviewer: User, asker: User) -> None:
    if table.status != ReviewTable.Status.DRAFT or state == "draft":
        return
    _fill(table, assessee)
    review_table_transition(actor=assessee, table=table, action="submit")
    if state == "submitted":
        return
    if state == "returned":
        review_table_transition(
            actor=reviewer,
            table=table,
            action="return",
            comment="Please explain the renewal gap in more detail.",
        )
        return
    review_table_transition(actor=reviewer, table=table, action="start_review")
    # Other departments' heads question department tables; a person's table is
    # questioned by their reviewer (as the permissions allow, and the pages show).
    inquiry = inquiry_ask(
        actor=asker if table.department_id else reviewer,
        table=table,
        question="Which customers do the delayed deals belong to?",
    )
    suggestion = None
    if table.department_id:
        # A member of another department (not its head) suggests an improvement
        # (issue 16 §6); the reviewer sees it in the summary area of the table.
        suggestion = inquiry_ask(
            actor=User.objects.get(email="zhou.xin@example.com"),  # analyst in Finance
            table=table,
            question="Share the delayed deals' payment terms with Finance before signing.",
            kind=Inquiry.Kind.SUGGESTION,
        )
    if state == "in_review":
        return
    inquiry_answer(actor=assessee, inquiry=inquiry, answer="Northwind Foods and Lakeside Retail.")
    if suggestion is not None:
        inquiry_answer(actor=assessee, inquiry=suggestion, answer="Agreed: from next month.")
    table.refresh_from_db()
    review_table_review(
        actor=reviewer,
        table=table,
        version=table.version,
        reviewer_summary="A solid month; the revenue gap is understood and has a plan.",
        suggestions="Qualify deals earlier so that slips show up sooner.",
        expectations="Close both delayed deals and keep satisfaction above 90 %.",
        rating="Meets expectations",
    )
    table.refresh_from_db()
    review_table_transition(actor=reviewer, table=table, action="finalise")


@transaction.atomic
def demo_reviews_seed(*, cycle: AppraisalCycle, today: dt.date | None = None) -> None:
    """Past months' tables brought to every state, then this month's drafts for everyone."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    asker = User.objects.get(email="daniel.kim@example.com")  # head of Finance
    for back, subject, state in PLAN:
        month = this_month
        for _step in range(back):
            month = previous_month(month)
        if month < cycle.start_date.replace(day=1):
            continue
        if "@" in subject:
            person = User.objects.select_related("manager").get(email=subject)
            table = review_table_for(cycle=cycle, month=month, employee=person)
            assessee, reviewer = person, person.manager or person
        else:
            department = Department.objects.select_related("head", "parent__head").get(name=subject)
            table = review_table_for(cycle=cycle, month=month, department=department)
            assert department.head and department.parent and department.parent.head  # noqa: S101
            assessee, reviewer = department.head, department.parent.head
        _reach(table, state, assessee, reviewer, asker)
    # This month's tables, all drafts, for everyone with objectives.
    review_tables_generate(cycle=cycle, month=this_month)
