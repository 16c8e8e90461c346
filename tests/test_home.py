from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_home_shows_what_needs_attention(client, manager, report):
    client.force_login(manager)
    body = client.get(reverse("home")).content.decode()
    assert "Rob Report" in body
    assert "Nothing to fill now." in body


@pytest.mark.parametrize("size", [5, 50])
def test_home_query_count_does_not_grow_with_the_team(
    client, size, manager, django_assert_max_num_queries
):
    UserFactory.create_batch(size, manager=manager)
    client.force_login(manager)
    with django_assert_max_num_queries(17):
        response = client.get(reverse("home"))
    assert response.status_code == 200
