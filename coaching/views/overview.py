"""A manager's coaching overview of the team, and one person's timeline."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.http import user_of
from accounts.links import pk_url_parts
from accounts.page_cache import cached_page
from accounts.table_memo import memo_page
from coaching.forms import OverviewFilterForm
from coaching.models import CoachingType
from coaching.overview_selectors import overview_details, overview_people
from coaching.permissions import can_coach, can_read_session_content
from coaching.questions import NINE_QUESTIONS
from coaching.timeline import (
    counted_from,
    reads_whole_record,
    timeline_action_items,
    timeline_checkins,
    timeline_facts,
    timeline_plans,
    timeline_sessions,
)
from coaching.trajectory import person_trajectory, trajectories_of, trajectory_period
from plans.permissions import get_employee_subject

OVERVIEW_PAGE_SIZE = 50


@cached_page
@login_required
def coaching_overview(request: HttpRequest) -> HttpResponse:
    """Every report with the last session, days since, and open action items."""
    user = user_of(request)
    filters = OverviewFilterForm(request.GET)
    indirect = bool(filters.value("indirect"))
    chosen_type: str = filters.value("type") or ""
    since = filters.value("since")
    stuck = bool(filters.value("stuck"))
    today = timezone.localdate()
    # Paged in the database and kept until a table it reads changes (accounts.table_memo);
    # the last session's type and the count are computed for the page's rows only.
    page = memo_page(
        overview_people(
            user=user,
            indirect=indirect,
            coaching_type=chosen_type,
            since=since,
            today=today,
            stuck=stuck,
        ),
        OVERVIEW_PAGE_SIZE,
        request.GET.get("page"),
    )
    people = list(page.object_list)
    details = overview_details(
        employee_ids=[person.pk for person in people],
        coaching_type=chosen_type,
        since=since,
        today=today,
    )
    # Each row's trajectory in plain words: three queries for the whole page.
    first, last = trajectory_period(today=today)
    trajectories = trajectories_of(
        employee_ids=[person.pk for person in people],
        first_month=first,
        last_month=last,
        today=today,
        with_progress=False,
    )
    # The links and labels the rows share: reversed and translated once, not per row.
    timeline_before, timeline_after = pk_url_parts("coaching:timeline")
    type_labels = dict(CoachingType.choices)
    rows = []
    for person in people:
        held_on = person.last_held_on
        detail = details[person.pk]
        kind = detail["last_type"]
        rows.append(
            {
                "person": person,
                "timeline_url": f"{timeline_before}{person.pk}{timeline_after}",
                "last_held_on": held_on,
                "last_type": kind,
                "last_type_label": type_labels.get(kind, "") if kind else "",
                "days_since": (today - held_on).days if held_on else None,
                "sessions": detail["sessions"],
                "next_planned": detail["next_planned"],
                "open_items": detail["open_items"],
                "overdue_items": detail["overdue_items"],
                "trajectory": trajectories[person.pk],
            }
        )
    return render(
        request,
        "coaching/overview.html",
        {
            "rows": rows,
            "page": page,
            "filters": filters,
            "indirect": indirect,
            "chosen_type": chosen_type,
            "since": since,
            "stuck": stuck,
            "types": CoachingType.choices,
        },
    )


@login_required
def person_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """Sessions, check-ins, action items, performance facts and improvement plans (opened,
    reviews) of one person, newest first."""
    user = user_of(request)
    person = get_employee_subject(user, pk)
    whole = reads_whole_record(user, person)
    sessions = timeline_sessions(user=user, person=person, whole=whole)
    checkins = timeline_checkins(user=user, person=person, whole=whole)
    readable = {s.pk for s in sessions if can_read_session_content(user, s)}
    items = timeline_action_items(sessions=sessions, readable=readable)
    today = timezone.localdate()
    plans = timeline_plans(user=user, person=person, whole=whole)
    facts = timeline_facts(user=user, person=person)
    events: list[dict[str, Any]] = (
        [
            {"kind": "session", "on": s.held_on, "session": s, "content": s.pk in readable}
            for s in sessions
        ]
        + [{"kind": "checkin", "on": c.recorded_on, "checkin": c} for c in checkins]
        + [{"kind": "action", "on": i.due_date or i.session.held_on, "item": i} for i in items]
        + [
            {
                "kind": "plan",
                "on": plan.opened_on,
                "plan": plan,
                "outcome_due": plan.outcome_due(today),
                "next_review": plan.next_review_on(today),
            }
            for plan in plans
        ]
        + [{"kind": "fact", "on": f.observed_on, "fact": f} for f in facts]
        + [
            {"kind": "plan_review", "on": day, "plan": plan}
            for plan in plans
            for day in plan.review_days
        ]
    )
    events.sort(key=lambda event: event["on"], reverse=True)
    return render(
        request,
        "coaching/timeline.html",
        {
            "person": person,
            "events": events,
            "can_coach": can_coach(user, employee=person),
            "question_total": len(NINE_QUESTIONS),
            "today": today,
            "trajectory": person_trajectory(
                viewer=user,
                person=person,
                today=today,
                counted=counted_from(sessions=sessions, checkins=checkins),
            ),
        },
    )
