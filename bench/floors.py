"""The *floor* of each measured page: what Django itself needs to serve the same data.

Each floor view is served through the same middleware, session and login as the
real page, fetches the data the page shows with the fewest queries (values,
one aggregate or subquery per list) and renders it with a trivial template.
bench/run.py serves them from bench/urls.py; the product never routes here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf, TruncMonth
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.utils import timezone

from accounts.models import Department, User
from coaching.facts import PerformanceFact
from coaching.models import (
    ActionItem,
    Checkpoint,
    CoachingSession,
    CoachingType,
    ImprovementPlan,
)
from coaching.trajectory import STUCK_MONTHS, trajectory_period
from plans.models import AppraisalCycle, CheckIn, Objective, PerformancePlan, TargetCheck
from plans.months import first_of_previous_month, month_end, months_between
from plans.selectors import current_cycle, with_progress
from reviews.calibration_models import CalibrationEvent
from reviews.conversation_models import ReviewConversation
from reviews.models import (
    Calibration,
    CycleResult,
    Inquiry,
    RatingAdjustment,
    ReviewEvent,
    ReviewRow,
    ReviewTable,
    WorkPlanItem,
)

TRIVIAL = engines["django"].from_string(
    "<!doctype html><title>floor</title>{% for row in rows %}<p>{{ row }}</p>{% endfor %}"
)
PROGRESS = (
    "title",
    "weight",
    "measure",
    "target",
    "previous_planned",
    "upcoming_planned",
    "actual_now",
    "confidence_now",
)


def _render(request: HttpRequest, *lists: Iterable[Any]) -> HttpResponse:
    rows = [row for part in lists for row in part]
    return HttpResponse(TRIVIAL.render({"rows": rows}, request))


def _person(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def team(request: HttpRequest) -> HttpResponse:
    manager = _person(request)
    cycle = current_cycle()
    agreed = PerformancePlan.objects.filter(
        cycle=cycle,
        employee=OuterRef("pk"),
        employee_confirmed_at__isnull=False,
        manager_confirmed_at__isnull=False,
    )
    people = (
        User.objects.filter(manager=manager, is_active=True)
        .annotate(agreed=Exists(agreed))
        .values_list("full_name", "job_title", "agreed")
    )
    objectives = with_progress(
        Objective.objects.filter(cycle=cycle, employee__manager=manager)
    ).values_list("employee_id", *PROGRESS)
    # Also on the page: its cycle picker, and "To follow up": how many results wait for
    # the manager's proposal (in cycles not calibrated yet) and the open checkpoints they
    # coach. The results of their team the page's way (a union, each on its own index).
    cycles = AppraisalCycle.objects.values_list("pk", "name")
    team_results = (
        CycleResult.objects.filter(line_manager_id=manager.pk)
        .order_by()
        .values("pk")
        .union(
            CycleResult.objects.filter(employee__manager_id=manager.pk).order_by().values("pk"),
            CycleResult.objects.filter(department__parent__head_id=manager.pk)
            .order_by()
            .values("pk"),
        )
    )
    not_calibrated = Q(cycle__calibration__isnull=True) | Q(
        cycle__calibration__done_at__isnull=True, cycle__calibration__published_at__isnull=True
    )
    to_propose = CycleResult.objects.filter(
        not_calibrated, proposed_at__isnull=True, pk__in=team_results
    ).aggregate(n=Count("pk"))
    checkpoints = (
        Checkpoint.objects.filter(
            answered_at__isnull=True, objective__employee__manager_id=manager.pk
        )
        .order_by("month")
        .values_list("pk", "month", "objective__title", "objective__employee__full_name")[:6]
    )
    return _render(request, people, objectives, cycles, [to_propose], checkpoints)


def my_objectives(request: HttpRequest) -> HttpResponse:
    objectives = with_progress(
        Objective.objects.filter(cycle=current_cycle(), employee=_person(request))
    ).values_list(*PROGRESS)
    return _render(request, objectives)


OVERVIEW = (
    "full_name",
    "job_title",
    "last_on",
    "last_type",
    "sessions",
    "open_items",
    "overdue_items",
)


def overview(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    sessions = CoachingSession.objects.filter(employee=OuterRef("pk")).order_by("-held_on")
    items = ActionItem.objects.filter(session__employee=OuterRef("pk"), done_at__isnull=True)

    def count(queryset: Any) -> Subquery:
        per_person = queryset.values("session__employee").annotate(n=Count("pk"))
        return Subquery(per_person.values("n")[:1])

    planned = CoachingSession.objects.filter(employee=OuterRef("pk"), held_on__gt=today)
    people = list(
        User.objects.filter(manager=_person(request), is_active=True)
        .annotate(
            last_on=Subquery(sessions.values("held_on")[:1]),
            last_type=Subquery(sessions.values("type")[:1]),
            sessions=Count("sessions_received"),
            open_items=count(items),
            overdue_items=count(items.filter(due_date__lt=today)),
            next_planned=Subquery(planned.order_by("held_on").values("held_on")[:1]),
        )
        .values_list("pk", *OVERVIEW, "next_planned")
    )
    # Also on the page: each person's trajectory in plain words, read from their
    # sessions by month and type over the period (the active cycle's months, or the
    # last twelve) and the months the stuck rule looks back at.
    first, last = trajectory_period(today=today)
    lookback = last
    for _step in range(STUCK_MONTHS):
        lookback = first_of_previous_month(lookback)
    by_month = (
        CoachingSession.objects.filter(
            employee_id__in=[row[0] for row in people],
            held_on__gte=min(first, lookback),
            held_on__lte=min(month_end(last), today),
        )
        .annotate(month=TruncMonth("held_on"))
        .values_list("employee_id", "month", "type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _render(request, people, by_month)


def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    sessions = CoachingSession.objects.filter(employee_id=pk).values_list(
        "held_on", "type", "duration_minutes", "coach__full_name", "note"
    )[:100]
    checkins = CheckIn.objects.filter(objective__employee_id=pk).values_list(
        "recorded_on", "objective__title", "value", "objective__unit", "confidence"
    )[:100]
    items = ActionItem.objects.filter(session__employee_id=pk).values_list(
        "due_date", "title", "owner__full_name", "done_at"
    )[:100]
    # Also on the page: the person's performance facts, improvement plans (each with its
    # review dates) and the coaching trajectory, whose lag column reads the phase-target
    # verdicts of the current cycle's months (its session and confidence columns are
    # counted from the sessions and check-ins above).
    facts = PerformanceFact.objects.filter(employee_id=pk).values_list(
        "observed_on", "kind", "private", "observed", "objective__title", "author__full_name"
    )
    plans = ImprovementPlan.objects.filter(employee_id=pk).values_list(
        "opened_on", "objective__title", "outcome", "review_dates"
    )[:50]
    today = timezone.localdate()
    cycle_start = AppraisalCycle.objects.filter(
        state=AppraisalCycle.State.ACTIVE, start_date__lte=today, end_date__gte=today
    ).values("start_date")[:1]
    verdicts = (
        TargetCheck.objects.filter(
            objective__employee_id=pk, month__gte=Subquery(cycle_start), month__lte=today
        )
        .exclude(objective__status=Objective.Status.DROPPED)
        .order_by()  # the trajectory groups them by month: no join to order them
        .values_list("month", "planned", "reached", "met", "objective__weight")
    )
    # The title: "Timeline of" the person.
    person = User.objects.filter(pk=pk).values_list("full_name")
    return _render(request, person, sessions, checkins, items, facts, plans, verdicts)


def review_table(request: HttpRequest, pk: int) -> HttpResponse:
    rows = ReviewRow.objects.filter(table_id=pk).values_list(
        "table__month",
        "table__status",
        "table__employee__full_name",
        "title",
        "planned",
        "actual",
        "gap_reason",
        "gap_reason_outside",
    )
    questions = Inquiry.objects.filter(table_id=pk).values_list("question", "answer")
    plan = WorkPlanItem.objects.filter(table_id=pk).values_list("title", "target", "due_date")
    history = ReviewEvent.objects.filter(table_id=pk).values_list("kind", "at", "actor__full_name")
    # What the page also shows of the table's subject and month: its cycle and reviewer,
    # the review conversation and whether the subject's plan of the cycle is agreed (each
    # one value: a subquery), and the month's performance facts (a list: a query).
    conversation = ReviewConversation.objects.filter(table_id=OuterRef("pk"))
    agreed = PerformancePlan.objects.filter(
        cycle_id=OuterRef("cycle_id"), employee_id=OuterRef("employee_id")
    )
    employee_id, month, *table = (
        ReviewTable.objects.annotate(
            held_on=Subquery(conversation.values("session__held_on")[:1]),
            coach=Subquery(conversation.values("session__coach__full_name")[:1]),
            employee_confirmed=Subquery(agreed.values("employee_confirmed_at")[:1]),
            manager_confirmed=Subquery(agreed.values("manager_confirmed_at")[:1]),
        )
        .values_list(
            "employee_id",
            "month",
            "cycle__name",
            "reviewer__full_name",
            "held_on",
            "coach",
            "employee_confirmed",
            "manager_confirmed",
        )
        .get(pk=pk)
    )
    facts = PerformanceFact.objects.filter(
        employee_id=employee_id, observed_on__year=month.year, observed_on__month=month.month
    ).values_list(
        "observed_on", "kind", "private", "observed", "objective__title", "author__full_name"
    )
    return _render(request, rows, questions, plan, history, table, facts)


def to_review(request: HttpRequest) -> HttpResponse:
    """The first fifty of the team's tables; with the cycle's state (whether the deadline
    counts down), the department of the time, and the count of them all (the pages)."""
    team = ReviewTable.objects.filter(employee__manager=_person(request))
    tables = (
        team.annotate(open=Count("inquiries", filter=Q(inquiries__answered_at__isnull=True)))
        .order_by("-month")
        .values_list(
            "employee__full_name",
            "month",
            "status",
            "deadline",
            "open",
            "cycle__state",
            "home_department__name",
        )[:50]
    )
    return _render(request, tables, [team.count()])


def my_tables(request: HttpRequest) -> HttpResponse:
    """The person's tables: month, status, deadline (counting down while the cycle is
    open), who with the department of the time, and the open questions of each (a
    subquery: an index lookup a table, cheaper than grouping a join)."""
    open_questions = (
        Inquiry.objects.filter(table=OuterRef("pk"), answered_at__isnull=True)
        .values("table")
        .annotate(n=Count("pk"))
    )
    tables = (
        ReviewTable.objects.filter(employee=_person(request))
        .annotate(open=Subquery(open_questions.values("n")))
        .order_by("-month")
        .values_list(
            "month",
            "status",
            "deadline",
            "open",
            "cycle__state",
            "employee__full_name",
            "home_department__name",
        )
    )
    return _render(request, tables)


def dashboard(request: HttpRequest) -> HttpResponse:
    month = dt.date.fromisoformat(request.GET.get("month", "2026-10") + "-01")
    today = timezone.localdate()
    open_ = ("draft", "returned")
    completion = (
        ReviewTable.objects.filter(month=month)
        .values("employee__department__name")
        .annotate(
            n=Count("pk"),
            **{s: Count("pk", filter=Q(status=s)) for s in ReviewTable.Status.values},
        )
        .values_list("employee__department__name", "n", *ReviewTable.Status.values)
    )
    late = (
        ReviewTable.objects.filter(status__in=open_, deadline__lt=today)
        .exclude(cycle__state="closed")
        .exclude(employee__is_active=False)
        .order_by("deadline")
        .values_list("employee__full_name", "month", "deadline", "employee__manager__full_name")[
            :50
        ]
    )
    managers = (
        User.objects.filter(direct_reports__is_active=True)
        .values("full_name")
        .annotate(n=Count("direct_reports"))
        .values_list("pk", "full_name", "n")
    )
    since = today - dt.timedelta(days=30)
    sessions = (
        CoachingSession.objects.values("coach_id")
        .annotate(
            last=Max("held_on"),
            **{t: Count("pk", filter=Q(type=t, held_on__gte=since)) for t in CoachingType.values},
        )
        .values_list("coach_id", "last", *CoachingType.values)
    )
    lagging = (
        Objective.objects.filter(cycle=current_cycle(), employee__is_active=True)
        .values("employee__department__name")
        .annotate(n=Count("pk"), lagging=Count("pk", filter=Q(progress_state="lagging")))
        .values_list("employee__department__name", "n", "lagging")
    )
    # The late tables' count (the page's badge beside the list of the first fifty).
    late_count = (
        ReviewTable.objects.filter(status__in=open_, deadline__lt=today)
        .exclude(cycle__state="closed")
        .exclude(employee__is_active=False)
        .count()
    )
    # The coaching mix: sessions held by month and type, the twelve months to ``month``.
    mix = (
        CoachingSession.objects.filter(
            held_on__gte=months_between(month.replace(year=month.year - 1), month)[-12],
            held_on__lte=min(today, month_end(month)),
        )
        .annotate(month=TruncMonth("held_on"))
        .values("month", "type")
        .annotate(n=Count("pk"))
        .values_list("month", "type", "n")
    )
    # The page shows 20 managers at a time, so does the floor.
    return _render(
        request,
        completion,
        late,
        [late_count],
        list(managers)[:20],
        list(sessions)[:20],
        lagging,
        mix,
    )


def calibration(request: HttpRequest, pk: int) -> HttpResponse:
    """The calibration page's data: ratings by department and by manager, a page of people
    with their adjustments."""
    rating = Coalesce(NullIf(F("final_rating"), Value("")), F("proposed_rating"))
    results = CycleResult.objects.filter(cycle_id=pk, employee__isnull=False).annotate(
        rating=rating
    )
    by_department = (
        results.order_by()
        .values("home_department__name", "rating")
        .annotate(n=Count("pk"))
        .values_list("home_department__name", "rating", "n")
    )
    by_manager = (
        results.order_by()
        .values("line_manager__full_name", "rating")
        .annotate(n=Count("pk"))
        .values_list("line_manager__full_name", "rating", "n")
    )
    page = list(
        results.order_by("employee__full_name", "pk").values_list(
            "pk",
            "employee__full_name",
            "home_department__name",
            "line_manager__full_name",
            "completion",
            "proposed_rating",
            "rating",
        )[:50]
    )
    adjustments = RatingAdjustment.objects.filter(result_id__in=[row[0] for row in page])
    count = results.count()
    # What the page also shows: the calibration's state, with its cycle's name (the title)
    # and rating scale (the tables' columns), its participants and its history, and the
    # departments of the people filter.
    state = Calibration.objects.filter(cycle_id=pk).values_list(
        "done_at", "published_at", "version", "cycle__name", "cycle__rating_scale"
    )
    participants = User.objects.filter(calibrations__cycle_id=pk).values_list("full_name")
    events = CalibrationEvent.objects.filter(calibration__cycle_id=pk).values_list(
        "at", "actor__full_name", "step", "reason"
    )
    departments = Department.objects.values_list("pk", "name")
    return _render(
        request,
        by_department,
        list(by_manager)[:20],
        page,
        adjustments.values_list("at", "actor__full_name", "from_rating", "to_rating", "reason"),
        [count],
        state,
        participants,
        events,
        departments,
    )


_VIEWS: dict[str, Callable[..., HttpResponse]] = {
    "team": team,
    "my_objectives": my_objectives,
    "overview": overview,
    "timeline": timeline,
    "review_table": review_table,
    "to_review": to_review,
    "my_tables": my_tables,
    "dashboard": dashboard,
    "calibration": calibration,
}
FLOORS = {name: login_required(view) for name, view in _VIEWS.items()}
