"""What a tester who had not built the API found (issue 19 trial), each kept as a test."""

from __future__ import annotations

import base64

import pytest

from tests.api.conftest import make_api_client, problem

pytestmark = pytest.mark.django_db

LISTS = ["people", "departments", "cycles", "objectives", "phase-targets", "checkins"]
LISTS += ["coaching-sessions", "action-items", "review-tables"]


def cursor(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize(
    "raw", ["p=abc", "p=1;DROP", "o=999999&p=abc", "r=1&p=zzz", "p=" + "9" * 5000]
)
def test_a_cursor_edited_by_hand_is_an_invalid_cursor_not_a_server_error(hr, name, raw):
    response = make_api_client(hr).get(f"/api/v1/{name}/", {"cursor": cursor(raw)})
    assert problem(response, 404)["detail"] == "Invalid cursor"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/inquiries/abc/answer/",
        "/api/v1/review-tables/99999999999999999999/",
        "/api/v1/exports/99999999999999999999/",
        "/api/v1/action-items/5/",
        "/api/v2/people/",
        "/api/v1/people/abc/",
        "/api/v1/objectives/abc/",
        "/api/v1/objectives/1e3/",
        "/api/v1/objectives/abc/targets/",
        "/api/v1/cycles/abc/",
        "/api/v1/checkins/abc/",
        "/api/v1/phase-targets/abc/",
        "/api/v1/departments/abc/",
        "/api/nothing",
    ],
)
def test_an_address_that_is_no_endpoint_is_a_problem_404(report, path):
    problem(make_api_client(report).get(path), 404)
