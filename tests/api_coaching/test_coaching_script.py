"""A coaching session recorded and followed up by scripts with tokens; the pages agree."""

from __future__ import annotations

import pytest

from coaching.models import CoachingSession
from tests.api_helpers import client_for

pytestmark = pytest.mark.django_db


def test_a_session_recorded_through_the_api_is_the_one_on_the_pages(
    django_app, manager, report, objective
):
    maria, rob = client_for(manager), client_for(report)
    created = maria.post(
        "/api/v1/coaching-sessions/",
        {
            "employee": report.pk,
            "type": "instruction",
            "duration_minutes": 45,
            "form": "formal",
            "agreements": "Five client calls a week",
            "objectives": [{"objective": objective.pk, "assessment": "lagging"}],
            "action_items": [{"title": "Prepare the call script", "owner": report.pk}],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    session_id = created.json()["id"]
    # Written in the browser, the private note stays there.
    CoachingSession.objects.filter(pk=session_id).update(private_note="Seems tired lately")

    seen = rob.get(f"/api/v1/coaching-sessions/{session_id}/")
    assert seen.json()["content"]["agreements"] == "Five client calls a week"
    assert "Seems tired lately" not in seen.content.decode()
    assert (
        "Seems tired lately"
        not in maria.get(f"/api/v1/coaching-sessions/{session_id}/").content.decode()
    )
    step = rob.get("/api/v1/action-items/", {"session": session_id}).json()["results"][0]
    ticked = rob.post(f"/api/v1/action-items/{step['id']}/mark/", {"done": True}, format="json")
    assert ticked.json()["done"] is True

    page = django_app.get(f"/coaching/sessions/{session_id}/", user=report)
    assert "Five client calls a week" in page.text and "Orders won" in page.text
    assert "Prepare the call script" in page.text and "Undo" in page.text
    assert "Seems tired lately" not in page.text
    coach_page = django_app.get(f"/coaching/sessions/{session_id}/", user=manager)
    assert "Seems tired lately" in coach_page.text  # the author's, in the browser
