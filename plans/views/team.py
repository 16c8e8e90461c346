"""The team page: a manager's reports and their objectives' progress in one cycle."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from accounts.http import user_of
from accounts.links import pk_url
from accounts.page_cache import cached_page
from accounts.table_memo import memo_page
from plans.extensions import team_records
from plans.forms import TeamFilterForm
from plans.models import Objective
from plans.selectors import (
    PROGRESS_ORDER,
    Progress,
    ProgressState,
    current_cycle_among,
    cycles_all,
)
from plans.team_selectors import agreed_plan_employees, team_objectives, team_people

TEAM_PAGE_SIZE = 50


@cached_page
@login_required
def team(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    filters = TeamFilterForm(request.GET)
    indirect = bool(filters.value("indirect"))
    only_lagging = filters.value("state") == "lagging"
    query: str = filters.value("q") or ""
    sort: str = filters.value("sort")
    cycles = list(cycles_all())  # the picker's, and the current cycle among them
    cycle = filters.value("cycle") or current_cycle_among(cycles)
    people = team_people(
        user=user,
        cycle=cycle,
        indirect=indirect,
        query=query,
        sort=sort,
        only_lagging=only_lagging,
    )
    # Sorted and cut in the database, kept until a table it reads changes (table_memo).
    page = memo_page(people, TEAM_PAGE_SIZE, request.GET.get("page"))
    people_list = list(page.object_list)
    ids = [person.pk for person in people_list]
    by_person: dict[int, list[tuple[Objective, Progress]]] = {pk: [] for pk in ids}
    agreed: set[int] = set()
    if cycle is not None and ids:
        by_person = team_objectives(cycle=cycle, employee_ids=ids)
        agreed = agreed_plan_employees(cycle=cycle, employee_ids=ids)
    rows: list[dict[str, Any]] = []
    for person in people_list:
        items = by_person[person.pk]
        lagging = sum(1 for _o, p in items if p.state == ProgressState.LAGGING)
        items.sort(key=lambda pair: (PROGRESS_ORDER[pair[1].state], -pair[0].weight))
        rows.append(
            {
                "person": person,
                "pk": person.pk,
                "url": pk_url("plans:person_objectives", person.pk),
                "items": items,
                "lagging": lagging,
                "lagging_label": ngettext("%(counter)s lagging", "%(counter)s lagging", lagging)
                % {"counter": lagging},
                "weight_total": sum(
                    o.weight for o, _p in items if o.status != Objective.Status.DROPPED
                ),
                "agreed": person.pk in agreed,
            }
        )
    return render(
        request,
        "plans/team.html",
        {
            "rows": rows,
            "page": page,
            "filters": filters,
            "cycle": cycle,
            "cycles": cycles,
            "indirect": indirect,
            "only_lagging": only_lagging,
            "query": query,
            "sort": sort,
            "records": team_records.links(user),
        },
    )
