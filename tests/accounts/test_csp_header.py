"""The Content-Security-Policy header, built once per process (accounts/csp.py): every
page carries the policy the settings give, exactly as django-csp builds it; a response
that asks for a policy of its own still gets django-csp's own handling."""

from __future__ import annotations

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE, NONE, SELF
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.csp import KeptPolicyCSPMiddleware
from tests.accounts.test_auth import log_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_carries_the_site_policy(django_app, report, password, signed_in):
    if signed_in:
        log_in(django_app, report.email, password, status=302)
    for address, status in [
        (reverse("accounts:login"), 200 if not signed_in else 302),
        ("/no-such-page/", 404),
    ]:
        response = django_app.get(address, status=status)
        assert response.headers[HEADER] == build_policy()
        assert "frame-ancestors 'none'" in response.headers[HEADER]
        assert HEADER_REPORT_ONLY not in response.headers


def test_a_changed_policy_shows_on_the_next_response(django_app, settings):
    django_app.get(reverse("accounts:login"))  # the policy is built and kept
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [NONE]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": [SELF]}}
    response = django_app.get(reverse("accounts:login"))
    assert response.headers[HEADER] == "default-src 'none'"
    assert response.headers[HEADER_REPORT_ONLY] == build_policy(report_only=True)
    assert "img-src 'self'" in response.headers[HEADER_REPORT_ONLY]


def test_a_response_with_its_own_policy_or_a_nonce_is_django_csp_s_own(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}
    middleware = KeptPolicyCSPMiddleware(lambda request: HttpResponse("ok"))
    request = RequestFactory().get("/somewhere/")
    middleware.process_request(request)
    response = HttpResponse("ok")
    response._csp_update = {"img-src": ["https://images.example.com"]}  # as @csp_update
    assert "https://images.example.com" in middleware.process_response(request, response)[HEADER]

    request = RequestFactory().get("/somewhere/")
    middleware.process_request(request)
    nonce = str(request.csp_nonce)  # a template asked for one
    header = middleware.process_response(request, HttpResponse("ok"))[HEADER]
    assert header == build_policy(nonce=nonce) and f"'nonce-{nonce}'" in header

    exempt = HttpResponse("ok")
    exempt._csp_exempt = True  # as @csp_exempt
    request = RequestFactory().get("/somewhere/")
    middleware.process_request(request)
    assert HEADER not in middleware.process_response(request, exempt)
