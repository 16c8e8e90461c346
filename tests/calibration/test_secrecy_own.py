"""Nobody reads their own proposed rating before it is published, not even as a
calibration participant or HR (issue 17 §3–§4)."""

from __future__ import annotations

from django.urls import reverse

from reviews.calibration_services import calibration_start
from reviews.models import CycleResult
from tests.factories import make_cycle


def test_a_participant_does_not_find_their_own_rating(django_app, client, hr, manager, report):
    cycle = make_cycle(2024, state="closed")
    own = CycleResult.objects.create(
        cycle=cycle, employee=manager, completion=80, proposed_rating="Exceeds expectations"
    )
    CycleResult.objects.create(
        cycle=cycle, employee=report, completion=40, proposed_rating="Meets expectations"
    )
    calibration_start(actor=hr, cycle=cycle, participants=[manager])

    page = django_app.get(reverse("reviews:calibration", args=[cycle.pk]), user=manager)

    assert page.html.select_one(f"[data-testid=person-{report.pk}]") is not None
    assert page.html.select_one(f"[data-testid=person-{manager.pk}]") is None
    client.force_login(manager)
    assert client.get(reverse("reviews:calibration_adjust", args=[own.pk])).status_code == 404
