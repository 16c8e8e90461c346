"""The demo's calibration: last year's cycle calibrated with Marcus, one adjustment, published."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from reviews.models import Calibration, RatingAdjustment

pytestmark = pytest.mark.django_db


def test_demo_calibrates_and_publishes_last_year() -> None:
    call_command("seed_demo", verbosity=0)
    calibration = Calibration.objects.get(cycle__name=str(timezone.localdate().year - 1))
    assert [p.email for p in calibration.participants.all()] == ["marcus.lee@example.com"]
    assert calibration.published_at is not None and calibration.done_at is not None
    adjustment = RatingAdjustment.objects.get(result__cycle=calibration.cycle)
    assert adjustment.actor is not None and adjustment.result.employee is not None
    assert adjustment.actor.email == "marcus.lee@example.com"
    assert adjustment.result.employee.email == "emma.wilson@example.com"
    assert adjustment.result.final_rating == adjustment.to_rating
    call_command("seed_demo", verbosity=0)
    assert RatingAdjustment.objects.count() == 1
