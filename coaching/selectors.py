"""Reads of coaching: the suggested kind of coaching, sessions held, open action items,
and every list the coaching pages show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.inputs import parse_sane_dates
from accounts.models import Department, User
from accounts.selectors import reports_of
from coaching.models import (
    ActionItem,
    CalendarFeed,
    CoachingSession,
    CoachingType,
    ImprovementPlan,
    SessionObjective,
)
from coaching.permissions import (
    can_read_session_content,
    improvement_plans_of_subject,
    improvement_plans_visible_to,
    sessions_visible_to,
)
from plans.models import AppraisalCycle, CheckIn, Objective
from plans.permissions import objectives_visible_to
from plans.selectors import ProgressState, current_cycle, objective_progress, with_progress

RECENT_DAYS = 30


@dataclass(frozen=True)
class TypeSuggestion:
    type: str
    reason: str


def held_by(today: dt.date, *, via: str = "") -> Q:
    """Sessions held on or before ``today`` (the organisation's day); ``via`` is the path
    to the session ("sessions_received__"). A session dated later is planned: it is no
    coaching yet, so it counts for no "last session", "days since" or coverage."""
    return Q(**{f"{via}held_on__lte": today})


def coaching_type_suggest(*, employee: User, today: dt.date | None = None) -> TypeSuggestion:
    """Suggest one of the three kinds of coaching, with the reason in one sentence.

    The rule, in order (documented in the README):
    1. no objectives with targets in the current cycle → specific instruction;
    2. objectives lag the plan and the last two sessions were already directional
       guidance → specific instruction (guidance has not been enough);
    3. any objective lags the plan, or recent confidence is 2 or lower →
       directional guidance;
    4. otherwise (everything on track or done) → encouragement & promotion.
    """
    today = today or timezone.localdate()
    cycle = current_cycle()
    objectives = (
        list(
            with_progress(
                Objective.objects.filter(cycle=cycle, employee=employee)
                .exclude(status=Objective.Status.DROPPED)
                .select_related("cycle"),
                today=today,
            )
        )
        if cycle
        else []
    )
    states = [objective_progress(o, today=today).state for o in objectives]
    planned = [s for s in states if s != ProgressState.NO_PLAN]
    lagging = sum(1 for s in planned if s == ProgressState.LAGGING)
    confidences = list(
        CheckIn.objects.filter(
            objective__in=objectives, recorded_on__gte=today - dt.timedelta(days=RECENT_DAYS)
        )
        .order_by("-recorded_on", "-created_at")
        .values_list("confidence", flat=True)[:5]
    )
    last_types = list(
        CoachingSession.objects.filter(held_by(today), employee=employee)
        .order_by("-held_on", "-created_at")
        .values_list("type", flat=True)[:2]
    )
    low = confidences[0] if confidences and confidences[0] <= 2 else None
    if not planned:
        return TypeSuggestion(
            CoachingType.INSTRUCTION,
            str(
                _(
                    "No objectives with monthly targets yet: specific instruction — set them "
                    "and break the work into steps together."
                )
            ),
        )
    if lagging and last_types == [CoachingType.GUIDANCE, CoachingType.GUIDANCE]:
        return TypeSuggestion(
            CoachingType.INSTRUCTION,
            ngettext(
                "%(lagging)d of %(total)d objective still lags the plan after two guidance "
                "sessions: specific instruction — break the work into steps and track them.",
                "%(lagging)d of %(total)d objectives still lag the plan after two guidance "
                "sessions: specific instruction — break the work into steps and track them.",
                len(planned),
            )
            % {"lagging": lagging, "total": len(planned)},
        )
    if lagging or low is not None:
        parts = []
        if lagging:
            parts.append(
                ngettext(
                    "%(lagging)d of %(total)d objective lags the plan",
                    "%(lagging)d of %(total)d objectives lag the plan",
                    len(planned),
                )
                % {"lagging": lagging, "total": len(planned)}
            )
        if low is not None:
            parts.append(str(_("confidence fell to %(confidence)d")) % {"confidence": low})
        return TypeSuggestion(
            CoachingType.GUIDANCE,
            str(_("%(facts)s: directional guidance — point the way and remove obstacles."))
            % {"facts": str(_(" and ")).join(parts)},
        )
    return TypeSuggestion(
        CoachingType.ENCOURAGEMENT,
        ngettext(
            "%(total)d of %(total)d objective is on track or done: encouragement and "
            "promotion — praise a concrete example and suggest the next step.",
            "%(total)d of %(total)d objectives are on track or done: encouragement and "
            "promotion — praise a concrete example and suggest the next step.",
            len(planned),
        )
        % {"total": len(planned)},
    )


def open_action_items_for(user: User) -> QuerySet[Any]:
    """Open action items the person owns, or agreed in sessions they are part of."""
    # The person's sessions first: an OR across the join would scan every item.
    sessions = list(
        CoachingSession.objects.filter(Q(employee=user) | Q(coach=user)).values_list(
            "pk", flat=True
        )
    )
    # Not the steps of sessions of a closed cycle: read-only (issue 15 §4).
    closed_link = SessionObjective.objects.filter(
        session_id=OuterRef("session_id"), objective__cycle__state=AppraisalCycle.State.CLOSED
    )
    return (
        ActionItem.objects.filter(done_at__isnull=True)
        .filter(Q(owner=user) | Q(session_id__in=sessions))
        .exclude(Exists(closed_link))
        # Nor those of a person who has left: their sessions are a record.
        .exclude(session__employee__is_active=False)
        .select_related("session__employee", "session__department", "owner")
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )


# --- Lists of the coaching pages ----------------------------------------------------


def quick_note_people(*, user: User) -> QuerySet[User]:
    """Whom ``user`` may write a one-minute note about: every active report, by name."""
    return reports_of(user, indirect=True).filter(is_active=True).order_by("full_name")


def session_assessments(*, session: CoachingSession | None) -> dict[int, str]:
    """The objectives the session is linked to, with the progress noted for each."""
    if session is None:
        return {}
    return dict(
        SessionObjective.objects.filter(session=session).values_list("objective_id", "assessment")
    )


def session_objectives_offered(
    *, linked_ids: list[int], employee: User | None, department: Department | None
) -> list[Objective]:
    """The objectives a session form offers: the coachee's live ones in the current cycle,
    and whatever the session is linked to already (dropped since, or of an earlier
    cycle): a link the form does not show is lost on save."""
    cycle = current_cycle()
    offered = Q(pk__in=linked_ids)
    if cycle is not None:
        offered |= Q(cycle=cycle, employee=employee, department=department) & ~Q(
            status=Objective.Status.DROPPED
        )
    return list(
        Objective.objects.filter(offered).order_by("-cycle__start_date", "-weight", "title")
    )


def improvement_plans_offered(
    *,
    employee: User | None,
    session: CoachingSession | None,
    department: Department | None = None,
) -> QuerySet[ImprovementPlan]:
    """The coachee's open plans (none of a closed cycle, a record), and the one the
    session belongs to even once closed."""
    if employee is not None:
        subject = Q(employee=employee)
    elif department is not None:
        subject = Q(department=department)
    else:
        return ImprovementPlan.objects.none()
    return ImprovementPlan.objects.filter(
        (
            subject
            & Q(outcome=ImprovementPlan.Outcome.OPEN)
            & ~Q(objective__cycle__state=AppraisalCycle.State.CLOSED)
        )
        | Q(pk=session.improvement_plan_id if session else None)
    )


def session_links(*, session: CoachingSession) -> list[SessionObjective]:
    """The session's linked objectives with the progress noted for each."""
    return list(SessionObjective.objects.filter(session=session).select_related("objective"))


def session_action_items(*, session: CoachingSession) -> list[ActionItem]:
    """The session's steps in their order, with their owners."""
    return list(session.action_items.select_related("owner"))


def sessions_of_person(*, user: User, employee: User, limit: int = 100) -> list[CoachingSession]:
    """Sessions with ``employee`` that ``user`` may see, newest first."""
    return list(
        sessions_visible_to(user)
        .filter(employee=employee)
        .order_by("-held_on", "-created_at")[:limit]
    )


def action_items_of_sessions(*, session_ids: set[int], limit: int = 100) -> list[ActionItem]:
    """Steps agreed in these sessions, latest due date first."""
    return list(
        ActionItem.objects.filter(session_id__in=session_ids)
        .select_related("owner", "session")
        .order_by("-due_date")[:limit]
    )


def readable_sessions_of_plan(*, user: User, plan: ImprovementPlan) -> list[CoachingSession]:
    """The improvement plan's sessions whose content ``user`` may read."""
    return [
        session
        for session in sessions_visible_to(user).filter(improvement_plan=plan)
        if can_read_session_content(user, session)
    ]


def improvement_plan_objectives(
    *,
    user: User,
    employee: User | None,
    department: Department | None = None,
    newest_first: bool = False,
) -> QuerySet[Objective]:
    """The subject's objectives that ``user`` may see, for an improvement plan to name;
    none of a closed cycle (read-only, issue 15 §4)."""
    subject = Q(employee=employee) if employee is not None else Q(department=department)
    objectives = (
        objectives_visible_to(user)
        .filter(subject)
        .exclude(cycle__state=AppraisalCycle.State.CLOSED)
    )
    if newest_first:
        return objectives.order_by("-cycle__start_date", "title")
    return objectives


def calendar_feed_of(*, user: User) -> CalendarFeed | None:
    """The person's private calendar feed, if they made one."""
    return CalendarFeed.objects.filter(user=user).first()


class PlanScope:
    """Which improvement plans a list shows: the viewer's own, their team's, or all (HR)."""

    MINE = "mine"
    TEAM = "team"
    ALL = "all"


class PlanStatus:
    OPEN = "open"
    OUTCOME_DUE = "outcome_due"
    CLOSED = "closed"


def improvement_plans_listed(
    *,
    user: User,
    scope: str,
    status: str = "",
    department: Department | None = None,
    name: str = "",
    today: dt.date,
) -> list[int]:
    """The ids of the plans of a list page, open ones by their next review date.

    Order: plans whose last review has passed without an outcome (the oldest first),
    then open plans by next review date, open plans without dates, and closed plans,
    the latest closed first. Review dates are a stored list (old rows may hold
    garbage, read by ``parse_sane_dates``), so the order is computed here, over one
    narrow query of the filtered plans; the page's rows are fetched by id after.
    """
    plans = improvement_plans_visible_to(user)
    mine = improvement_plans_of_subject(user)
    if scope == PlanScope.MINE:
        plans = plans.filter(mine)
    elif scope == PlanScope.TEAM:
        plans = plans.exclude(mine)
    if status == PlanStatus.CLOSED:
        plans = plans.exclude(outcome=ImprovementPlan.Outcome.OPEN)
    elif status in (PlanStatus.OPEN, PlanStatus.OUTCOME_DUE):
        plans = plans.filter(outcome=ImprovementPlan.Outcome.OPEN)
    if department is not None:
        plans = plans.filter(
            Q(department=department)
            | Q(employee__department=department)
            | Q(home_department=department)
        )
    if name:
        plans = plans.filter(
            Q(employee__full_name__icontains=name) | Q(department__name__icontains=name)
        )
    keyed = []
    for pk, stored, outcome, closed_on in plans.values_list(
        "pk", "review_dates", "outcome", "closed_on"
    ).order_by():
        days = parse_sane_dates(stored)
        if outcome != ImprovementPlan.Outcome.OPEN:
            key = (3, -(closed_on.toordinal() if closed_on else 0), -pk)
        elif days and days[-1] < today:
            key = (0, days[-1].toordinal(), pk)
        else:
            upcoming = next((day for day in days if day >= today), None)
            key = (1, upcoming.toordinal(), pk) if upcoming else (2, 0, -pk)
        if status == PlanStatus.OUTCOME_DUE and key[0] != 0:
            continue
        keyed.append((key, pk))
    keyed.sort()
    return [pk for _key, pk in keyed]


def improvement_plans_by_ids(*, user: User, ids: list[int]) -> list[ImprovementPlan]:
    """The plans of ``ids`` that ``user`` may see, in the order of ``ids``."""
    found = {
        plan.pk: plan
        for plan in improvement_plans_visible_to(user)
        .select_related("line_manager")
        .filter(pk__in=ids)
    }
    return [found[pk] for pk in ids if pk in found]


def improvement_plans_of(
    *,
    user: User,
    employee: User | None = None,
    objective: Objective | None = None,
    limit: int = 50,
) -> list[ImprovementPlan]:
    """The plans about ``employee`` or ``objective`` that ``user`` may see, newest first."""
    plans = improvement_plans_visible_to(user)
    if employee is not None:
        plans = plans.filter(employee=employee)
    if objective is not None:
        plans = plans.filter(objective=objective)
    return list(plans.order_by("-opened_on", "-pk")[:limit])


def has_improvement_plans(user: User) -> bool:
    """Does ``user`` see any improvement plan (for the navigation)?"""
    return improvement_plans_visible_to(user).exists()
