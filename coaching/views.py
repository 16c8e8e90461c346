from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.concurrency import StaleEditError
from accounts.http import HtmxHttpRequest, user_of
from accounts.inputs import param_choice, param_id, required_id
from accounts.links import pk_url
from accounts.models import Department, User
from accounts.selectors import reports_of
from coaching.forms import (
    GUIDING_QUESTIONS,
    AcknowledgeForm,
    ActionItemFormSet,
    ImprovementPlanForm,
    OverviewFilterForm,
    QuickNoteForm,
    SessionForm,
    SessionObjectiveForm,
)
from coaching.models import (
    ActionItem,
    CalendarFeed,
    CoachingSession,
    CoachingType,
    ImprovementPlan,
    SessionObjective,
)
from coaching.permissions import (
    can_acknowledge,
    can_coach,
    can_edit_improvement_plan,
    can_edit_session,
    can_read_session_content,
    can_tick,
    get_session_for_user,
    improvement_plans_visible_to,
    is_coachee,
    sessions_visible_to,
)
from coaching.selectors import coaching_type_suggest, held_by
from coaching.services import (
    ActionItemInput,
    action_item_mark,
    calendar_feed_ics,
    calendar_feed_rotate,
    improvement_plan_save,
    session_acknowledge,
    session_save,
)
from plans.charts import progress_chart
from plans.forms import (
    CheckInForm,
    CycleFilterForm,
    CycleForm,
    ObjectiveForm,
    TargetGridForm,
    TeamFilterForm,
)
from plans.models import AppraisalCycle, CheckIn, Objective, PerformancePlan
from plans.permissions import (
    can_check_in,
    can_edit_objective,
    can_edit_subject,
    can_manage_cycles,
    get_cycle_for_hr,
    get_department_subject,
    get_employee_subject,
    get_objective_for_user,
    objectives_visible_to,
    plan_sides,
)
from plans.selectors import (
    PROGRESS_ORDER,
    ProgressState,
    current_cycle,
    objective_progress,
    plan_fingerprint,
    plan_for,
    with_progress,
)
from plans.services import (
    checkin_create,
    cycle_save,
    cycle_transition,
    objective_create,
    objective_update,
    phase_targets_save,
    plan_subject_confirm,
    targets_copied_from,
    targets_spread_evenly,
)

STALE_EDIT_MESSAGE = gettext_lazy(
    "Someone saved this while you were editing it: another person, or you in another tab. "
    "Nothing of yours was saved: your input is still below. Open the page again in a new "
    "tab to see what changed, then save yours."
)


def _refused_as_stale(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The form again as the person filled it, with the reason nothing was saved (409)."""
    messages.error(request, STALE_EDIT_MESSAGE)
    return render(request, template, context, status=409)


def _form_errors_from(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
    else:
        form.add_error(None, error)


def _chosen_cycle(request: HttpRequest) -> tuple[AppraisalCycle | None, CycleFilterForm]:
    """The cycle the picker asks for, else the current one; the picker's form for its message."""
    form = CycleFilterForm(request.GET)
    cycle: AppraisalCycle | None = form.value("cycle") or current_cycle()
    return cycle, form


# --- Cycles (HR) ------------------------------------------------------------


@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    if not can_manage_cycles(user_of(request)):
        raise PermissionDenied
    return render(request, "coaching/cycle_list.html", {"cycles": AppraisalCycle.objects.all()})


@login_required
def cycle_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = user_of(request)
    if not can_manage_cycles(user):
        raise PermissionDenied
    cycle = get_cycle_for_hr(user, pk) if pk else None
    form = CycleForm(request.POST or None, instance=cycle)
    if cycle is not None and cycle.is_closed:
        for field in form.fields.values():
            field.disabled = True
        form.helper.inputs = []  # read-only: no Save button that would save nothing
    context = {"form": form, "cycle": cycle}
    if request.method == "POST" and form.is_valid() and not (cycle and cycle.is_closed):
        try:
            saved = cycle_save(
                actor=user,
                cycle=cycle,
                name=form.cleaned_data["name"],
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
                frequency=form.cleaned_data["frequency"],
                rating_scale=form.cleaned_data["rating_labels"],
                version=form.cleaned_data.get("version"),
            )
        except StaleEditError:
            return _refused_as_stale(request, "coaching/cycle_form.html", context)
        messages.success(request, _("The cycle has been saved."))
        return redirect("coaching:cycle_detail", pk=saved.pk)
    return render(request, "coaching/cycle_form.html", context)


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_cycle_for_hr(user_of(request), pk)
    return render(
        request,
        "coaching/cycle_detail.html",
        {
            "cycle": cycle,
            "objective_count": cycle.objectives.count(),
            "plan_count": cycle.plans.count(),
            "agreed_count": cycle.plans.filter(
                employee_confirmed_at__isnull=False, manager_confirmed_at__isnull=False
            ).count(),
        },
    )


@login_required
@require_POST
def cycle_state(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    cycle = get_cycle_for_hr(user, pk)
    state = param_choice(request.POST, "state", AppraisalCycle.State.values)
    try:
        cycle_transition(
            actor=user,
            cycle=cycle,
            state=state,
            seen_state=param_choice(
                request.POST, "seen_state", AppraisalCycle.State.values, default=""
            )
            or None,
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The cycle's state has been changed."))
    return redirect("coaching:cycle_detail", pk=pk)


# --- Plans ------------------------------------------------------------------


def _plan_context(
    user: User,
    cycle: AppraisalCycle | None,
    *,
    employee: User | None = None,
    department: Department | None = None,
) -> dict[str, Any]:
    if cycle is None:
        return {"cycle": None}
    objectives = list(
        with_progress(
            Objective.objects.filter(cycle=cycle, employee=employee, department=department)
            .select_related("cycle", "parent", "employee", "department")
            .order_by("-weight", "title")
        )
    )
    plan = plan_for(cycle=cycle, employee=employee, department=department)
    sides = plan_sides(user, plan) if plan else set()
    if plan is None and not cycle.is_closed:
        probe = PerformancePlan(cycle=cycle, employee=employee, department=department)
        sides = plan_sides(user, probe)
    total = sum(o.weight for o in objectives if o.status != Objective.Status.DROPPED)
    return {
        "cycle": cycle,
        "rows": [
            {"objective": o, "progress": objective_progress(o), "aligned": []} for o in objectives
        ],
        "plan": plan,
        "confirm_sides": sides,
        "weight_total": total,
        "plan_seen": plan_fingerprint((o.pk, o.version) for o in objectives),
        "can_edit": not cycle.is_closed
        and can_edit_subject(user, employee=employee, department=department),
        "cycles": AppraisalCycle.objects.all(),
    }


@login_required
def my_objectives(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    cycle, cycle_filter = _chosen_cycle(request)
    context = _plan_context(user, cycle, employee=user)
    return render(
        request,
        "coaching/plan.html",
        {**context, "cycle_filter": cycle_filter, "subject": user, "is_self": True},
    )


@login_required
def person_objectives(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    person = get_employee_subject(user, pk)
    cycle, cycle_filter = _chosen_cycle(request)
    context = _plan_context(user, cycle, employee=person)
    return render(
        request,
        "coaching/plan.html",
        {**context, "cycle_filter": cycle_filter, "subject": person, "is_self": person == user},
    )


@login_required
def department_objectives(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    department = get_department_subject(user, pk)
    cycle, cycle_filter = _chosen_cycle(request)
    context = _plan_context(user, cycle, department=department)
    if cycle is not None:
        # Personal objectives aligned to these, as far as the viewer may see them.
        rows = {row["objective"].pk: row for row in context["rows"]}
        children = with_progress(
            objectives_visible_to(user)
            .filter(parent_id__in=list(rows))
            .order_by("employee__full_name")
        )
        for child in children:
            rows[cast(int, child.parent_id)]["aligned"].append(
                {"objective": child, "progress": objective_progress(child)}
            )
    return render(
        request,
        "coaching/plan.html",
        {
            **context,
            "cycle_filter": cycle_filter,
            "subject": department,
            "is_department": True,
            "can_coach_department": can_coach(user, department=department),
        },
    )


@login_required
@require_POST
def plan_confirm_view(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    cycle = get_object_or_404(AppraisalCycle, pk=required_id(request.POST, "cycle"))
    employee, department = _plan_subject(user, request.POST)
    side = param_choice(request.POST, "side", ("employee", "manager"))
    # Check first, then write: a refused confirmation stores no plan.
    plan = plan_for(cycle=cycle, employee=employee, department=department) or PerformancePlan(
        cycle=cycle, employee=employee, department=department
    )
    if side not in plan_sides(user, plan):
        raise PermissionDenied
    try:
        plan_subject_confirm(
            actor=user,
            cycle=cycle,
            employee=employee,
            department=department,
            side=side,
            seen=request.POST.get("seen") or None,
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("You have confirmed the plan."))
    return redirect(_plan_url(cycle, employee=employee, department=department, user=user))


def _plan_subject(
    user: User, params: QueryDict, *, write: bool = False
) -> tuple[User | None, Department | None]:
    """The employee or department a plan form is about, as ``user`` may see (or write) it."""
    department_id = param_id(params, "department")
    employee_id = param_id(params, "employee")
    if department_id is not None:
        return None, get_department_subject(user, department_id, write=write)
    if employee_id is None:
        raise BadRequest("Say whose plan this is.")
    return get_employee_subject(user, employee_id, write=write), None


def _plan_url(
    cycle: AppraisalCycle, *, employee: User | None, department: Department | None, user: User
) -> str:
    if employee is not None:
        base = (
            reverse("coaching:my_objectives")
            if employee.pk == user.pk
            else reverse("coaching:person_objectives", args=[employee.pk])
        )
    else:
        assert department is not None  # noqa: S101
        base = reverse("coaching:department_objectives", args=[department.pk])
    return f"{base}?cycle={cycle.pk}"


# --- Objectives -------------------------------------------------------------


def _parent_choices(
    user: User, cycle: AppraisalCycle, employee: User | None, department: Department | None
) -> QuerySet[Objective]:
    """Objectives one level up that this one can align to."""
    visible = objectives_visible_to(user).filter(cycle=cycle)
    if employee is not None:
        return visible.filter(
            Q(department_id=employee.department_id) | Q(employee_id=employee.manager_id)
        ).exclude(employee=employee)
    assert department is not None  # noqa: S101
    if department.parent_id is None:
        return visible.none()
    return visible.filter(department_id=department.parent_id)


@login_required
def objective_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    source = request.POST if request.method == "POST" else request.GET
    cycle = get_object_or_404(AppraisalCycle, pk=required_id(source, "cycle"))
    employee: User | None
    department: Department | None
    if param_id(source, "department") is None and param_id(source, "employee") is None:
        employee, department = get_employee_subject(user, user.pk, write=True), None
    else:
        employee, department = _plan_subject(user, source, write=True)
    if cycle.is_closed:
        raise PermissionDenied
    plan = plan_for(cycle=cycle, employee=employee, department=department)
    form = ObjectiveForm(
        request.POST or None,
        cycle=cycle,
        employee=employee,
        department=department,
        parent_choices=_parent_choices(user, cycle, employee, department),
        plan_agreed=bool(plan and plan.is_agreed),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason", "")
        try:
            objective = objective_create(
                actor=user,
                cycle=cycle,
                employee=employee,
                department=department,
                reason=reason,
                **data,
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Objective added. Now set its targets for each month."))
            return redirect("coaching:objective_targets", pk=objective.pk)
    return render(
        request,
        "coaching/objective_form.html",
        {
            "form": form,
            "cycle": cycle,
            "subject": employee or department,
            "objective": None,
            "employee": employee,
            "department": department,
        },
    )


@login_required
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    objective = get_objective_for_user(user, pk, write=True)
    plan = plan_for(
        cycle=objective.cycle, employee=objective.employee, department=objective.department
    )
    parent_choices = _parent_choices(
        user, objective.cycle, objective.employee, objective.department
    ).exclude(pk=objective.pk)
    if objective.parent_id is not None:
        # The stored alignment stays on offer even where the editor may not open that
        # objective (an employee's aligned to the manager's own): else any save drops it.
        parent_choices = Objective.objects.filter(
            Q(pk__in=parent_choices.values("pk")) | Q(pk=objective.parent_id)
        )
    form = ObjectiveForm(
        request.POST or None,
        instance=objective,
        cycle=objective.cycle,
        employee=objective.employee,
        department=objective.department,
        parent_choices=parent_choices,
        plan_agreed=bool(plan and plan.is_agreed),
    )
    context = {
        "form": form,
        "cycle": objective.cycle,
        "subject": objective.subject,
        "objective": objective,
    }
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason", "")
        version = data.pop("version")
        try:
            # Re-read the stored row: the form instance already holds the new values.
            stored = Objective.objects.select_related("cycle").get(pk=objective.pk)
            objective_update(actor=user, objective=stored, version=version, reason=reason, **data)
        except StaleEditError:
            return _refused_as_stale(request, "coaching/objective_form.html", context)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("The objective has been saved."))
            return redirect(objective)
    return render(request, "coaching/objective_form.html", context)


def _objective_context(
    user: User, objective: Objective, checkin_form: CheckInForm | None = None
) -> dict[str, Any]:
    annotated = with_progress(
        Objective.objects.filter(pk=objective.pk).select_related("cycle")
    ).get()
    targets = list(objective.targets.all())
    checkins = list(objective.checkins.select_related("author"))
    can_write = can_check_in(user, objective)
    return {
        "objective": objective,
        "progress": objective_progress(annotated),
        "targets": targets,
        "checkins": checkins,
        "chart": progress_chart(
            start=objective.cycle.start_date,
            end=objective.cycle.end_date,
            targets=[(t.month, t.planned) for t in targets],
            checkins=[(c.recorded_on, c.value) for c in checkins],
        ),
        "changes": list(objective.changes.select_related("changed_by")[:50]),
        "aligned": list(
            objectives_visible_to(user).filter(parent=objective).select_related("employee")
        ),
        "can_edit": can_edit_objective(user, objective),
        "can_coach": objective.employee is not None
        and can_coach(user, employee=objective.employee),
        "can_check_in": can_write,
        "checkin_form": checkin_form or (CheckInForm(objective=objective) if can_write else None),
    }


@login_required
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    objective = get_objective_for_user(user, pk)
    return render(request, "coaching/objective_detail.html", _objective_context(user, objective))


@login_required
@require_POST
def checkin_new(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    objective = get_objective_for_user(user, pk)
    if not can_check_in(user, objective):
        raise PermissionDenied
    form = CheckInForm(request.POST, objective=objective)
    if form.is_valid():
        checkin_create(actor=user, objective=objective, **form.cleaned_data)
        if not request.htmx:
            messages.success(request, _("Check-in recorded."))
            return redirect(objective)
        form = CheckInForm(objective=objective)
    context = _objective_context(user, objective, checkin_form=form)
    template = (
        "coaching/_objective_progress.html" if request.htmx else "coaching/objective_detail.html"
    )
    return render(request, template, context)


@login_required
def objective_targets(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    objective = get_objective_for_user(user, pk, write=True)
    plan = plan_for(
        cycle=objective.cycle, employee=objective.employee, department=objective.department
    )
    agreed = bool(plan and plan.is_agreed)
    initial: dict[str, Any] = {}
    filled = None
    fill = param_choice(request.GET, "fill", ("even", "copy"), default="")
    source_id = param_id(request.GET, "from")
    if fill == "even":
        filled = targets_spread_evenly(objective)
    elif fill == "copy" and source_id is not None:
        source = get_objective_for_user(user, source_id)
        filled = targets_copied_from(objective, source)
    values = filled if filled is not None else {t.month: t.planned for t in objective.targets.all()}
    for month, planned in values.items():
        initial[TargetGridForm.field_name(month)] = (
            bool(planned) if objective.measure == "milestone" else planned
        )
    form = TargetGridForm(
        request.POST or None, initial=initial, objective=objective, plan_agreed=agreed
    )
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            phase_targets_save(
                actor=user,
                objective=objective,
                values=form.values(),
                version=form.cleaned_data["version"],
                reason=form.cleaned_data.get("reason", ""),
            )
        except StaleEditError:
            stale = True
        else:
            messages.success(request, _("The targets have been saved."))
            return redirect(objective)
    copy_sources = (
        objectives_visible_to(user)
        .filter(cycle=objective.cycle, targets__isnull=False)
        .exclude(pk=objective.pk)
        .distinct()
        .order_by("title")
    )
    context = {
        "form": form,
        "objective": objective,
        "copy_sources": copy_sources,
        "filled": filled is not None,
    }
    if stale:
        return _refused_as_stale(request, "coaching/objective_targets.html", context)
    if request.htmx and request.method == "GET":
        return render(request, "coaching/_targets_grid.html", context)
    return render(request, "coaching/objective_targets.html", context)


# --- Team -------------------------------------------------------------------

TEAM_PAGE_SIZE = 50


def _team_people(
    people: QuerySet[User], cycle: AppraisalCycle | None, *, sort: str, only_lagging: bool
) -> QuerySet[User]:
    """Filter and order the reports in the database, from the objectives' stored states.

    Stored on every check-in or plan change and restated daily, the states let a
    director with thousands of people below page through them; the page itself
    shows each objective's live progress.
    """
    if cycle is None:
        return people.order_by("full_name", "pk")
    counted = (
        Objective.objects.filter(cycle=cycle, employee=OuterRef("pk"))
        .exclude(status=Objective.Status.DROPPED)
        .order_by()
        .values("employee")
    )
    lagging = counted.filter(progress_state=ProgressState.LAGGING)
    if only_lagging:
        people = people.filter(Exists(lagging))
    if sort == "lagging":
        n = lagging.annotate(n=Count("pk")).values("n")
        return people.annotate(lagging_n=Coalesce(Subquery(n), 0)).order_by(
            "-lagging_n", "full_name", "pk"
        )
    if sort == "progress":
        # Weighted share of today's plan reached; people without a plan last.
        share = (
            counted.filter(progress_share__isnull=False)
            .annotate(s=Sum(F("progress_share") * F("weight")) / Sum("weight"))
            .values("s")
        )
        return people.annotate(share=Subquery(share)).order_by(
            F("share").asc(nulls_last=True), "full_name", "pk"
        )
    return people.order_by("full_name", "pk")


@login_required
def team(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    filters = TeamFilterForm(request.GET)
    indirect = bool(filters.value("indirect"))
    only_lagging = filters.value("state") == "lagging"
    query: str = filters.value("q") or ""
    sort: str = filters.value("sort")
    cycle = filters.value("cycle") or current_cycle()
    people = reports_of(user, indirect=indirect).filter(is_active=True)
    if query:
        people = people.filter(Q(full_name__icontains=query) | Q(job_title__icontains=query))
    page = Paginator(
        _team_people(people, cycle, sort=sort, only_lagging=only_lagging), TEAM_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    people_list = list(page.object_list)
    ids = [person.pk for person in people_list]
    by_person: dict[int, list[Any]] = {pk: [] for pk in ids}
    plans: dict[int, PerformancePlan] = {}
    if cycle is not None and ids:
        objectives = with_progress(
            Objective.objects.filter(cycle=cycle, employee_id__in=ids)
        ).order_by("-weight", "title")
        today = timezone.localdate()
        for objective in objectives:
            objective.cycle = cycle  # one cycle for all: no join, no copy per row
            by_person[cast(int, objective.employee_id)].append(
                (objective, objective_progress(objective, today=today))
            )
        plans = {
            cast(int, p.employee_id): p
            for p in PerformancePlan.objects.filter(cycle=cycle, employee_id__in=ids)
        }
    rows = []
    for person in people_list:
        items = by_person[person.pk]
        lagging = sum(1 for _o, p in items if p.state == ProgressState.LAGGING)
        items.sort(key=lambda pair: (PROGRESS_ORDER[pair[1].state], -pair[0].weight))
        rows.append(
            {
                "person": person,
                "pk": person.pk,
                "url": pk_url("coaching:person_objectives", person.pk),
                "items": items,
                "lagging": lagging,
                "lagging_label": ngettext("%(counter)s lagging", "%(counter)s lagging", lagging)
                % {"counter": lagging},
                "weight_total": sum(
                    o.weight for o, _p in items if o.status != Objective.Status.DROPPED
                ),
                "plan": plans.get(person.pk),
            }
        )
    return render(
        request,
        "coaching/team.html",
        {
            "rows": rows,
            "page": page,
            "filters": filters,
            "cycle": cycle,
            "cycles": AppraisalCycle.objects.all(),
            "indirect": indirect,
            "only_lagging": only_lagging,
            "query": query,
            "sort": sort,
        },
    )


# --- Coaching sessions -------------------------------------------------------


def _coachee_from(request: HttpRequest, user: User) -> tuple[User | None, Department | None]:
    source = request.POST if request.method == "POST" else request.GET
    department_id = param_id(source, "department")
    if department_id is not None:
        department = get_object_or_404(Department, pk=department_id)
        if not can_coach(user, department=department):
            raise PermissionDenied
        return None, department
    employee = get_object_or_404(User, pk=required_id(source, "employee"), is_active=True)
    if not can_coach(user, employee=employee):
        raise PermissionDenied
    return employee, None


def _owner_choices(
    coach: User, employee: User | None, department: Department | None
) -> list[tuple[str, str]]:
    coachee = employee or (department.head if department else None)
    choices = [(str(coach.pk), f"{coach.full_name} ({_('coach')})")]
    if coachee is not None and coachee.pk != coach.pk:
        choices.append((str(coachee.pk), f"{coachee.full_name} ({_('coachee')})"))
    return choices


def _session_forms(
    user: User,
    session: CoachingSession | None,
    employee: User | None,
    department: Department | None,
    data: Any = None,
    initial: dict[str, Any] | None = None,
) -> dict[str, Any]:
    cycle = current_cycle()
    linked = (
        dict(
            SessionObjective.objects.filter(session=session).values_list(
                "objective_id", "assessment"
            )
        )
        if session
        else {}
    )
    # The current cycle's live objectives, and whatever the session is linked to already
    # (dropped since, or of an earlier cycle): a link the form does not show is lost on save.
    offered = Q(pk__in=list(linked))
    if cycle is not None:
        offered |= Q(cycle=cycle, employee=employee, department=department) & ~Q(
            status=Objective.Status.DROPPED
        )
    objectives = list(
        Objective.objects.filter(offered).order_by("-cycle__start_date", "-weight", "title")
    )
    objective_forms = [
        (
            objective,
            SessionObjectiveForm(
                data,
                prefix=f"obj-{objective.pk}",
                initial={
                    "linked": objective.pk in linked,
                    "assessment": linked.get(objective.pk, ""),
                },
            ),
        )
        for objective in objectives
    ]
    owners = _owner_choices(session.coach if session else user, employee, department)
    items = list(session.action_items.select_related("owner")) if session else []
    # A step keeps its owner (say a department head since replaced): a select that does
    # not offer the stored owner would hand the step to the coach on the next save.
    offered_owners = {pk for pk, _name in owners}
    for item in items:
        if str(item.owner_id) not in offered_owners:
            owners.append((str(item.owner_id), item.owner.full_name))
            offered_owners.add(str(item.owner_id))
    # Open plans, and the one the session belongs to even once it is closed.
    plans = (
        ImprovementPlan.objects.filter(
            Q(employee=employee, outcome=ImprovementPlan.Outcome.OPEN)
            | Q(pk=session.improvement_plan_id if session else None)
        )
        if employee
        else ImprovementPlan.objects.none()
    )
    return {
        "form": SessionForm(data, instance=session, initial=initial, improvement_plans=plans),
        "objective_forms": objective_forms,
        "item_formset": ActionItemFormSet(  # type: ignore[call-arg]
            data,
            prefix="items",
            owners=owners,
            initial=[
                {
                    "item_id": i.pk,
                    "title": i.title,
                    "owner": str(i.owner_id),
                    "due_date": i.due_date,
                }
                for i in items
            ],
        ),
        "guiding_questions": GUIDING_QUESTIONS,
    }


def _save_session_forms(
    user: User,
    forms: dict[str, Any],
    *,
    session: CoachingSession | None,
    employee: User | None,
    department: Department | None,
) -> CoachingSession | None:
    form, item_formset = forms["form"], forms["item_formset"]
    objective_forms = forms["objective_forms"]
    valid = (
        form.is_valid() & item_formset.is_valid() & all(f.is_valid() for _o, f in objective_forms)
    )
    if not valid:
        return None
    owners = {
        str(u.pk): u for u in User.objects.filter(pk__in=[pk for pk, _n in item_formset.owners])
    }
    held_on = form.cleaned_data["held_on"]
    for item_form in item_formset:
        due = item_form.cleaned_data.get("due_date")
        if due and held_on and due < held_on and not item_form.cleaned_data.get("DELETE"):
            item_form.add_error("due_date", _("The due date comes after the session."))
    if not item_formset.is_valid():
        return None
    items = [
        ActionItemInput(
            item_id=f.cleaned_data.get("item_id"),
            title=f.cleaned_data.get("title", ""),
            owner=owners.get(f.cleaned_data.get("owner") or "", user),
            due_date=f.cleaned_data.get("due_date"),
            delete=bool(f.cleaned_data.get("DELETE")),
        )
        for f in item_formset
        if f.has_changed() or f.cleaned_data.get("item_id")
    ]
    # The ticked objectives, each with its progress (SessionObjectiveForm).
    assessments = {
        objective.pk: f.cleaned_data.get("assessment", "")
        for objective, f in objective_forms
        if f.cleaned_data.get("linked")
    }
    return session_save(
        actor=user,
        session=session,
        employee=employee,
        department=department,
        assessments=assessments,
        action_items=items,
        **form.cleaned_data,
    )


@login_required
def session_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    employee, department = _coachee_from(request, user)
    suggestion = coaching_type_suggest(employee=employee) if employee else None
    initial: dict[str, Any] = {"type": suggestion.type} if suggestion else {}
    plan_id = param_id(request.GET, "plan")
    if plan_id is not None:
        initial["improvement_plan"] = plan_id
    forms = _session_forms(
        user,
        None,
        employee,
        department,
        request.POST if request.method == "POST" else None,
        initial,
    )
    if request.method == "POST":
        saved = _save_session_forms(
            user, forms, session=None, employee=employee, department=department
        )
        if saved is not None:
            messages.success(request, _("The coaching session has been saved."))
            return redirect(saved)
    return render(
        request,
        "coaching/session_form.html",
        {
            **forms,
            "employee": employee,
            "department": department,
            "suggestion": suggestion,
            "session": None,
        },
    )


@login_required
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    session = get_session_for_user(user, pk, write=True)
    forms = _session_forms(
        user,
        session,
        session.employee,
        session.department,
        request.POST if request.method == "POST" else None,
    )
    context = {
        **forms,
        "employee": session.employee,
        "department": session.department,
        "session": session,
    }
    if request.method == "POST":
        try:
            saved = _save_session_forms(
                user,
                forms,
                session=session,
                employee=session.employee,
                department=session.department,
            )
        except StaleEditError:
            return _refused_as_stale(request, "coaching/session_form.html", context)
        if saved is not None:
            messages.success(request, _("The coaching session has been saved."))
            return redirect(saved)
    return render(request, "coaching/session_form.html", context)


@login_required
def session_quick(request: HttpRequest) -> HttpResponse:
    """The one-minute note: person, type, one line."""
    user = user_of(request)
    people = reports_of(user, indirect=True).filter(is_active=True).order_by("full_name")
    initial = {}
    employee_id = param_id(request.GET, "employee")
    if employee_id is not None:
        initial["employee"] = employee_id
    form = QuickNoteForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        session = session_save(
            actor=user,
            employee=form.cleaned_data["employee"],
            type=form.cleaned_data["type"],
            note=form.cleaned_data["note"],
            duration_minutes=1,
        )
        messages.success(request, _("Note saved. You can expand it into a full session any time."))
        return redirect(session)
    return render(request, "coaching/session_quick.html", {"form": form})


def _session_context(
    user: User, session: CoachingSession, acknowledge_form: AcknowledgeForm | None = None
) -> dict[str, Any]:
    content = can_read_session_content(user, session)
    return {
        "session": session,
        "show_content": content,
        "show_private": session.coach_id == user.pk,
        "can_edit": can_edit_session(user, session),
        "can_acknowledge": can_acknowledge(user, session),
        "acknowledge_form": acknowledge_form or AcknowledgeForm(),
        "links": list(SessionObjective.objects.filter(session=session).select_related("objective"))
        if content
        else [],
        "items": list(session.action_items.select_related("owner")) if content else [],
        "tickable": content and (session.coach_id == user.pk or is_coachee(user, session)),
    }


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    session = get_session_for_user(user, pk)
    return render(request, "coaching/session_detail.html", _session_context(user, session))


@login_required
@require_POST
def session_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    session = get_session_for_user(user, pk)
    if not can_acknowledge(user, session):
        raise PermissionDenied
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        # Shown again with the comment as typed and the reason beside it.
        return render(
            request,
            "coaching/session_detail.html",
            _session_context(user, session, acknowledge_form=form),
        )
    session_acknowledge(actor=user, session=session, comment=form.cleaned_data["comment"])
    messages.success(request, _("Thank you: the session is acknowledged."))
    return redirect(session)


@login_required
@require_POST
def action_item_mark_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Mark a step done or not done, as the button pressed says (``done`` = 1 or 0)."""
    user = user_of(request)
    item = get_object_or_404(
        ActionItem.objects.select_related("session", "owner"),
        pk=pk,
        session__in=sessions_visible_to(user),
    )
    if not (can_tick(user, item) and can_read_session_content(user, item.session)):
        raise PermissionDenied
    done = param_choice(request.POST, "done", ("1", "0")) == "1"
    session = item.session
    item, changed = action_item_mark(actor=user, item=item, done=done)
    note = "" if changed else _unchanged_step_note(item)
    if request.htmx:
        return render(
            request,
            "coaching/_action_item.html",
            {"item": item, "tickable": True, "tick_note": note},
        )
    if note:
        messages.info(request, note)
    # Not redirect(): it would take a bare word in ``next`` for the name of a URL.
    return HttpResponseRedirect(_safe_next(request) or session.get_absolute_url())


def _unchanged_step_note(item: ActionItem) -> str:
    """What a button on a stale page found: the step already as it asked."""
    if not item.is_done:
        return _("“%(step)s” was already marked as not done: nothing changed.") % {
            "step": item.title
        }
    assert item.done_at is not None  # noqa: S101 - is_done
    when = date_format(timezone.localtime(item.done_at), "DATETIME_FORMAT")
    if item.done_by is not None:
        return _("“%(step)s” was already marked done by %(name)s on %(when)s.") % {
            "step": item.title,
            "name": item.done_by.full_name,
            "when": when,
        }
    return _("“%(step)s” was already marked done on %(when)s.") % {
        "step": item.title,
        "when": when,
    }


def _safe_next(request: HttpRequest) -> str | None:
    """The ``next`` address if it stays on this site (never a redirect elsewhere)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


# --- Overview and timeline ---------------------------------------------------


@login_required
def coaching_overview(request: HttpRequest) -> HttpResponse:
    """Every report with the last session, days since, and open action items."""
    user = user_of(request)
    filters = OverviewFilterForm(request.GET)
    indirect = bool(filters.value("indirect"))
    chosen_type: str = filters.value("type") or ""
    since = filters.value("since")
    today = timezone.localdate()
    sessions = CoachingSession.objects.filter(held_by(today))
    if chosen_type:
        sessions = sessions.filter(type=chosen_type)
    if since:
        sessions = sessions.filter(held_on__gte=since)
    # Whoever has waited longest (or was never coached) comes first: ordered and
    # paged in the database, so a director's whole chain costs one page; the last
    # session's type and the count are computed for the page's rows only.
    mine = sessions.filter(employee=OuterRef("pk"))
    grouped = mine.order_by().values("employee")
    page = Paginator(
        reports_of(user, indirect=indirect)
        .filter(is_active=True)
        .annotate(
            last_held_on=Subquery(grouped.annotate(last=Max("held_on")).values("last")),
            last_type=Subquery(mine.order_by("-held_on", "-created_at").values("type")[:1]),
            sessions=Coalesce(Subquery(grouped.annotate(n=Count("pk")).values("n")), 0),
            # Planned sessions stay in sight, apart from the ones held.
            next_planned=Subquery(
                CoachingSession.objects.filter(employee=OuterRef("pk"), held_on__gt=today)
                .order_by("held_on")
                .values("held_on")[:1]
            ),
        )
        .order_by(F("last_held_on").asc(nulls_first=True), "full_name", "pk"),
        TEAM_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    people = list(page.object_list)
    items = {
        row["session__employee_id"]: row
        for row in ActionItem.objects.filter(
            session__employee_id__in=[person.pk for person in people], done_at__isnull=True
        )
        .values("session__employee_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
    }
    rows = []
    for person in people:
        held_on = person.last_held_on
        kind = person.last_type
        open_items = items.get(person.pk, {})
        rows.append(
            {
                "person": person,
                "last_held_on": held_on,
                "last_type_label": CoachingType(kind).label if kind else "",
                "days_since": (today - held_on).days if held_on else None,
                "sessions": person.sessions,
                "next_planned": person.next_planned,
                "open_items": open_items.get("open", 0),
                "overdue_items": open_items.get("overdue", 0),
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
            "types": CoachingType.choices,
        },
    )


@login_required
def person_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """Sessions, check-ins and action items of one person, newest first."""
    user = user_of(request)
    person = get_employee_subject(user, pk)
    sessions = list(
        sessions_visible_to(user).filter(employee=person).order_by("-held_on", "-created_at")[:100]
    )
    checkins = list(
        CheckIn.objects.filter(objective__in=objectives_visible_to(user).filter(employee=person))
        .select_related("objective", "author")
        .order_by("-recorded_on", "-created_at")[:100]
    )
    readable = {s.pk for s in sessions if can_read_session_content(user, s)}
    items = list(
        ActionItem.objects.filter(session_id__in=readable)
        .select_related("owner", "session")
        .order_by("-due_date")[:100]
    )
    events: list[dict[str, Any]] = (
        [
            {"kind": "session", "on": s.held_on, "session": s, "content": s.pk in readable}
            for s in sessions
        ]
        + [{"kind": "checkin", "on": c.recorded_on, "checkin": c} for c in checkins]
        + [{"kind": "action", "on": i.due_date or i.session.held_on, "item": i} for i in items]
    )
    events.sort(key=lambda event: event["on"], reverse=True)
    return render(
        request,
        "coaching/timeline.html",
        {"person": person, "events": events, "can_coach": can_coach(user, employee=person)},
    )


# --- Improvement plans ---------------------------------------------------------


@login_required
def improvement_plan_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    source = request.POST if request.method == "POST" else request.GET
    employee = get_employee_subject(user, required_id(source, "employee"), write=True)
    if employee.pk == user.pk:
        raise PermissionDenied
    objectives = (
        objectives_visible_to(user)
        .filter(employee=employee)
        .order_by("-cycle__start_date", "title")
    )
    initial = {}
    objective_id = param_id(request.GET, "objective")
    if objective_id is not None:
        initial["objective"] = objective_id
    form = ImprovementPlanForm(request.POST or None, objectives=objectives, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.endswith("_review")}
        plan = improvement_plan_save(actor=user, employee=employee, **data)
        messages.success(request, _("The improvement plan has been opened."))
        return redirect(plan)
    return render(
        request,
        "coaching/improvement_plan_form.html",
        {"form": form, "employee": employee, "plan": None},
    )


@login_required
def improvement_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    plan = get_object_or_404(improvement_plans_visible_to(user), pk=pk)
    sessions = [
        s
        for s in sessions_visible_to(user).filter(improvement_plan=plan)
        if can_read_session_content(user, s)
    ]
    return render(
        request,
        "coaching/improvement_plan_detail.html",
        {"plan": plan, "sessions": sessions, "can_edit": can_edit_improvement_plan(user, plan)},
    )


@login_required
def improvement_plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    plan = get_object_or_404(improvement_plans_visible_to(user), pk=pk)
    if not can_edit_improvement_plan(user, plan):
        raise PermissionDenied
    objectives = objectives_visible_to(user).filter(employee=plan.employee)
    form = ImprovementPlanForm(request.POST or None, instance=plan, objectives=objectives)
    context = {"form": form, "employee": plan.employee, "plan": plan}
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.endswith("_review")}
        try:
            improvement_plan_save(actor=user, plan=plan, **data)
        except StaleEditError:
            return _refused_as_stale(request, "coaching/improvement_plan_form.html", context)
        messages.success(request, _("The improvement plan has been saved."))
        return redirect(plan)
    return render(request, "coaching/improvement_plan_form.html", context)


# --- Calendar ------------------------------------------------------------------


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if request.method == "POST":
        calendar_feed_rotate(user=user)
        messages.success(
            request, _("A new calendar address is ready; the old one no longer works.")
        )
        return redirect("coaching:calendar_settings")
    feed = CalendarFeed.objects.filter(user=user).first()
    url = (
        request.build_absolute_uri(reverse("coaching:calendar_feed", args=[feed.token]))
        if feed
        else None
    )
    return render(request, "coaching/calendar_settings.html", {"feed_url": url})


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private iCalendar feed: the token is the only key, and it can be revoked."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    if not feed.user.is_active:
        raise Http404
    response = HttpResponse(
        calendar_feed_ics(user=feed.user), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=300"
    return response
