"""A month's review done by scripts with tokens, start to end; the pages then show it."""

from __future__ import annotations

import pytest

from reviews.models import ReviewTable
from tests.api_helpers import client_for, problem
from tests.review_tables.conftest import text

pytestmark = pytest.mark.django_db


def test_a_review_done_through_the_api_reads_the_same_on_the_page(
    django_app, table, report, manager, hr
):
    rob, maria = client_for(report), client_for(manager)
    base = f"/api/v1/review-tables/{table.pk}/"

    mine = rob.get("/api/v1/review-tables/", {"employee": report.pk}).json()["results"]
    assert [t["id"] for t in mine] == [table.pk]
    current = rob.get(base).json()
    assert current["access"]["actions"] == ["submit"]
    filled = rob.post(
        base + "fill/",
        {
            "version": current["version"],
            "summary": "Orders on plan; quality behind because of the new supplier.",
            "rows": [
                {"id": current["rows"][0]["id"], "actual": "30"},
                {"id": current["rows"][1]["id"], "actual": "10", "gap_reason_outside": "Supplier"},
            ],
            "work_items": [{"title": "Audit the supplier", "target": "1 audit"}],
            "submit": True,
        },
        format="json",
    )
    assert filled.status_code == 200, filled.json()
    assert filled.json()["status"] == "submitted"

    review = maria.get(base).json()
    assert review["access"]["actions"] == ["finalise", "return", "start_review"]
    opened = maria.post(
        base + "review/", {"version": review["version"], "action": "start_review"}, format="json"
    ).json()
    assert opened["status"] == "in_review" and opened["access"]["can_ask"] is True

    asked = maria.post(base + "inquiries/", {"question": "Which supplier?"}, format="json").json()
    problem(
        maria.post(
            base + "review/",
            {"version": opened["version"], "action": "finalise", "reviewer_summary": "Fine."},
            format="json",
        ),
        400,
    )  # a question is still open: the page asks to confirm
    rob.post(f"/api/v1/inquiries/{asked['id']}/answer/", {"answer": "Nordwind GmbH"}, format="json")

    latest = maria.get(base).json()
    assert [i["answer"] for i in latest["inquiries"]] == ["Nordwind GmbH"]
    done = maria.post(
        base + "review/",
        {
            "version": latest["version"],
            "action": "finalise",
            "reviewer_summary": "A good month despite the supplier.",
            "expectations": "Quality back to plan.",
        },
        format="json",
    )
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "finalised" and done.json()["access"]["actions"] == []

    table.refresh_from_db()
    assert table.status == ReviewTable.Status.FINALISED
    for person in (report, manager, hr):
        page = django_app.get(table.get_absolute_url(), user=person)
        assert "finalised and locked" in text(page, '[data-testid="locked"]')
        assert "A good month despite the supplier." in text(page, '[data-testid="reviewer-part"]')
        assert "Nordwind GmbH" in page.text and "Audit the supplier" in page.text
    assert (
        client_for(hr).get(base).json()["reviewer_summary"] == "A good month despite the supplier."
    )
