"""What the results pages (issue 17 §3) read from the calibration."""

from __future__ import annotations

import pytest

from reviews.calibration import (
    adjustments_of,
    calibration_of,
    proposals_open,
    rating_of,
)
from reviews.calibration_services import calibration_done, calibration_publish, rating_adjust
from reviews.permissions import can_see_proposals

pytestmark = pytest.mark.django_db


def test_proposals_close_when_done_and_results_show_when_published(
    hr, closed_cycle, calibration
) -> None:
    assert calibration_of(closed_cycle) == calibration
    assert proposals_open(closed_cycle) and calibration.published_at is None
    calibration = calibration_done(actor=hr, calibration=calibration, version=calibration.version)
    assert not proposals_open(closed_cycle) and calibration.published_at is None
    calibration_publish(actor=hr, calibration=calibration, version=calibration.version)
    published = calibration_of(closed_cycle)
    assert not proposals_open(closed_cycle) and published and published.published_at is not None


def test_a_cycle_without_calibration_takes_proposals(closed_cycle) -> None:
    assert calibration_of(closed_cycle) is None
    assert proposals_open(closed_cycle)


def test_adjustments_of_a_result_newest_first(hr, calibration, results) -> None:
    rob = results["report"]
    rating_adjust(actor=hr, result=rob, to_rating="Meets expectations", reason="One.", version=1)
    rating_adjust(actor=hr, result=rob, to_rating="Below expectations", reason="Two.", version=2)
    rob.refresh_from_db()
    assert rating_of(rob) == "Below expectations"
    assert [(a.from_rating, a.to_rating, a.reason) for a in adjustments_of(rob)] == [
        ("Meets expectations", "Below expectations", "Two."),
        ("Exceeds expectations", "Meets expectations", "One."),
    ]


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("hr", True),
        ("other_manager", True),
        ("manager", False),
        ("report", False),
        ("peer", False),
        ("outsider", False),
    ],
)
def test_who_sees_proposals_as_a_calibrator(request, calibration, persona, sees) -> None:
    user = request.getfixturevalue(persona)
    assert can_see_proposals(user, calibration.cycle) is sees
