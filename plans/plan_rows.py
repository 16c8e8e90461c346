"""The objectives of a plan page (a person's, a department's) read as values and built
into light instances, and the builder the Team page's lists share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model
from django.db.models.base import ModelState

from accounts.models import Department, User
from plans.models import AppraisalCycle, Objective, ObjectiveTemplate, TemplateSet
from plans.selectors import with_progress

_M = TypeVar("_M", bound=Model)

# What the Team page's lists read of an objective (``plans.team_selectors``: its cells,
# its progress, its "carried from" badge, its link): the other columns stay deferred.
TEAM_OBJECTIVE_FIELDS = (
    "id",
    "cycle_id",
    "employee_id",
    "department_id",
    "title",
    "weight",
    "measure",
    "unit",
    "target",
    "status",
    "carried_from_id",
)
# What a plan page reads of its objectives (cells, progress, links, the plan's
# fingerprint) and of their related rows (the "aligned to", "from template" and "carried
# from" lines), as values: model instances with ``select_related`` and ``only()`` cost
# more to compile than the query took to run, and the joined tables' columns more to plan.
PLAN_OBJECTIVE_FIELDS = (*TEAM_OBJECTIVE_FIELDS, "version", "parent_id", "template_id")
# What ``objective_progress`` reads of ``with_progress(..., checkin_details=False)``.
PROGRESS_FIELDS = (
    "previous_planned",
    "previous_month",
    "upcoming_planned",
    "upcoming_month",
    "actual_now",
)
PLAN_RELATED_FIELDS = (
    "parent__title",
    "template__template_set_id",
    "template__template_set__name",
    "carried_from__employee_id",
    "carried_from__department_id",
    "carried_from__cycle_id",
    "carried_from__cycle__name",
)


def objectives_from_rows(
    names: tuple[str, ...], rows: Iterable[tuple[object, ...]], cycle: AppraisalCycle
) -> list[Objective]:
    """Objectives from ``values_list(*names)`` rows (``names``: attribute names, "id"
    among them), each with ``cycle`` cached.

    Built as ``Model.from_db`` leaves an instance (loaded from the default database),
    without ``Model.__init__``'s walk over every field and foreign-key descriptor: the
    Team page's 250 objectives cost ~4 ms that way. A column not read is deferred as
    with ``only()`` (reading it costs a query).
    """
    objectives = []
    for row in rows:
        objective = Objective.__new__(Objective)
        objective.__dict__.update(zip(names, row, strict=True))
        state = objective._state = ModelState()
        state.adding = False
        state.db = DEFAULT_DB_ALIAS
        state.fields_cache["cycle"] = cycle  # one cycle for all: no join, no copy per row
        objectives.append(objective)
    return objectives


def _loaded(model: type[_M], values: dict[str, object]) -> _M:
    """An instance of ``model`` with only ``values`` (attribute names) loaded, the others
    deferred (``from_db`` takes the values in the model's order of fields)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(DEFAULT_DB_ALIAS, names, [values[name] for name in names])


def _with_related(objective: Objective, related: tuple[object, ...]) -> None:
    """Set on ``objective`` its parent, template and original (``PLAN_RELATED_FIELDS``'
    values, none of them read where its own key is empty), each with what a plan page
    shows of it; an empty key needs nothing set (Django reads it as None, no query)."""
    title, set_id, set_name, origin_employee, origin_department, origin_cycle, origin_name = related
    cache = objective._state.fields_cache
    if objective.parent_id is not None:
        cache["parent"] = _loaded(Objective, {"id": objective.parent_id, "title": title})
    if objective.template_id is not None:
        template = _loaded(
            ObjectiveTemplate, {"id": objective.template_id, "template_set_id": set_id}
        )
        if set_id is not None:
            template._state.fields_cache["template_set"] = _loaded(
                TemplateSet, {"id": set_id, "name": set_name}
            )
        cache["template"] = template
    if objective.carried_from_id is not None:
        origin = _loaded(
            Objective,
            {
                "id": objective.carried_from_id,
                "employee_id": origin_employee,
                "department_id": origin_department,
                "cycle_id": origin_cycle,
            },
        )
        origin._state.fields_cache["cycle"] = _loaded(
            AppraisalCycle, {"id": origin_cycle, "name": origin_name}
        )
        cache["carried_from"] = origin


def plan_objectives(
    *, cycle: AppraisalCycle, employee: User | None = None, department: Department | None = None
) -> list[Objective]:
    """The subject's objectives in ``cycle``, heaviest first, with progress (``with_progress``
    without the latest check-in's confidence and date, which a plan page does not show).

    One query. The cycle and the subject are the ones asked for: set on each objective
    rather than joined. Only ``PLAN_OBJECTIVE_FIELDS`` are read (the rest deferred), with
    the parent's title, the template's set and the original's subject and cycle.
    """
    names = PLAN_OBJECTIVE_FIELDS + PROGRESS_FIELDS
    rows = (
        with_progress(
            Objective.objects.filter(cycle=cycle, employee=employee, department=department),
            checkin_details=False,
        )
        .order_by("-weight", "title")
        .values_list(*names, *PLAN_RELATED_FIELDS)
    )
    width = len(names)
    objectives = objectives_from_rows(names, (row[:width] for row in rows), cycle)
    for objective, row in zip(objectives, rows, strict=True):
        cache = objective._state.fields_cache
        cache["employee"] = employee
        cache["department"] = department
        _with_related(objective, row[width:])
    return objectives
