"""What every endpoint shares: tokens, scopes, problems, limits, the browser's session, the docs."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import api_token_revoke
from plans.models import CheckIn
from tests.api.conftest import problem
from tests.factories import make_cycle, make_objective

pytestmark = pytest.mark.django_db


@pytest.fixture
def robs(report):
    return make_objective(make_cycle(timezone.localdate().year), employee=report)


def _checkin(objective):
    day = min(timezone.localdate(), objective.cycle.end_date).isoformat()
    return {"objective": objective.pk, "value": "3", "confidence": 3, "recorded_on": day}


def test_without_a_token_the_answer_is_a_401_problem(db):
    body = problem(APIClient().get("/api/v1/people/"), 401)
    assert body["title"] == "Sign-in required"


def test_a_made_up_token_is_refused(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer " + "a" * 64)
    problem(client.get("/api/v1/people/"), 401)


def test_a_revoked_token_is_refused(api_client_for, report):
    api = api_client_for(report)
    assert api.get("/api/v1/people/").status_code == 200
    api_token_revoke(token=api.token, actor=report)
    problem(api.get("/api/v1/people/"), 401)


def test_each_use_records_last_used(api_client_for, report):
    api = api_client_for(report, "read")
    assert api.token.last_used_at is None
    before = timezone.now()
    api.get("/api/v1/departments/")
    used = ApiToken.objects.get(pk=api.token.pk).last_used_at
    assert used is not None and used >= before


def test_a_read_only_token_reads_but_never_writes(api_client_for, report, robs):
    api = api_client_for(report, "read")
    assert api.get(f"/api/v1/objectives/{robs.pk}/").status_code == 200
    body = problem(api.post("/api/v1/checkins/", _checkin(robs), format="json"), 403)
    assert "read-only" in body["detail"]
    assert not CheckIn.objects.exists()


def test_a_write_token_writes(api_client_for, report, robs):
    response = api_client_for(report, "write").post(
        "/api/v1/checkins/", _checkin(robs), format="json"
    )
    assert response.status_code == 201
    assert CheckIn.objects.get().author == report


def test_errors_are_problem_details(api_client_for, report, robs):
    api = api_client_for(report)
    problem(api.get("/api/v1/objectives/999999/"), 404)
    problem(api.delete(f"/api/v1/objectives/{robs.pk}/"), 405)
    body = problem(api.post("/api/v1/checkins/", {"objective": robs.pk}, format="json"), 400)
    assert body["type"].endswith("/validation")
    assert body["errors"]["value"] == ["This field is required."]
    body = problem(api.post("/api/v1/checkins/", {"objective": "x"}, format="json"), 400)
    assert body["errors"]["objective"]


def test_the_request_after_the_limit_waits(api_client_for, report, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "3/min"},
    }
    api = api_client_for(report, "read")
    for _ in range(3):
        assert api.get("/api/v1/departments/").status_code == 200
    response = api.get("/api/v1/departments/")
    problem(response, 429)
    assert 0 < int(response["Retry-After"]) <= 60
    # The limit is per token: another token of the same person still has its own.
    assert api_client_for(report, "read").get("/api/v1/departments/").status_code == 200


def test_the_browser_session_works_and_keeps_csrf(report, robs):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(report)
    assert browser.get("/api/v1/people/").status_code == 200
    refused = browser.post("/api/v1/checkins/", _checkin(robs), content_type="application/json")
    body = problem(refused, 403)
    assert "CSRF" in body["detail"]
    assert not CheckIn.objects.exists()
    browser.get(reverse("accounts:profile"))  # a page sets the CSRF cookie, as in a browser
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        "/api/v1/checkins/", _checkin(robs), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201
    assert CheckIn.objects.count() == 1


def test_the_docs_page_runs_under_our_content_security_policy(client, report):
    client.force_login(report)
    page = client.get("/api/docs/")
    assert page.status_code == 200
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    html = page.content.decode()
    assert "<style" not in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all(not inline.strip() for _attrs, inline in scripts)
    sources = [re.search(r'src="([^"]+)"', attrs).group(1) for attrs, _inline in scripts]
    assert all(src.startswith(("/static/", "/api/docs/")) for src in sources), sources
    for src in sources:  # each is one of our files, or the page's own start-up script
        if src.startswith("/static/"):
            assert finders.find(src.removeprefix("/static/")), src
        else:
            start = client.get(src.replace("&amp;", "&"))
            assert start.status_code == 200 and "javascript" in start["Content-Type"]


def test_the_schema_documents_the_bearer_token(client, report):
    client.force_login(report)
    schema = client.get("/api/schema/?format=json").json()
    scheme = schema["components"]["securitySchemes"]["personalToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    checkins = schema["paths"]["/api/v1/checkins/"]["post"]["responses"]
    assert "application/problem+json" in checkins["403"]["content"]


def test_a_forged_session_cookie_is_no_session_not_a_server_error(api_client_for, report):
    """Found by schemathesis: a NUL in the session cookie reached PostgreSQL (500)."""
    api = api_client_for(report, "read")
    assert api.get("/api/v1/people/", HTTP_COOKIE='sessionid="0\\000\\302\\200"').status_code == 200
    browser = Client()
    browser.cookies["sessionid"] = "abc\x00defghijkl"
    assert browser.get(reverse("accounts:profile")).status_code == 302  # to the login page
