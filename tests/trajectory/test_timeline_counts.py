"""The timeline gives its coaching trajectory the counts of the sessions and check-ins it
read itself (``coaching.timeline.counted_from``): the same trajectory as queried, in
fewer queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import CoachingSession
from coaching.timeline import (
    LIMIT,
    counted_from,
    reads_whole_record,
    timeline_checkins,
    timeline_sessions,
)
from coaching.trajectory import person_trajectory
from tests.factories import check_in, make_cycle, make_objective
from tests.trajectory.test_pages import months_back

pytestmark = pytest.mark.django_db


def _history(manager, report, sessions: int) -> None:
    """``sessions`` sessions spread over the last eighteen months (and one planned), and
    check-ins of every confidence over the year."""
    today = timezone.localdate()
    kinds = ["instruction", "guidance", "encouragement", "instruction"]
    for n in range(sessions):
        CoachingSession.objects.create(
            coach=manager,
            employee=report,
            type=kinds[n % len(kinds)],
            held_on=months_back(n % 18) + dt.timedelta(days=n % 5),
        )
    CoachingSession.objects.create(
        coach=manager, employee=report, type="guidance", held_on=today + dt.timedelta(days=3)
    )
    objective = make_objective(make_cycle(today.year), employee=report)
    for n in range(14):
        check_in(objective, n, on=months_back(n % 7), author=report, confidence=1 + n % 5)


@pytest.mark.parametrize("sessions", [7, LIMIT + 30, 3 * LIMIT])
@pytest.mark.parametrize("who", ["manager", "report", "hr"])
def test_the_trajectory_counted_from_the_timeline_s_rows_is_the_one_queried(
    request, manager, report, hr, sessions, who
):
    _history(manager, report, sessions)
    viewer = request.getfixturevalue(who)
    today = timezone.localdate()
    whole = reads_whole_record(viewer, report)
    counted = counted_from(
        sessions=timeline_sessions(user=viewer, person=report, whole=whole),
        checkins=timeline_checkins(user=viewer, person=report, whole=whole),
    )

    found = person_trajectory(viewer=viewer, person=report, today=today, counted=counted)

    assert whole
    assert found == person_trajectory(viewer=viewer, person=report, today=today)
    assert found.session_total and any(month.confidence for month in found.months)


def test_the_timeline_reads_its_trajectory_s_sessions_and_check_ins_once(
    client, manager, report, django_assert_max_num_queries
):
    _history(manager, report, 12)
    client.force_login(manager)
    client.get(reverse("coaching:timeline", args=[report.pk]))  # warm up
    # The signed-in person, the person shown and the chain below the viewer; sessions,
    # check-ins, steps, improvement plans and facts; the trajectory's cycle and
    # phase-target verdicts: its sessions and check-ins are the page's own.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("coaching:timeline", args=[report.pk]))
    assert response.status_code == 200
