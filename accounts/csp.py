"""django-csp's middleware, building the site's policy once per process.

django-csp builds both headers (the policy and the report-only one) from the settings
on every response, copying its parts with ``dataclasses.asdict`` each time: ~3.6% of a
signed-in 404 (py-spy, issue 21). Here a response that asks for nothing of its own —
no ``@csp_update``/``@csp_replace``/``@csp_override``, no exemption, no nonce, which is
every page of this product today — gets the headers built once from the settings
(built again when a setting changes: tests); any other response is django-csp's own.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponseBase

# What a view or decorator sets on a response for a policy of its own (django-csp 4).
_OWN_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_EXEMPT = ("_csp_exempt", "_csp_exempt_ro")


@cache
def _site_headers() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(header, policy, excluded path prefixes) for the policy and the report-only one,
    as django-csp builds them from the settings; an empty policy is not sent."""
    headers = []
    for header, report_only, setting in (
        (HEADER, False, "CONTENT_SECURITY_POLICY"),
        (HEADER_REPORT_ONLY, True, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
    ):
        policy = build_policy(report_only=report_only)
        prefixes = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
        if policy:
            headers.append((header, policy, prefixes))
    return tuple(headers)


def _forget(**_kwargs: Any) -> None:
    _site_headers.cache_clear()


setting_changed.connect(_forget, dispatch_uid="csp-site-headers")


class KeptPolicyCSPMiddleware(CSPMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        own = (
            getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, name, None) is not None for name in _OWN_POLICY)
            or any(getattr(response, name, False) is not False for name in _EXEMPT)
            or (settings.DEBUG and response.status_code in (404, 500))
        )
        if own:
            return super().process_response(request, response)
        for header, policy, prefixes in _site_headers():
            if header not in response and not request.path_info.startswith(prefixes):
                response[header] = policy
        # As django-csp: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
