"""The bulk writes behind assigning a template set (``plans.templates_assign``): a
thousand people's copies are tens of thousands of rows, written in one statement
each rather than built as model instances one by one (issue 17 §1: 1,000 people in
under 5 s, ``bench/templates_assign.py``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

from django.db import connection
from django.utils import timezone

from accounts.models import User
from plans.models import AppraisalCycle, Objective, ObjectiveChange, ObjectiveTemplate, PhaseTarget
from plans.months import month_start
from plans.selectors import objective_progress


def copy_progress(
    *, cycle: AppraisalCycle, measure: str, target: Decimal | None, targets: dict[dt.date, Decimal]
) -> tuple[str, Decimal | None, dt.date]:
    """Where a new copy stands against its plan today (no check-ins yet), as
    ``objective_progress_refresh`` would store it: (state, share, as of). Every copy
    of a template has the same targets, so this is computed once per template."""
    today = timezone.localdate()
    month = month_start(today)
    before = [m for m in sorted(targets) if m < month]
    after = [m for m in sorted(targets) if m >= month]
    fake = SimpleNamespace(
        cycle=cycle,
        measure=measure,
        status=Objective.Status.ACTIVE,
        full_value=Objective(measure=measure, target=target).full_value,
        previous_planned=targets[before[-1]] if before else None,
        previous_month=before[-1] if before else None,
        upcoming_planned=targets[after[0]] if after else None,
        upcoming_month=after[0] if after else None,
        actual_now=None,
        confidence_now=None,
        last_checkin_on=None,
    )
    progress = objective_progress(cast(Objective, fake), today=today)
    return str(progress.state), progress.share, today


def _array_literal(values: list[int] | list[dt.date] | list[Decimal]) -> str:
    """``{1,2,3}``: a PostgreSQL array as one text value. Tens of thousands of values
    parse far faster so than as ``ARRAY[…]``, one expression per value."""
    return "{" + ",".join(str(value) for value in values) + "}"


def targets_insert(
    *, copies: list[tuple[int, int]], targets: dict[int, dict[dt.date, Decimal]]
) -> None:
    """Each new copy's phase targets: those of its template. ``copies`` are (objective
    id, template id); ``targets`` template id -> month -> planned. One INSERT of
    arrays, planned by the database the same way whatever the tables hold."""
    objective_ids: list[int] = []
    months: list[dt.date] = []
    planned: list[Decimal] = []
    for objective_id, template_id in copies:
        for month, value in targets[template_id].items():
            objective_ids.append(objective_id)
            months.append(month)
            planned.append(value)
    if not objective_ids:
        return
    if connection.vendor != "postgresql":  # the zero-setup demo's SQLite: no unnest
        PhaseTarget.objects.bulk_create(
            PhaseTarget(objective_id=objective_id, month=month, planned=value)
            for objective_id, month, value in zip(objective_ids, months, planned, strict=True)
        )
        return
    sql = (
        f"INSERT INTO {PhaseTarget._meta.db_table} (objective_id, month, planned) "  # noqa: S608
        "SELECT * FROM unnest(%s::bigint[], %s::date[], %s::numeric[])"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [_array_literal(objective_ids), _array_literal(months), _array_literal(planned)],
        )


def created_history_insert(
    *, actor: User, copies: list[tuple[int, int]], titles: dict[int, str]
) -> None:
    """A "created" history entry for each new copy (as ``objective_create`` records):
    ``copies`` are (objective id, template id), ``titles`` template id -> title."""
    if not copies:
        return
    if connection.vendor != "postgresql":  # the zero-setup demo's SQLite: no unnest
        now = timezone.now()
        ObjectiveChange.objects.bulk_create(
            ObjectiveChange(
                objective_id=objective_id,
                changed_by=actor,
                changed_at=now,
                reason="",
                changes={"created": [None, titles[template_id]]},
            )
            for objective_id, template_id in copies
        )
        return
    sql = (
        f"INSERT INTO {ObjectiveChange._meta.db_table} "  # noqa: S608
        "(objective_id, changed_by_id, changed_at, reason, changes) "
        "SELECT c.id, %s, %s, '', jsonb_build_object('created', jsonb_build_array(NULL, c.title)) "
        "FROM unnest(%s::bigint[], %s::text[]) AS c(id, title)"
    )
    ids = [objective_id for objective_id, _template_id in copies]
    names = [titles[template_id] for _objective_id, template_id in copies]
    with connection.cursor() as cursor:
        cursor.execute(sql, [actor.pk, timezone.now(), _array_literal(ids), names])


def first_changes(
    *, objective_ids: list[int], employee_ids: list[int]
) -> dict[int, ObjectiveChange]:
    """For each of ``employee_ids``, the history entry of their first new copy (what a
    reopening names as its cause)."""
    result: dict[int, ObjectiveChange] = {}
    if not employee_ids:
        return result
    changes = (
        ObjectiveChange.objects.filter(
            objective_id__in=objective_ids, objective__employee_id__in=employee_ids
        )
        .select_related("objective")
        .order_by("objective_id")
    )
    for change in changes:
        employee_id = change.objective.employee_id
        if employee_id is not None:
            result.setdefault(employee_id, change)
    return result


def _copies_bulk_create(
    *,
    actor: User,
    cycle: AppraisalCycle,
    pairs: list[tuple[int, ObjectiveTemplate]],
    progress: dict[int, tuple[str, Decimal | None, dt.date]],
) -> list[tuple[int, int]]:
    """``copies_insert`` for SQLite, the zero-setup demo's database (no ``unnest``): the
    same copies through ``bulk_create``, slower but the same rows."""
    now = timezone.now()
    copies = []
    for employee_id, template in pairs:
        parent = template.parent
        state, share, as_of = progress[template.pk]
        copies.append(
            Objective(
                title=template.title,
                description=template.description,
                weight=template.default_weight,
                measure=template.measure,
                unit=template.unit,
                target=template.target,
                status=Objective.Status.ACTIVE,
                created_at=now,
                updated_at=now,
                created_by=actor,
                cycle=cycle,
                employee_id=employee_id,
                owner_id=employee_id,
                parent_id=parent.pk if parent is not None and parent.cycle_id == cycle.pk else None,
                progress_as_of=as_of,
                progress_state=state,
                progress_share=share,
                template_id=template.pk,
            )
        )
    created = Objective.objects.bulk_create(copies)
    return [(objective.pk, cast(int, objective.template_id)) for objective in created]


def copies_insert(
    *,
    actor: User,
    cycle: AppraisalCycle,
    pairs: list[tuple[int, ObjectiveTemplate]],
    progress: dict[int, tuple[str, Decimal | None, dt.date]],
) -> list[tuple[int, int]]:
    """One objective per (employee id, template) in ``pairs``, copied from the template
    as it was checked (not as it may be stored a moment later), in one INSERT …
    SELECT; returns the new ids. The alignment is kept only to an objective of
    ``cycle``; ``progress`` (template id -> ``copy_progress``) is stored with it.
    Returns (objective id, template id) of each copy."""
    if not pairs:
        return []
    if connection.vendor != "postgresql":
        return _copies_bulk_create(actor=actor, cycle=cycle, pairs=pairs, progress=progress)
    templates = {template.pk: template for _employee, template in pairs}
    columns: dict[str, list[object]] = {
        name: []
        for name in (
            "id", "title", "description", "weight", "measure", "unit", "target", "parent",
            "state", "share", "as_of",
        )
    }  # fmt: skip
    for template in templates.values():
        parent = template.parent
        state, share, as_of = progress[template.pk]
        for name, value in (
            ("id", template.pk),
            ("title", template.title),
            ("description", template.description),
            ("weight", template.default_weight),
            ("measure", template.measure),
            ("unit", template.unit),
            ("target", template.target),
            ("parent", parent.pk if parent is not None and parent.cycle_id == cycle.pk else None),
            ("state", state),
            ("share", share),
            ("as_of", as_of),
        ):
            columns[name].append(value)
    now = timezone.now()
    sql = (
        f"INSERT INTO {Objective._meta.db_table} ("  # noqa: S608
        "title, description, weight, measure, unit, target, status, created_at, updated_at, "
        "created_by_id, cycle_id, department_id, employee_id, owner_id, parent_id, "
        "progress_as_of, progress_state, progress_share, version, alignment_flagged_at, "
        "carried_from_id, template_id) "
        "SELECT t.title, t.description, t.weight, t.measure, t.unit, t.target, %s, %s, %s, "
        "%s, %s, NULL, r.employee_id, r.employee_id, t.parent, "
        "t.as_of, t.state, t.share, 1, NULL, NULL, t.id "
        "FROM unnest(%s::bigint[], %s::bigint[]) AS r(employee_id, template_id) "
        "JOIN unnest(%s::bigint[], %s::varchar[], %s::text[], %s::smallint[], %s::varchar[], "
        "%s::varchar[], %s::numeric[], %s::bigint[], %s::varchar[], %s::numeric[], %s::date[]) "
        "AS t(id, title, description, weight, measure, unit, target, parent, state, share, as_of) "
        "ON t.id = r.template_id RETURNING id, template_id"
    )
    params: list[Any] = [
        Objective.Status.ACTIVE.value,
        now,
        now,
        actor.pk,
        cycle.pk,
        _array_literal([employee_id for employee_id, _template in pairs]),
        _array_literal([template.pk for _employee, template in pairs]),
        *columns.values(),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], row[1]) for row in cursor.fetchall()]
