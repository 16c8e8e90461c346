"""The trajectory's reading (issue 17 §5) on made-up histories: growing towards
encouragement, steady, stuck needing instruction — and the overview's filter, which
applies the stuck rule in the database, agreeing with it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from coaching.mix import MixMonth
from coaching.models import CoachingSession
from coaching.trajectory import (
    Reading,
    TrajectoryMonth,
    is_stuck,
    reading_of,
    stuck_people,
    trajectories_of,
    trajectory_period,
)
from plans.models import TargetCheck
from plans.months import first_of_previous_month, month_start
from tests.factories import UserFactory, check_in, make_cycle, make_objective

INS, GUI, ENC = "instruction", "guidance", "encouragement"


def months_of(*history: str) -> list[TrajectoryMonth]:
    """One month per string, oldest first: "IIG" is two instruction sessions and one
    guidance; "" a month without coaching."""
    kinds = {"I": INS, "G": GUI, "E": ENC}
    months = []
    day = dt.date(2026, 1, 1)
    for letters in history:
        counts: dict[str, int] = {}
        for letter in letters:
            counts[kinds[letter]] = counts.get(kinds[letter], 0) + 1
        months.append(TrajectoryMonth(month=day, counts=counts))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def read(*history: str) -> Reading:
    months = months_of(*history)
    return reading_of(months, lookback=months)


def test_instruction_then_guidance_then_encouragement_is_growing():
    assert read("II", "I", "IG", "G", "GE", "E", "EE") == Reading.GROWING


def test_half_a_step_towards_encouragement_is_enough_to_grow():
    assert read("G", "G", "GE", "E") == Reading.GROWING  # 1, 1 -> 1.5, 2


def test_the_same_kind_all_along_is_steady():
    assert read("G", "G", "GG", "G", "G") == Reading.STEADY
    assert read("E", "", "E", "EE") == Reading.STEADY


def test_a_small_move_is_still_steady():
    assert read("G", "G", "GGE", "G") == Reading.STEADY  # 1, 1 -> 1.33, 1


def test_three_months_of_mostly_instruction_up_to_the_latest_is_stuck():
    assert read("G", "E", "II", "IIG", "I") == Reading.STUCK


def test_stuck_also_when_this_month_has_no_session_yet():
    assert read("G", "I", "I", "I", "") == Reading.STUCK


def test_two_months_of_instruction_are_not_stuck_yet():
    assert read("G", "G", "I", "I") != Reading.STUCK


def test_a_month_without_coaching_breaks_the_run():
    assert read("I", "", "I", "I") != Reading.STUCK


def test_half_instruction_is_not_mostly_instruction():
    assert read("I", "IG", "I") != Reading.STUCK
    assert not months_of("IG")[0].mostly_instruction


def test_guidance_this_month_ends_the_run():
    assert read("I", "I", "I", "G") != Reading.STUCK


def test_two_months_without_coaching_since_the_run_are_no_longer_recent():
    assert not is_stuck(months_of("I", "I", "I", "", ""))


def test_back_towards_instruction_says_so():
    assert read("E", "E", "G", "GI") == Reading.SLIPPING


def test_coaching_in_one_month_only_is_too_little_to_read():
    assert read("", "GE", "") == Reading.TOO_LITTLE
    assert read() == Reading.TOO_LITTLE


def test_a_tie_goes_to_the_more_directive_type():
    month = months_of("IE")[0]
    assert month.dominant == INS
    assert months_of("GE")[0].dominant == GUI
    assert months_of("")[0].dominant is None


def test_a_period_begun_lately_still_reads_stuck_from_the_months_before():
    """The stuck rule looks back three months whatever the period: the timeline and the
    overview's filter agree in the first months of a cycle."""
    lookback = months_of("I", "I", "I")
    assert reading_of(lookback[-1:], lookback=lookback) == Reading.STUCK


# --- The same rule in the database ----------------------------------------------------

HISTORIES = [
    ("G", "I", "II", "I"),  # stuck, ending this month
    ("I", "I", "I", ""),  # stuck, ending last month
    ("I", "I", "IG", "I"),  # half instruction breaks it
    ("I", "", "I", "I"),  # a gap breaks it
    ("I", "I", "I", "G"),  # guidance this month ends it
    ("I", "I", "I", "E"),
    ("E", "G", "GE", "E"),
    ("", "", "", ""),
]


def _sessions(coach: User, person: User, history: tuple[str, ...], today: dt.date) -> None:
    kinds = {"I": INS, "G": GUI, "E": ENC}
    month = month_start(today)
    for letters in reversed(history):
        for letter in letters:
            CoachingSession.objects.create(
                coach=coach, employee=person, type=kinds[letter], held_on=month
            )
        month = first_of_previous_month(month)


@pytest.mark.django_db
def test_the_overview_filter_and_the_trajectory_agree_on_who_is_stuck(manager):
    today = timezone.localdate()
    people = {}
    for history in HISTORIES:
        person = UserFactory(manager=manager)
        _sessions(manager, person, history, today)
        people[person.pk] = history
    # A session planned for later this month is no coaching yet.
    CoachingSession.objects.create(
        coach=manager,
        employee=UserFactory(manager=manager),
        type=INS,
        held_on=today + dt.timedelta(days=40),
    )
    found = set(
        stuck_people(User.objects.filter(pk__in=people), today=today).values_list("pk", flat=True)
    )
    first, last = trajectory_period(today=today)
    trajectories = trajectories_of(
        employee_ids=list(people), first_month=first, last_month=last, today=today
    )
    expected = {pk for pk, history in people.items() if is_stuck(months_of(*history))}
    assert expected == {pk for pk, t in trajectories.items() if t.is_stuck}
    assert found == expected
    assert len(expected) == 2


@pytest.mark.django_db
def test_confidence_is_the_months_mean_and_lag_the_weighted_share_not_reached(manager, report):
    cycle = make_cycle(2026)
    orders = make_objective(cycle, employee=report, title="Orders", weight=75)
    calls = make_objective(cycle, employee=report, title="Calls", weight=25)
    march = dt.date(2026, 3, 1)
    check_in(orders, 10, on=dt.date(2026, 3, 5), author=report, confidence=2)
    check_in(calls, 10, on=dt.date(2026, 3, 25), author=report, confidence=5)
    check_in(calls, 10, on=dt.date(2026, 4, 2), author=report, confidence=1)
    # Orders reached half its March target; Calls met it.
    TargetCheck.objects.create(objective=orders, month=march, planned=20, reached=10, met=False)
    TargetCheck.objects.create(objective=calls, month=march, planned=5, reached=10, met=True)
    months = trajectories_of(
        employee_ids=[report.pk],
        first_month=dt.date(2026, 1, 1),
        last_month=dt.date(2026, 4, 1),
        today=dt.date(2026, 4, 20),
    )[report.pk].months
    by_month = {m.month: m for m in months}
    assert [m.month.month for m in months] == [1, 2, 3, 4]
    assert by_month[march].confidence == Decimal("3.5")
    assert by_month[march].checkins == 2
    assert by_month[march].lag == 38  # 75 % of the weight half short: 37.5 -> 38
    assert (by_month[march].targets_checked, by_month[march].targets_missed) == (2, 1)
    assert by_month[dt.date(2026, 4, 1)].lag is None  # the April node has not passed
    assert by_month[dt.date(2026, 4, 1)].confidence == Decimal("1.0")


@pytest.mark.django_db
def test_the_period_is_the_running_cycle_else_the_last_twelve_months():
    today = dt.date(2026, 5, 10)
    assert trajectory_period(today=today) == (dt.date(2025, 6, 1), dt.date(2026, 5, 1))
    make_cycle(2026)
    assert trajectory_period(today=today) == (dt.date(2026, 1, 1), dt.date(2026, 5, 1))
    closed = make_cycle(2025, state="closed")
    assert trajectory_period(cycle=closed, today=today) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 1),
    )


def test_a_months_shares_of_the_mix_are_rounded_half_up_each_like_every_figure():
    thirds = MixMonth(dt.date(2026, 1, 1), {INS: 1, GUI: 1, ENC: 1})
    assert thirds.shares == {INS: 33, GUI: 33, ENC: 33}  # not 34 for one of them
    eighths = MixMonth(dt.date(2026, 1, 1), {INS: 1, GUI: 1, ENC: 6})
    assert eighths.shares == {INS: 13, GUI: 13, ENC: 75}  # 12.5 % is 13 %
    assert MixMonth(dt.date(2026, 1, 1), {INS: 1, GUI: 3}).shares == {INS: 25, GUI: 75, ENC: 0}
    assert MixMonth(dt.date(2026, 1, 1), {}).shares == {INS: 0, GUI: 0, ENC: 0}
