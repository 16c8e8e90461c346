"""Demo review tables for ``manage.py seed_demo``: tables in every state.

Every step is taken by someone the app lets take it (``reviews.permissions``), at a
time inside the month the table belongs to (or the days after it, up to its deadline),
with words written for that table (``demo.texts``).
"""

from __future__ import annotations

import datetime as dt
import zlib
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Department, User
from demo import texts
from demo.clock import at, demo_clock
from plans.models import AppraisalCycle
from plans.months import first_of_next_month as next_month
from plans.months import first_of_previous_month as previous_month
from reviews.models import Inquiry, ReviewTable, WorkPlanItem
from reviews.permissions import table_access, tables_visible_to
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
# Who the demo prefers where the permissions allow several: the head of Finance asks
# on department tables, a Finance analyst suggests (issue 16 §6).
PREFERRED_ASKER = "daniel.kim@example.com"
PREFERRED_SUGGESTER = "zhou.xin@example.com"


def table_opened_at(month: dt.date) -> dt.datetime:
    """When a past month's table was opened for filling: the 25th, in the morning."""
    return at(month.replace(day=25), 8)


def _working_hours(earliest: dt.datetime, latest: dt.datetime) -> list[dt.datetime]:
    """The whole hours from 9:00 to 18:00 between ``earliest`` and ``latest``."""
    hours, moment = [], earliest.replace(minute=0, second=0, microsecond=0)
    while moment <= latest:
        if moment > earliest and 9 <= timezone.localtime(moment).hour <= 18:
            hours.append(moment)
        moment += dt.timedelta(hours=1)
    return hours


def _moments(table: ReviewTable, count: int, who: str) -> list[dt.datetime]:
    """``count`` moments for the table's steps, in working hours: from the first or
    second day after its month (by person), two a day; squeezed between the month's last
    day and now when the month has only just ended."""
    seed = zlib.crc32(who.encode())
    first_day = next_month(table.month) + dt.timedelta(days=seed % 2)
    # Each step at its own minute (people do not act on the same minute every day).
    ideal = [
        at(
            first_day + dt.timedelta(days=(index + 1) // 2),
            15 if index % 2 == 0 else 10,
            (seed + 23 * index) % 55,
        )
        for index in range(count)
    ]
    latest = timezone.now() - dt.timedelta(minutes=5)
    if ideal[-1] <= latest:
        return ideal
    earliest = max(at(next_month(table.month) - dt.timedelta(days=1), 9), table.created_at)
    hours = _working_hours(earliest, latest)
    if len(hours) >= count:
        # Spread over the hours there are, the last one as late as they go.
        stride = len(hours) // count
        return [hours[len(hours) - 1 - stride * (count - 1 - index)] for index in range(count)]
    if earliest >= latest:
        earliest = latest - dt.timedelta(minutes=count)
    step = (latest - earliest) / count
    return [earliest + step * (index + 1) for index in range(count)]


def _fill(table: ReviewTable, who: str) -> tuple[list[str], list[str]]:
    """Fill a draft the way its assessee would: actuals, reasons, summary, plan.
    Returns the titles on plan and those behind."""
    on_plan: list[str] = []
    behind: list[str] = []
    for row in table.rows.all():
        if row.actual is None:
            row.actual = row.planned if row.planned is not None else Decimal(0)
        if row.has_gap and not row.has_gap_reason:
            row.gap_reason = texts.gap_reason(
                title=row.title, month=table.month, planned=row.planned, actual=row.actual, who=who
            )
        row.save(update_fields=["actual", "gap_reason"])
        (behind if row.has_gap else on_plan).append(row.title)
    for index, item in enumerate(table.work_items.filter(kind=WorkPlanItem.Kind.CARRIED)):
        item.outcome = WorkPlanItem.Outcome.DONE if index == 0 else WorkPlanItem.Outcome.PARTLY
        item.save(update_fields=["outcome"])
    table.summary = texts.summary(who=who, month=table.month, on_plan=on_plan, behind=behind)
    table.save(update_fields=["summary"])
    plan_month = next_month(table.month)
    items = texts.work_plan(who=who, month=table.month, titles=behind or on_plan)
    for position, (title, target) in enumerate(items):
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
    return on_plan, behind


def _allowed(people: list[User], table: ReviewTable, preferred: str) -> User | None:
    """The preferred person if the permissions let them question ``table``, else the
    first of ``people`` who may (the same checks the table's page makes)."""
    ordered = sorted(people, key=lambda person: (person.email != preferred, person.email))
    for person in ordered:
        if (
            tables_visible_to(person).filter(pk=table.pk).exists()
            and table_access(person, table).can_ask
        ):
            return person
    return None


def _questioners(table: ReviewTable, reviewer: User) -> tuple[User, User | None]:
    """Who asks the question and who (on a department's table) suggests: a person's
    table is questioned by its reviewer; a department's by another department's head,
    and a member of another department suggests."""
    if not table.department_id:
        return reviewer, None
    heads = list(
        User.objects.filter(is_active=True, headed_departments__isnull=False)
        .exclude(headed_departments=table.department_id)
        .distinct()
    )
    members = list(
        User.objects.filter(
            is_active=True, headed_departments__isnull=True, department__isnull=False
        )
    )
    asker = _allowed(heads, table, PREFERRED_ASKER) or reviewer
    return asker, _allowed(members, table, PREFERRED_SUGGESTER)


def _reach(table: ReviewTable, state: str, assessee: User, reviewer: User) -> None:
    if table.status != ReviewTable.Status.DRAFT or state == "draft":
        return
    who = str(table.department or table.employee)
    _on_plan, behind = _fill(table, who)
    steps = {"submitted": 1, "returned": 2, "in_review": 4, "finalised": 7}[state]
    moments = iter(_moments(table, steps, who))
    with demo_clock(next(moments)):
        review_table_transition(actor=assessee, table=table, action="submit")
    if state == "submitted":
        return
    main = (behind or [row.title for row in table.rows.all()] or ["the plan"])[0]
    if state == "returned":
        with demo_clock(next(moments)):
            review_table_transition(
                actor=reviewer,
                table=table,
                action="return",
                comment=texts.return_comment(who=who, month=table.month, title=main),
            )
        return
    with demo_clock(next(moments)):
        review_table_transition(actor=reviewer, table=table, action="start_review")
    asker, suggester = _questioners(table, reviewer)
    named = [
        name
        for row in table.rows.all()
        if row.title == main
        for name in texts.customers_in(row.gap_reason)
    ]
    question, answer = texts.inquiry(who=who, month=table.month, title=main, named=named)
    with demo_clock(next(moments)):
        inquiry = inquiry_ask(actor=asker, table=table, question=question)
    suggestion = None
    with demo_clock(next(moments)):
        if suggester is not None:
            # A member of another department (not its head) suggests an improvement
            # (issue 16 §6); the reviewer sees it in the summary area of the table.
            suggestion = inquiry_ask(
                actor=suggester,
                table=table,
                question=texts.department_suggestion(department=who, month=table.month, title=main),
                kind=Inquiry.Kind.SUGGESTION,
            )
    if state == "in_review":
        return
    with demo_clock(next(moments)):
        inquiry_answer(actor=assessee, inquiry=inquiry, answer=answer)
        if suggestion is not None:
            inquiry_answer(
                actor=assessee,
                inquiry=suggestion,
                answer=texts.suggestion_answer(department=who, month=table.month),
            )
    table.refresh_from_db()
    summary, suggestions, expectations = texts.review(who=who, month=table.month, behind=behind)
    with demo_clock(next(moments)):
        review_table_review(
            actor=reviewer,
            table=table,
            version=table.version,
            reviewer_summary=summary,
            suggestions=suggestions,
            expectations=expectations,
            rating="Meets expectations",
        )
    table.refresh_from_db()
    with demo_clock(next(moments)):
        review_table_transition(actor=reviewer, table=table, action="finalise")


def demo_table(
    *,
    cycle: AppraisalCycle,
    month: dt.date,
    employee: User | None = None,
    department: Department | None = None,
) -> ReviewTable:
    """The subject's table of ``month``, opened (if new) on the month's 25th."""
    with demo_clock(table_opened_at(month)):
        return review_table_for(cycle=cycle, month=month, employee=employee, department=department)


@transaction.atomic
def demo_reviews_seed(*, cycle: AppraisalCycle, today: dt.date | None = None) -> None:
    """Past months' tables brought to every state, then this month's drafts for everyone."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    for back, subject, state in PLAN:
        month = this_month
        for _step in range(back):
            month = previous_month(month)
        if month < cycle.start_date.replace(day=1):
            continue
        if "@" in subject:
            person = User.objects.select_related("manager").get(email=subject)
            table = demo_table(cycle=cycle, month=month, employee=person)
            assessee, reviewer = person, person.manager or person
        else:
            department = Department.objects.select_related("head", "parent__head").get(name=subject)
            table = demo_table(cycle=cycle, month=month, department=department)
            assert department.head and department.parent and department.parent.head  # noqa: S101
            assessee, reviewer = department.head, department.parent.head
        _reach(table, state, assessee, reviewer)
    # This month's tables, all drafts, for everyone with objectives.
    review_tables_generate(cycle=cycle, month=this_month)
