"""The job settings page: a refused save writes nothing, not even the settings row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews.models import JobSettings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_staff_who_are_not_hr_cannot_save_job_settings_and_nothing_is_written(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    response = client.post(reverse("reviews:jobs"), {"generation_hour": "3"})
    assert response.status_code == 403
    assert not JobSettings.objects.exists()


@pytest.mark.parametrize("hour", ["abc", "\x00", "24", "-1", "9" * 10_000, "NaN"])
def test_a_bad_hour_gets_a_message_by_the_field_and_nothing_is_saved(client, hr, hour):
    JobSettings.current()
    client.force_login(hr)
    data = {
        "generation_hour": hour,
        "generation_lead_days": "0",
        "deadline_days": "5",
        "due_soon_days": "3",
        "overdue_manager_days": "2",
        "overdue_hr_days": "5",
        "not_coached_days": "30",
        "digest_weekday": "0",
    }
    response = client.post(reverse("reviews:jobs"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["generation_hour"]
    assert JobSettings.current().generation_hour == 2
