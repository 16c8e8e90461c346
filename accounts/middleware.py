from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class PersonLanguageMiddleware:
    """Each request's language, in place of Django's ``LocaleMiddleware``: the language
    the signed-in person chose (the same on every device they use), else the language
    cookie or the browser's ``Accept-Language`` (Django's ``get_language_from_request``),
    else ``LANGUAGE_CODE``. Sets ``request.LANGUAGE_CODE`` and answers with
    ``Content-Language`` and ``Vary: Accept-Language``, as ``LocaleMiddleware`` does.

    One middleware where two ran (the second overriding the first for a signed-in person,
    after the first had parsed the request for nothing). The addresses carry no language
    prefix (no ``i18n_patterns``: tests/accounts/test_person_language.py), so ``LocaleMiddleware``'s
    prefix redirects had nothing to do. Goes right after the page cache, so that a page
    served again loads nobody (the page cache's key holds the language the request asks
    for, and the person's choice is in the row its pages read).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        translation.activate(chosen or translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
