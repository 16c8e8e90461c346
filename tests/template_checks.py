"""Templates fail loudly in tests: an unresolvable variable is an error, not an empty string.

The suite sets Django's ``string_if_invalid`` to a sentinel and adds this
middleware, so any page whose HTML contains the sentinel raises in the test
client, in WebTest and in the live server of the browser tests. The Django
admin is left out: its own templates rely on empty invalid variables (Django's
documentation warns against ``string_if_invalid`` there).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

SENTINEL = "@@INVALID_TEMPLATE_VARIABLE@@"
STRING_IF_INVALID = SENTINEL + "[%s]"


class UnresolvedTemplateVariable(AssertionError):
    pass


class TemplateVariableCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/admin/")
            or getattr(response, "streaming", False)
            or not response.get("Content-Type", "").startswith(("text/html", "text/plain"))
        ):
            return response
        content = response.content.decode(errors="replace")
        at = content.find(SENTINEL)
        if at >= 0:
            raise UnresolvedTemplateVariable(
                f"{request.method} {request.get_full_path()}: a template variable could not be "
                f"resolved: …{content[max(0, at - 200) : at + 200]}…"
            )
        return response
