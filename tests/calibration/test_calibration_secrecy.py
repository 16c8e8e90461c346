"""Nobody but HR and the calibration's participants sees the ratings (issue 17 §4): every
calibration URL tried as each persona, before and after publishing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews.models import Calibration
from tests.calibration.factories import make_result

pytestmark = pytest.mark.django_db

# Who may open the calibration pages: HR and the participant (Olga). The others:
# the report (Rob, also Ivy's manager), the manager and non-participant head (Maria),
# the peer (Paul), the indirect report (Ivy) and the outsider (Otto).
ALLOWED = ("hr", "other_manager")
REFUSED = ("report", "manager", "peer", "indirect_report", "outsider")


def _urls(calibration: Calibration, result_pk: int) -> list[str]:
    pk = calibration.cycle_id
    return [
        reverse("reviews:calibration", args=[pk]),
        reverse("reviews:calibration_adjust", args=[result_pk]),
    ]


@pytest.mark.parametrize("persona", REFUSED)
@pytest.mark.parametrize("published", [False, True])
def test_calibration_is_404_for_everyone_else(
    client, request, calibration, results, persona, published
) -> None:
    if published:
        Calibration.objects.filter(pk=calibration.pk).update(
            done_at="2026-01-01T00:00Z", published_at="2026-01-02T00:00Z"
        )
    client.force_login(request.getfixturevalue(persona))
    for url in _urls(calibration, results["indirect"].pk):
        assert client.get(url).status_code == 404, url
    cycle = calibration.cycle_id
    for name in ("calibration_step", "calibration_start"):
        response = client.post(reverse(f"reviews:{name}", args=[cycle]), {"action": "done"})
        assert response.status_code == 404
    participants = reverse("reviews:calibration_participants", args=[cycle])
    assert client.get(participants).status_code == 404
    adjust = reverse("reviews:calibration_adjust", args=[results["indirect"].pk])
    client.post(adjust, {"rating": "Below expectations", "reason": "x", "version": 1})
    assert results["indirect"].adjustments.count() == 0


@pytest.mark.parametrize("persona", ALLOWED)
@pytest.mark.parametrize("published", [False, True])
def test_hr_and_participants_see_the_whole_cycle(
    client, request, calibration, results, persona, published
) -> None:
    if published:
        Calibration.objects.filter(pk=calibration.pk).update(
            done_at="2026-01-01T00:00Z", published_at="2026-01-02T00:00Z"
        )
    client.force_login(request.getfixturevalue(persona))
    for url in _urls(calibration, results["report"].pk):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("reviews:calibration", args=[calibration.cycle_id]))
    # A participant from Finance sees Sales' people too: the calibration is across departments.
    assert "Rob Report" in page.content.decode() and "Paul Peer" in page.content.decode()


@pytest.mark.parametrize("persona", ("other_manager", "manager", "report", "outsider"))
def test_only_hr_runs_the_steps(client, request, calibration, persona) -> None:
    client.force_login(request.getfixturevalue(persona))
    cycle = calibration.cycle_id
    step = reverse("reviews:calibration_step", args=[cycle])
    assert client.post(step, {"action": "done", "version": 1}).status_code == 404
    participants = reverse("reviews:calibration_participants", args=[cycle])
    assert client.get(participants).status_code == 404
    calibration.refresh_from_db()
    assert calibration.done_at is None


def test_before_start_only_hr_sees_the_start_page(client, manager, hr, closed_cycle) -> None:
    url = reverse("reviews:calibration", args=[closed_cycle.pk])
    client.force_login(manager)
    assert client.get(url).status_code == 404
    client.force_login(hr)
    assert client.get(url).status_code == 200


def test_a_department_result_is_not_calibrated_here(client, hr, calibration, sales) -> None:
    from reviews.models import CycleResult

    result = CycleResult.objects.create(cycle=calibration.cycle, department=sales)
    client.force_login(hr)
    response = client.get(reverse("reviews:calibration_adjust", args=[result.pk]))
    assert response.status_code == 404


def test_a_result_of_an_uncalibrated_cycle_is_404(client, hr, report) -> None:
    from tests.factories import make_cycle

    result = make_result(make_cycle(2024, state="closed"), report)
    client.force_login(hr)
    assert client.get(reverse("reviews:calibration_adjust", args=[result.pk])).status_code == 404


def test_calibration_list_shows_participants_their_own(client, other_manager, manager, calibration):
    client.force_login(other_manager)
    listing = client.get(reverse("reviews:calibration_list")).content.decode()
    assert calibration.cycle.name in listing
    client.force_login(manager)
    listing = client.get(reverse("reviews:calibration_list")).content.decode()
    assert f"/cycles/{calibration.cycle_id}/calibration/" not in listing


@pytest.mark.parametrize("persona", ("report", "peer", "outsider"))
def test_calibration_list_is_404_for_people_heading_nothing(client, request, persona) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("reviews:calibration_list")).status_code == 404


@pytest.mark.urls("bench.urls")
def test_bench_floor_shows_the_calibration_data(client, hr, calibration) -> None:
    client.force_login(hr)
    response = client.get(f"/bench-floor/calibration/{calibration.cycle_id}/")
    assert response.status_code == 200 and "Rob Report" in response.content.decode()
