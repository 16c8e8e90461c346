"""Calibration of a cycle's ratings across departments (issue 17 §4): reads and writes.

HR starts one calibration per ended or closed cycle and chooses the department
heads who take part. HR and the participants see every person's rating of the
cycle (the whole cycle, not only their departments: calibrating *across*
departments means comparing them), each beside the person's weighted
completion, grouped by department and by line manager of the cycle's end, with
outliers flagged; they adjust a rating with a reason. HR marks the calibration
done (ratings are frozen: no proposal, no adjustment), may reopen it with a
reason, and publishes it: every person then sees their final rating. After
publishing nothing changes.

A person's *rating* here is ``CycleResult.final_rating`` where it is set, else
``proposed_rating`` ("final, i.e. proposed unless adjusted"); publishing writes
the proposal into every empty ``final_rating``. Only people's results are
calibrated: a department's result keeps the rating proposed for it.

Outliers (the thresholds are the constants below):

- *High rating on low completion*: one of the top ``HIGH_STEPS`` steps of the
  cycle's scale (only the top step on a scale of fewer than four steps) with a
  weighted completion under ``HIGH_RATING_LOW_COMPLETION`` %.
- *Low rating on high completion*: the lowest step with a completion over
  ``LOW_RATING_HIGH_COMPLETION`` %.
- *A manager far from the rest*: a line manager with at least
  ``MANAGER_MIN_RATED`` people rated on the scale whose average step (0 for the
  lowest) differs from the organisation's average by more than
  ``MANAGER_GAP_SHARE`` of the scale's span — one step on a five-step scale,
  half a step on a three-step one. A simple distance, not a z-score: with a
  dozen people per manager a standard deviation says little, and "half a step
  above everyone else" is what a calibration meeting discusses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from accounts.selectors import department_subtree_ids
from plans.models import AppraisalCycle
from reviews.models import (
    DEFAULT_RATING_SCALE,
    Calibration,
    CalibrationEvent,
    CycleResult,
    RatingAdjustment,
    rating_label,
)

HIGH_STEPS = 2
HIGH_RATING_LOW_COMPLETION = Decimal(70)
LOW_RATING_HIGH_COMPLETION = Decimal(100)
MANAGER_GAP_SHARE = 0.25
MANAGER_MIN_RATED = 3
PEOPLE_PAGE_SIZE = 50
MANAGERS_PAGE_SIZE = 20

Step = CalibrationEvent.Step


# --- The scale -------------------------------------------------------------------------


def cycle_scale(cycle: AppraisalCycle) -> list[str]:
    """The cycle's rating values, lowest first: its own labels or the default scale's keys."""
    return [str(value) for value in (cycle.rating_scale or DEFAULT_RATING_SCALE)]


def high_ratings(scale: list[str]) -> list[str]:
    """The ratings that count as high for the outlier rule (see the module's docstring)."""
    if not scale:
        return []
    return scale[-HIGH_STEPS:] if len(scale) >= 4 else scale[-1:]  # noqa: PLR2004


def rating_expression() -> Coalesce:
    """A result's rating as SQL: the final rating where set, else the proposal ('' if none)."""
    return Coalesce(NullIf(F("final_rating"), Value("")), F("proposed_rating"), Value(""))


def rating_of(result: CycleResult) -> str:
    """A result's rating (final unless empty, else proposed; '' when neither is set)."""
    return result.final_rating or result.proposed_rating


def is_ended(cycle: AppraisalCycle) -> bool:
    """A cycle may be calibrated once closed or past its end date."""
    return cycle.is_closed or cycle.end_date < timezone.localdate()


# --- Reads -----------------------------------------------------------------------------


def calibration_of(cycle: AppraisalCycle | int) -> Calibration | None:
    """The cycle's calibration, or None when HR has not started one (one query)."""
    cycle_id = cycle if isinstance(cycle, int) else cycle.pk
    return (
        Calibration.objects.select_related("started_by", "done_by", "published_by")
        .filter(cycle_id=cycle_id)
        .first()
    )


def proposals_open(cycle: AppraisalCycle) -> bool:
    """May managers still propose (or change) ratings of ``cycle``? Not once the calibration
    is done or published (§4: "no more proposals/adjustments"). One query."""
    return not Calibration.objects.filter(
        Q(done_at__isnull=False) | Q(published_at__isnull=False), cycle=cycle
    ).exists()


def adjustments_of(result: CycleResult) -> list[RatingAdjustment]:
    """The rating adjustments of ``result``, newest first, with who made each (one query).

    Each has ``actor`` (or None if that account was deleted), ``at``, ``from_rating``,
    ``to_rating`` (stored values: show them with ``rating_label``) and ``reason``.
    For HR, the participants and the manager; never for the person before publishing.
    """
    return list(RatingAdjustment.objects.filter(result=result).select_related("actor"))


def calibration_events(calibration: Calibration) -> list[CalibrationEvent]:
    """The calibration's steps, newest first, with who took each."""
    return list(calibration.events.select_related("actor"))


def participant_choices() -> QuerySet[User]:
    """Who HR may choose as participants: the active heads of departments."""
    heads = Department.objects.filter(head_id=OuterRef("pk"))
    return User.objects.filter(Exists(heads), is_active=True).order_by("full_name", "pk")


def calibrated_results(cycle: AppraisalCycle) -> QuerySet[CycleResult]:
    """The people's results of ``cycle`` (department results are not calibrated),
    each with ``rating`` annotated (see ``rating_expression``)."""
    return CycleResult.objects.filter(cycle=cycle, employee__isnull=False).annotate(
        rating=rating_expression()
    )


@dataclass
class GroupRow:
    """One department's or one manager's ratings: counts per rating in scale order."""

    pk: int | None
    name: str
    counts: list[int]
    other: int = 0  # rated, but on no step of the scale (an older scale)
    unrated: int = 0
    average_step: float | None = None
    gap: float | None = None
    flagged: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts) + self.other + self.unrated

    @property
    def cells(self) -> list[str]:
        """The counts as text: a page of 600 managers' cells renders without localising
        each number (plain integers read the same in every language here)."""
        return [str(count) for count in self.counts]


@dataclass
class Distribution:
    """The cycle's ratings by department and by manager, and the organisation's average."""

    scale: list[str]
    departments: list[GroupRow]
    managers: list[GroupRow]
    organisation: GroupRow
    flagged_manager_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def labels(self) -> list[str]:
        return [rating_label(value) for value in self.scale]

    def charts(self, managers: list[GroupRow]) -> dict[str, Any]:
        """Chart data (the tables beside the charts show the same numbers)."""

        def chart(rows: list[GroupRow]) -> dict[str, Any]:
            return {
                "labels": [row.name for row in rows],
                "series": {
                    label: [row.counts[index] for row in rows]
                    for index, label in enumerate(self.labels)
                },
            }

        return {"by_department": chart(self.departments), "by_manager": chart(managers)}


def _group_rows(
    rows: list[dict[str, Any]], key: str, names: dict[int, str], scale: list[str], nobody: str
) -> dict[int | None, GroupRow]:
    index = {value: position for position, value in enumerate(scale)}
    groups: dict[int | None, GroupRow] = {}
    for row in rows:
        pk = row[key]
        group = groups.get(pk)
        if group is None:
            name = names.get(pk, nobody) if pk is not None else nobody
            group = groups[pk] = GroupRow(pk=pk, name=name, counts=[0] * len(scale))
        if row["rating"] == "":
            group.unrated += row["n"]
        elif row["rating"] in index:
            group.counts[index[row["rating"]]] += row["n"]
        else:
            group.other += row["n"]
    return groups


def _average(row: GroupRow) -> float | None:
    rated = sum(row.counts)
    if not rated:
        return None
    return sum(step * count for step, count in enumerate(row.counts)) / rated


def rating_distribution(
    cycle: AppraisalCycle, *, department_names: dict[int, str] | None = None
) -> Distribution:
    """Counts per rating by department and by line manager of the cycle's end: one
    GROUP BY query and two for the names, whatever the organisation's size (§4, §5);
    one for the names when the caller passes every department's name (pk → name, as
    the page's department filter has them already).

    Departments are sorted by name, managers by their distance from the
    organisation's average step, farthest first (flagged ones first).
    """
    scale = cycle_scale(cycle)
    # One scan grouped by department, manager and rating (no joins), then the names:
    # cheaper than a grouped join per table. "rating" is the annotation of
    # ``calibrated_results``, which the stubs cannot see.
    rows = list(
        calibrated_results(cycle)
        .order_by()
        .values("home_department_id", "line_manager_id", "rating")  # type: ignore[misc]
        .annotate(n=Count("pk"))
    )
    department_ids = {row["home_department_id"] for row in rows} - {None}
    manager_ids = {row["line_manager_id"] for row in rows} - {None}
    if department_names is None:
        department_names = dict(
            Department.objects.filter(pk__in=department_ids).values_list("pk", "name")
        )
    manager_names = dict(User.objects.filter(pk__in=manager_ids).values_list("pk", "full_name"))
    departments = _group_rows(
        rows, "home_department_id", department_names, scale, _("No department")
    )
    managers = _group_rows(rows, "line_manager_id", manager_names, scale, _("No manager"))
    organisation = GroupRow(pk=None, name=_("Organisation"), counts=[0] * len(scale))
    for row in departments.values():
        organisation.counts = [a + b for a, b in zip(organisation.counts, row.counts, strict=True)]
        organisation.other += row.other
        organisation.unrated += row.unrated
    organisation.average_step = _average(organisation)
    span = max(len(scale) - 1, 1)
    for group in (*departments.values(), *managers.values()):
        group.average_step = _average(group)
        if group.average_step is not None and organisation.average_step is not None:
            group.gap = group.average_step - organisation.average_step
    for manager in managers.values():
        manager.flagged = bool(
            manager.pk is not None
            and manager.gap is not None
            and sum(manager.counts) >= MANAGER_MIN_RATED
            and abs(manager.gap) > MANAGER_GAP_SHARE * span
        )
    manager_rows = sorted(
        managers.values(), key=lambda row: (not row.flagged, -abs(row.gap or 0), row.name)
    )
    return Distribution(
        scale=scale,
        departments=sorted(departments.values(), key=lambda row: row.name.casefold()),
        managers=manager_rows,
        organisation=organisation,
        flagged_manager_ids=frozenset(row.pk for row in manager_rows if row.flagged and row.pk),
    )


def managers_page(distribution: Distribution, number: Any) -> Page[GroupRow]:
    """A page of the managers' table (farthest from the organisation first)."""
    return Paginator(distribution.managers, MANAGERS_PAGE_SIZE).get_page(number)


def outlier_q(distribution: Distribution) -> Q:
    """The people flagged as outliers, as a filter (see the module's docstring)."""
    scale = distribution.scale
    if not scale:
        return Q(pk__in=[])
    return (
        Q(rating__in=high_ratings(scale), completion__lt=HIGH_RATING_LOW_COMPLETION)
        | Q(rating=scale[0], completion__gt=LOW_RATING_HIGH_COMPLETION)
        | Q(line_manager_id__in=distribution.flagged_manager_ids)
    )


def person_flags(
    *,
    rating: str,
    completion: Decimal | None,
    line_manager_id: int | None,
    distribution: Distribution,
) -> list[str]:
    """Why a result (its ``rating`` as ``rating_of`` reads it, weighted ``completion`` in
    per cent and line manager) is flagged: translated, empty when it is not."""
    flags = []
    scale = distribution.scale
    if completion is not None and scale:
        if rating in high_ratings(scale) and completion < HIGH_RATING_LOW_COMPLETION:
            flags.append(_("High rating, low completion"))
        if rating == scale[0] and completion > LOW_RATING_HIGH_COMPLETION:
            flags.append(_("Low rating, high completion"))
    if line_manager_id in distribution.flagged_manager_ids:
        flags.append(_("Manager's ratings far from the rest"))
    return flags


# What the people table shows of a result, its people and its adjustments
# (``calibration_tags.people_rows``, ``person_flags``), as values: whole rows of three
# people each cost more to build than to fetch.
PAGE_FIELDS = (
    "pk",
    "employee_id",
    "employee__full_name",
    "home_department__name",
    "line_manager_id",
    "line_manager__full_name",
    "completion",
    "proposed_rating",
    "rating",
)
ADJUSTMENT_FIELDS = ("result_id", "at", "actor__full_name", "from_rating", "to_rating", "reason")


def people_page(
    cycle: AppraisalCycle,
    distribution: Distribution,
    *,
    department: int | None = None,
    manager: int | None = None,
    outliers_only: bool = False,
    number: Any = 1,
    viewer_id: int | None = None,
) -> Page[dict[str, Any]]:
    """A page of the cycle's people with rating, completion, flags and adjustments.

    Two queries for the page (its count, its rows) and one for the page's adjustments,
    whatever the size. Each row is a dict of ``PAGE_FIELDS`` (``rating`` as
    ``rating_expression``) with ``flags`` (``person_flags``) and ``adjustments`` (dicts
    of ``ADJUSTMENT_FIELDS``, newest first). ``department`` includes those below it.
    The viewer's own result is never listed: nobody reads their own proposal before it
    is published (it still counts in the distribution).
    """
    results = calibrated_results(cycle).exclude(employee_id=viewer_id)
    if department is not None:
        results = results.filter(home_department_id__in=department_subtree_ids(department))
    if manager is not None:
        results = results.filter(line_manager_id=manager)
    if outliers_only:
        results = results.filter(outlier_q(distribution))
    # The page's keys sorted on a narrow row (name and key) in a subquery, then the page's
    # 50 rows in full: sorting ten thousand whole joined rows took over twice as long.
    order = ("employee__full_name", "pk")
    keys = results.order_by(*order).values_list("pk", flat=True)
    keys_page = Paginator(keys, PEOPLE_PAGE_SIZE).get_page(number)
    rows = list(
        calibrated_results(cycle)
        .filter(pk__in=keys_page.object_list)  # the page's slice of keys, as a subquery
        .order_by(*order)
        .values(*PAGE_FIELDS)
    )
    page: Page[dict[str, Any]] = Page(
        rows,
        keys_page.number,
        keys_page.paginator,  # type: ignore[arg-type]  # counts the same rows
    )
    adjustments: dict[int, list[dict[str, Any]]] = {}
    for adjustment in RatingAdjustment.objects.filter(
        result_id__in=[row["pk"] for row in rows]
    ).values(*ADJUSTMENT_FIELDS):
        adjustments.setdefault(adjustment["result_id"], []).append(adjustment)
    for row in rows:
        row["flags"] = person_flags(
            rating=row["rating"],
            completion=row["completion"],
            line_manager_id=row["line_manager_id"],
            distribution=distribution,
        )
        row["adjustments"] = adjustments.get(row["pk"], [])
    return page


def calibrations_visible_to(user: User, *, is_hr: bool) -> QuerySet[AppraisalCycle]:
    """Cycles for the calibrations list: HR every ended or closed cycle (with or without a
    calibration); others the cycles whose calibration they take part in."""
    cycles = AppraisalCycle.objects.select_related(
        "calibration", "calibration__published_by"
    ).order_by("-start_date", "name")
    if is_hr:
        return cycles.filter(
            Q(state=AppraisalCycle.State.CLOSED)
            | Q(end_date__lt=timezone.localdate())
            | Q(calibration__isnull=False)
        )
    return cycles.filter(calibration__participants=user)
