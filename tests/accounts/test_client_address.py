"""Which client the log-in and password-reset limits count, with and without proxies."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from accounts.throttle import client_address

SPOOFED_AND_REAL = "6.6.6.6, 198.51.100.7"


def request(forwarded=None):
    made = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1")
    if forwarded is not None:
        made.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return made


def test_without_proxies_the_header_a_client_writes_is_not_believed(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request(SPOOFED_AND_REAL)) == "10.0.0.1"


@pytest.mark.parametrize(
    ("count", "forwarded", "client"),
    [
        (1, SPOOFED_AND_REAL, "198.51.100.7"),  # nginx appended the real address
        (1, "198.51.100.7", "198.51.100.7"),
        (2, "6.6.6.6, 198.51.100.7, 10.9.9.9", "198.51.100.7"),  # load balancer, then nginx
        (2, "198.51.100.7", "10.0.0.1"),  # did not come through both: the connection
        (1, None, "10.0.0.1"),
    ],
)
def test_behind_proxies_the_client_is_counted_from_the_right(settings, count, forwarded, client):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_address(request(forwarded)) == client


def test_log_in_failures_from_behind_one_proxy_are_counted_per_real_client(
    settings, client, db, report
):
    """Every person shares the proxy's address: without this, five wrong passwords
    anywhere in the company would lock an account for everybody."""
    from axes.models import AccessAttempt

    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(2):
        client.post(
            "/accounts/login/",
            {"username": report.email, "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}


def test_a_forwarded_value_that_is_not_an_address_is_not_used(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request("6.6.6.6, <script>")) == "10.0.0.1"
