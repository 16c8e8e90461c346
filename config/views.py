"""The home page: what needs the person's attention, across the apps."""

from __future__ import annotations

from collections import Counter
from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone

from accounts.models import User
from accounts.page_cache import cached_page
from accounts.selectors import reports_of, user_roles
from coaching.checkpoints import checkpoints_to_talk
from coaching.models import CoachingSession
from coaching.selectors import open_action_items_for
from plans.models import Objective
from plans.selectors import ProgressState, current_cycle, objective_progress, with_progress
from reviews.result_selectors import own_published_results, results_to_propose_count
from reviews.selectors import WITH_ASSESSEE, in_open_cycles, tables_of_assessee, tables_to_review

HOME_CHECKPOINTS = 5


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """``/favicon.ico``, which browsers ask for on their own: the site's SVG icon."""
    response = HttpResponseRedirect(static("favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 in the site's layout (Django's own handler renders without the request)."""
    return render(request, "400.html", status=400)


@cached_page
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    roles = user_roles(user)
    cycle = current_cycle()
    my_states: Counter[str] = Counter()
    team_lagging = 0
    if cycle is not None:
        mine = with_progress(
            Objective.objects.filter(cycle=cycle, employee=user).select_related("cycle")
        )
        my_states = Counter(objective_progress(o).state for o in mine)
        if roles.is_manager:
            # Stored states (kept on every change, restated daily): one count.
            team_lagging = (
                Objective.objects.filter(
                    cycle=cycle,
                    employee__in=reports_of(user).filter(is_active=True),
                    progress_state=ProgressState.LAGGING,
                )
                .exclude(status=Objective.Status.DROPPED)
                .values("employee_id")
                .distinct()
                .count()
            )
    # To fill: with the person, in a cycle not closed (a closed cycle's table is a record).
    open_tables = list(
        tables_of_assessee(user).filter(in_open_cycles(), status__in=WITH_ASSESSEE)[:5]
    )
    coaches = roles.is_manager or roles.is_department_head
    waiting = tables_to_review(user).count() if coaches else 0
    # Missed phase targets to talk through (issue 16 §1): the oldest few, and how many.
    to_talk = list(checkpoints_to_talk(user)[: HOME_CHECKPOINTS + 1]) if coaches else []
    return render(
        request,
        "home.html",
        {
            "cycle": cycle,
            "my_states": {str(k): v for k, v in my_states.items()},
            "my_total": sum(my_states.values()),
            "team_lagging": team_lagging,
            "open_tables": open_tables,
            "waiting_reviews": waiting,
            # Issue 17 §3: results waiting for the manager's proposal; the person's published ones.
            "results_to_propose": results_to_propose_count(user) if coaches else 0,
            "my_results": own_published_results(user),
            "checkpoints": to_talk[:HOME_CHECKPOINTS],
            "more_checkpoints": len(to_talk) > HOME_CHECKPOINTS,
            "direct_reports": list(reports_of(user).filter(is_active=True)[:12]),
            "manager": user.manager,
            "department": user.department,
            "today": timezone.localdate(),
            "action_items": list(open_action_items_for(user)[:10]),
            "recent_sessions": list(
                CoachingSession.objects.filter(employee=user)
                .select_related("coach")
                .order_by("-held_on", "-created_at")[:5]
            ),
        },
    )
