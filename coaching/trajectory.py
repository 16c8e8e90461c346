"""The coaching trajectory (issue 17 §5): month by month, the kinds of coaching a person
received, with the confidence of their check-ins and the lag of their phase targets
beside, and a reading in plain words — growing towards encouragement, steady, or stuck
needing instruction.

Only what every reader of a person's sessions may see goes in: the date and type of
each session (HR's metadata; ``coaching.permissions``), never a note, private or shared.
Where the numbers come from:

- **sessions**: the person's sessions (as the employee coached) held in the month —
  planned ones (dated after today) are no coaching yet — counted by type;
- **confidence**: the mean ``CheckIn.confidence`` (1-5) of the check-ins on the person's
  objectives recorded in the month;
- **lag**: from the stored phase-target verdicts (``plans.TargetCheck``), not recomputed
  from the plan: a verdict is taken once the month's time node has passed, with the
  target and the value reached as they stood then (the same record the checkpoint the
  coach talked through was opened from), so a plan changed later does not rewrite the
  lag the coaching answered; and one query reads them for any number of people. The
  review table rows would give the same month-end picture but only for months whose
  table exists and is filled in. A month's lag is the weighted share of its phase
  targets not reached, in percentage points: 0 when every target was met, 100 when
  nothing was reached; each objective weighs its weight (equally if all weigh 0). A
  month whose node has not passed, or was not checked, has no lag.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coaching.models import CoachingSession, CoachingType
from coaching.permissions import sessions_visible_to
from coaching.trajectory_figures import confidence_by_month, lags_by_month
from plans.models import AppraisalCycle
from plans.months import first_of_previous_month, month_end, month_start, months_between
from plans.permissions import former_periods_only

# How directive each kind of coaching is: the reading compares these.
LEVEL: dict[str, int] = {
    CoachingType.INSTRUCTION: 0,
    CoachingType.GUIDANCE: 1,
    CoachingType.ENCOURAGEMENT: 2,
}
TYPES = list(CoachingType.values)  # instruction, guidance, encouragement
STUCK_MONTHS = 3
GROWTH_STEP = Decimal("0.5")
DEFAULT_MONTHS = 12


class Reading(StrEnum):
    GROWING = "growing"
    STEADY = "steady"
    STUCK = "stuck"
    SLIPPING = "slipping"
    TOO_LITTLE = "too_little"


READING_LABELS = {
    Reading.GROWING: _("Growing towards encouragement"),
    Reading.STEADY: _("Steady"),
    Reading.STUCK: _("Stuck needing instruction"),
    Reading.SLIPPING: _("Needing more instruction again"),
    Reading.TOO_LITTLE: _("Too little coaching to read"),
}
READING_EXPLANATIONS = {
    Reading.GROWING: _(
        "The coaching of the later months is at least half a step nearer encouragement "
        "than that of the earlier months."
    ),
    Reading.STEADY: _(
        "The coaching of the later months is about as directive as that of the earlier months."
    ),
    Reading.STUCK: _(
        "Three months in a row up to the latest, most sessions were specific instruction."
    ),
    Reading.SLIPPING: _(
        "The coaching of the later months is at least half a step nearer specific "
        "instruction than that of the earlier months."
    ),
    Reading.TOO_LITTLE: _("Sessions were held in fewer than two months of the period."),
}
READING_STYLES = {
    Reading.GROWING: "text-bg-success",
    Reading.STEADY: "text-bg-secondary",
    Reading.STUCK: "text-bg-danger",
    Reading.SLIPPING: "text-bg-warning",
    Reading.TOO_LITTLE: "text-bg-light",
}


@dataclass(frozen=True)
class TrajectoryMonth:
    """One month: sessions by type, mean check-in confidence (1-5, one decimal, None
    without check-ins) and lag (percentage points short of the month's phase targets,
    None when none was checked)."""

    month: dt.date
    counts: dict[str, int]
    confidence: Decimal | None = None
    checkins: int = 0
    lag: int | None = None
    targets_checked: int = 0
    targets_missed: int = 0

    @property
    def instruction(self) -> int:
        return self.counts.get(CoachingType.INSTRUCTION, 0)

    @property
    def guidance(self) -> int:
        return self.counts.get(CoachingType.GUIDANCE, 0)

    @property
    def encouragement(self) -> int:
        return self.counts.get(CoachingType.ENCOURAGEMENT, 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def dominant(self) -> str | None:
        """The type of most of the month's sessions; a tie goes to the more directive."""
        if not self.total:
            return None
        return max(TYPES, key=lambda kind: (self.counts.get(kind, 0), -LEVEL[kind]))

    @property
    def dominant_label(self) -> str:
        return str(CoachingType(self.dominant).label) if self.dominant else ""

    @property
    def level(self) -> Decimal | None:
        """Mean of the sessions' levels: 0 all instruction ... 2 all encouragement."""
        if not self.total:
            return None
        weighted = sum(LEVEL[kind] * n for kind, n in self.counts.items())
        return Decimal(weighted) / Decimal(self.total)

    @property
    def mostly_instruction(self) -> bool:
        """More than half of the month's sessions were specific instruction."""
        return self.total > 0 and 2 * self.instruction > self.total


def is_stuck(months: list[TrajectoryMonth]) -> bool:
    """The "stuck" rule (issue 17 §5): the latest month with sessions is the last month
    of ``months`` or the one before it, and it and the two calendar months before it
    each had sessions held, more than half of them specific instruction. A month without
    sessions breaks the run. ``months`` is consecutive, oldest first.

    ``stuck_people`` applies the same rule in the database, with today's month last.
    """
    if months and not months[-1].total:
        months = months[:-1]
    recent = months[-STUCK_MONTHS:]
    return len(recent) == STUCK_MONTHS and all(month.mostly_instruction for month in recent)


def reading_of(months: list[TrajectoryMonth], *, lookback: list[TrajectoryMonth]) -> Reading:
    """The trajectory in plain words (issue 17 §5), by these rules in order:

    1. **stuck needing instruction**: ``is_stuck`` over ``lookback`` (``months`` with the
       few months before them, so that a period begun lately reads as the overview does);
    2. **too little coaching to read**: sessions in fewer than two months of ``months``;
    3. otherwise the months with sessions are split in two halves (the later half takes
       the middle month) and each month's level averaged (instruction 0, guidance 1,
       encouragement 2, a month's level being the mean over its sessions): the later
       half half a step (0.5) or more above the earlier is **growing towards
       encouragement**, half a step or more below is **needing more instruction
       again**, anything between is **steady**.
    """
    if is_stuck(lookback):
        return Reading.STUCK
    levels = [level for level in (month.level for month in months) if level is not None]
    if len(levels) < 2:
        return Reading.TOO_LITTLE
    half = len(levels) // 2
    earlier, later = levels[:half], levels[half:]
    shift = sum(later, Decimal(0)) / len(later) - sum(earlier, Decimal(0)) / len(earlier)
    if shift >= GROWTH_STEP:
        return Reading.GROWING
    if shift <= -GROWTH_STEP:
        return Reading.SLIPPING
    return Reading.STEADY


@dataclass(frozen=True)
class Trajectory:
    """A person's months, oldest first, and their reading."""

    employee_id: int
    months: list[TrajectoryMonth]
    reading: Reading
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(READING_LABELS[self.reading])

    @property
    def explanation(self) -> str:
        return str(READING_EXPLANATIONS[self.reading])

    @property
    def style(self) -> str:
        return READING_STYLES[self.reading]

    @property
    def is_stuck(self) -> bool:
        return self.reading == Reading.STUCK

    @property
    def first_month(self) -> dt.date | None:
        return self.months[0].month if self.months else None

    @property
    def last_month(self) -> dt.date | None:
        return self.months[-1].month if self.months else None

    @property
    def session_total(self) -> int:
        return sum(self.totals.values())

    @property
    def chart_id(self) -> str:
        return f"trajectory-data-{self.employee_id}"

    def chart(self) -> dict[str, Any]:
        """The chart's data (json_script): translated names; the table shows the same."""
        return {
            "labels": [date_format(m.month, "YEAR_MONTH_FORMAT") for m in self.months],
            "series": {
                str(label): [m.counts.get(kind, 0) for m in self.months]
                for kind, label in CoachingType.choices
            },
            "confidence": {
                "label": str(_("Confidence (1-5)")),
                "values": [
                    float(m.confidence) if m.confidence is not None else None for m in self.months
                ],
            },
            "lag": {
                "label": str(_("Lag (per cent of the plan not reached)")),
                "values": [m.lag for m in self.months],
            },
            "sessions_axis": str(_("Sessions")),
        }


# Counted by a caller from rows it read, for the days from the first to the last given
# (None where its rows do not reach back that far): sessions {(person, month): {type:
# n}}, check-ins {(person, month): {"mean": confidence, "n": check-ins}}.
SessionCounts = Callable[[dt.date, dt.date], dict[tuple[int, dt.date], dict[str, int]] | None]
ConfidenceCounts = Callable[[dt.date, dt.date], dict[tuple[int, dt.date], dict[str, Any]] | None]


@dataclass(frozen=True)
class Counted:
    sessions: SessionCounts | None = None
    confidence: ConfidenceCounts | None = None


# --- Reading from the database -------------------------------------------------------


def trajectory_period(
    *, cycle: AppraisalCycle | None = None, today: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """The months a trajectory shows, as (first month, last month), first days.

    ``cycle`` given: its months, up to today's month while it runs. Otherwise the active
    cycle that contains today (``plans.selectors.current_cycle``'s first choice; one
    query), else the last twelve months up to today's.
    """
    today = today or timezone.localdate()
    this_month = month_start(today)
    dates = (
        (cycle.start_date, cycle.end_date)
        if cycle is not None
        else AppraisalCycle.objects.filter(
            state=AppraisalCycle.State.ACTIVE, start_date__lte=today, end_date__gte=today
        )
        .values_list("start_date", "end_date")
        .first()
    )
    if dates is not None:
        first = month_start(dates[0])
        last = min(month_start(dates[1]), max(this_month, first))
        return first, last
    months = months_between(this_month - dt.timedelta(days=366), this_month)
    return months[-DEFAULT_MONTHS], this_month


def _lookback_start(first: dt.date, last: dt.date) -> dt.date:
    """The first month the stuck rule may look at: the period's, or three before its last."""
    start = last
    for _step in range(STUCK_MONTHS):
        start = first_of_previous_month(start)
    return min(first, start)


def trajectories_of(
    *,
    employee_ids: Iterable[int],
    first_month: dt.date,
    last_month: dt.date,
    today: dt.date | None = None,
    sessions: QuerySet[CoachingSession] | None = None,
    checkins: Q | None = None,
    target_checks: Q | None = None,
    with_progress: bool = True,
    counted: Counted | None = None,
) -> dict[int, Trajectory]:
    """Trajectories of many people over the same months: three queries, whatever their
    number (one without ``with_progress``: sessions only, no confidence or lag, which
    the reading does not need). ``sessions`` (a queryset), ``checkins`` and
    ``target_checks`` (filters on ``CheckIn`` and ``TargetCheck``) narrow what is
    counted to what the reader may see; by default everything is. Sessions dated after
    ``today`` are planned, not counted. ``counted``: the sessions by month and type, or
    the check-ins' confidence by month, as the reader sees them, already counted by the
    caller from rows it read (``coaching.timeline``): not queried again. Returns
    ``{employee id: Trajectory}`` for every id given.
    """
    ids = sorted(set(employee_ids))
    today = today or timezone.localdate()
    months = months_between(first_month, last_month)
    lookback_months = months_between(_lookback_start(first_month, last_month), last_month)
    if not ids or not months:
        return {pk: Trajectory(pk, [], Reading.TOO_LITTLE) for pk in ids}
    start, end = lookback_months[0], min(month_end(last_month), today)
    counts: dict[tuple[int, dt.date], dict[str, int]] = defaultdict(dict)
    found = counted.sessions(start, end) if counted and counted.sessions else None
    if found is not None:
        counts.update(found)
    else:
        session_rows = (
            (sessions if sessions is not None else CoachingSession.objects.all())
            .filter(employee_id__in=ids, held_on__gte=start, held_on__lte=end)
            .annotate(month=TruncMonth("held_on"))
            .values("employee_id", "month", "type")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in session_rows:
            if row["type"] in LEVEL:
                counts[(row["employee_id"], row["month"])][row["type"]] = row["n"]
    confidence = (
        counted.confidence(first_month, month_end(last_month))
        if with_progress and counted and counted.confidence
        else None
    )
    if confidence is None:
        confidence = (
            confidence_by_month(ids, first_month, last_month, checkins) if with_progress else {}
        )
    lags = lags_by_month(ids, first_month, last_month, target_checks) if with_progress else {}
    # A month with nothing in it is the same for everyone: one (immutable) value each.
    blank = {month: TrajectoryMonth(month=month, counts={}) for month in lookback_months}
    offset = len(lookback_months) - len(months)
    result = {}
    for pk in ids:
        series = []
        for month in lookback_months:
            key = (pk, month)
            kinds = counts.get(key)
            mean = confidence.get(key)
            checked = lags.get(key)
            if kinds is None and mean is None and checked is None:
                series.append(blank[month])
                continue
            series.append(
                TrajectoryMonth(
                    month=month,
                    counts=dict(kinds) if kinds else {},
                    confidence=(
                        Decimal(str(mean["mean"])).quantize(Decimal("0.1")) if mean else None
                    ),
                    checkins=mean["n"] if mean else 0,
                    lag=checked[0] if checked else None,
                    targets_checked=checked[1] if checked else 0,
                    targets_missed=checked[2] if checked else 0,
                )
            )
        shown = series[offset:]
        totals = dict.fromkeys(TYPES, 0)
        for month_counts in (m.counts for m in shown if m.counts):
            for kind, n in month_counts.items():
                totals[kind] += n
        result[pk] = Trajectory(pk, shown, reading_of(shown, lookback=series), totals)
    return result


def person_trajectory(
    *,
    viewer: User,
    person: User,
    cycle: AppraisalCycle | None = None,
    today: dt.date | None = None,
    with_progress: bool = True,
    counted: Counted | None = None,
) -> Trajectory:
    """``person``'s trajectory as ``viewer`` may see it (the caller has checked that
    ``viewer`` may read the person: ``plans.permissions.get_employee_subject``), over
    ``cycle`` or the default period (``trajectory_period``). Four queries at most; two
    without ``with_progress`` (no confidence or lag: the reading alone); fewer with
    ``counted`` (``trajectories_of``): its check-ins count only for a reader of all of
    them.

    The sessions are those ``viewer`` sees (``sessions_visible_to``: a former line
    manager, the sessions of the time they managed; all of them for the person, their
    managers and HR); check-ins and phase-target verdicts likewise, for a former manager
    only those of the periods they managed.
    """
    today = today or timezone.localdate()
    first, last = trajectory_period(cycle=cycle, today=today)
    periods = former_periods_only(viewer, person)
    checkins: Q | None = None
    target_checks: Q | None = None
    sessions = None  # the person, a manager above them or HR: every session of theirs
    if periods is not None:
        sessions = sessions_visible_to(viewer)
        checkins, target_checks = Q(pk__in=[]), Q(pk__in=[])
        for start, end in periods:
            checkins |= Q(recorded_on__gte=start, recorded_on__lte=end)
            target_checks |= Q(month__gte=month_start(start), month__lte=month_start(end))
        if counted is not None:
            counted = Counted(sessions=counted.sessions)
    return trajectories_of(
        employee_ids=[person.pk],
        first_month=first,
        last_month=last,
        today=today,
        sessions=sessions,
        checkins=checkins,
        target_checks=target_checks,
        with_progress=with_progress,
        counted=counted,
    )[person.pk]


def stuck_people(people: QuerySet[User], *, today: dt.date | None = None) -> QuerySet[User]:
    """``people`` narrowed to those stuck needing instruction now: ``is_stuck`` with
    today's month last, in one query (a filter of the list's own query)."""
    today = today or timezone.localdate()
    months = [month_start(today)]
    for _step in range(STUCK_MONTHS):
        months.append(first_of_previous_month(months[-1]))
    held = CoachingSession.objects.filter(employee=OuterRef("pk"), held_on__lte=today)

    def in_month(month: dt.date) -> QuerySet[CoachingSession]:
        return held.filter(held_on__gte=month, held_on__lte=month_end(month))

    def margin(month: dt.date) -> Subquery:
        # Instruction sessions minus the others: above 0 when most were instruction;
        # NULL (never above 0) for a month without sessions.
        return Subquery(
            in_month(month)
            .order_by()
            .values("employee")
            .annotate(m=2 * Count("pk", filter=Q(type=CoachingType.INSTRUCTION)) - Count("pk"))
            .values("m")
        )

    marked = people.annotate(
        **{f"instruction_margin_{i}": margin(month) for i, month in enumerate(months)}
    )
    run = [Q(**{f"instruction_margin_{i}__gt": 0}) for i in range(len(months))]
    ending_now = run[0] & run[1] & run[2]
    ending_last_month = ~Exists(in_month(months[0])) & run[1] & run[2] & run[3]
    return marked.filter(ending_now | ending_last_month)
