from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_cycle, make_objective

pytestmark = pytest.mark.django_db


def test_titles_and_units_are_escaped_on_the_team_and_plan_pages(client, manager, report):
    cycle = make_cycle(2026)
    objective = make_objective(
        cycle, employee=report, title="<script>alert(1)</script>", unit="<b>kg</b>"
    )
    client.force_login(manager)
    for url in (reverse("plans:team"), reverse("plans:person_objectives", args=[report.pk])):
        body = client.get(url, {"cycle": cycle.pk}).content.decode()
        assert "<script>alert(1)</script>" not in body and "<b>kg</b>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "&lt;b&gt;kg&lt;/b&gt;" in body
        assert f'href="{objective.get_absolute_url()}"' in body
