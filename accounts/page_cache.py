"""Whole pages cached per session, never older than the tables they were computed from.

A view marked with ``cached_page`` is served from the shared cache when the same
session asks again for the same address and nothing it read has changed since:

1. The key names everything a response can depend on outside the database: the
   address with its query, the language chosen before sign-in, every cookie (the
   session's key, the CSRF secret the page's forms carry, the language), the
   session's data, the HTMX headers, today's date in the site's time zone, and the
   deployed code and settings (``build``).
2. On a miss, the versions of every table are read first (one round trip), then the
   page is computed while ``accounts.data_versions.recording`` notes each table it
   read (``accounts.table_versions``) and each cached figure's scope. The page is
   stored with the versions of exactly those, as read before it was computed.
3. On the next request, the entry is read and the current versions of its tables and
   scopes are compared with the stored ones (two round trips in all). Any write to any
   of them since (any model, ``bulk_create``, ``QuerySet.update``, raw SQL, a Celery
   task on another machine) has bumped one, so the page is computed again.

Not stored: a response other than a 200 HTML page, one that sets a cookie or changes
the session, one computed by a request that wrote anything (a page that records its
being read keeps doing so), one with messages waiting to be shown, and while Redis does
not answer. Every cacheable response carries ``X-Page-Cache: hit`` or ``miss``.
``PAGE_CACHE=false`` turns it off (bench/run.py measures pages so); so does a default
cache in the process's own memory (the demo without Redis), which the versions bumped
by the other processes (Celery worker, beat, a management command) never reach.
"""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from collections.abc import Callable
from functools import cache as memoize
from functools import lru_cache
from importlib.metadata import distributions
from pathlib import Path
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone, translation

from accounts.data_versions import cache_reachable, data_versions, recording
from accounts.table_versions import versions_before, versions_read

F = TypeVar("F", bound=Callable[..., Any])
ENTRY_FORMAT = 1
# Bodies above this are computed every time (compressed, they would still be large).
MAX_BODY_BYTES = 2_000_000
_SOURCE_SUFFIXES = {".py", ".html", ".txt", ".mo", ".json"}
_SKIPPED_DIRS = {".venv", "var", "tests", "bench", "node_modules", ".git", "static"}
_generation = [0]


def cached_page(view: F) -> F:
    """Mark a GET view whose page may be served from the page cache (see the module).

    The view must show only what it reads from the database, the session, the request's
    address and cookies and today's date; a page with a relative time ("5 minutes
    ago") or anything read from elsewhere must not be marked.
    """
    view.cached_page = True  # type: ignore[attr-defined]
    return view


def _settings_changed(**_kwargs: Any) -> None:
    _generation[0] += 1
    _cached_page_at.cache_clear()  # ROOT_URLCONF may have changed (tests, bench)


setting_changed.connect(_settings_changed, dispatch_uid="page-cache-settings")


@memoize
def _source_folders() -> list[Path]:
    """The project's own apps, the configuration, the templates and the translations."""
    root = Path(settings.BASE_DIR)
    folders = {Path(config.path) for config in apps.get_app_configs()}
    folders |= {root / settings.ROOT_URLCONF.split(".")[0]}
    engines: list[dict[str, Any]] = settings.TEMPLATES
    folders |= {Path(folder) for engine in engines for folder in engine["DIRS"]}
    folders |= {Path(folder) for folder in settings.LOCALE_PATHS}
    return sorted(
        folder
        for folder in folders
        if folder.is_relative_to(root)  # installed packages count by their versions
        and not any(part[0] == "." or part == "site-packages" for part in folder.parts)
    )


@memoize
def build() -> str:
    """A digest of the deployed code, templates, translations, installed packages and
    settings: a deploy (or a changed environment variable, after the restart it needs)
    starts afresh."""
    digest = hashlib.blake2b(digest_size=12)
    root = Path(settings.BASE_DIR)
    for top in _source_folders():
        for folder, subfolders, names in os.walk(top):
            subfolders[:] = sorted(
                name for name in subfolders if name not in _SKIPPED_DIRS and name[0] != "."
            )
            for name in sorted(names):
                path = Path(folder, name)
                if path.suffix in _SOURCE_SUFFIXES:
                    digest.update(str(path.relative_to(root)).encode())
                    digest.update(path.read_bytes())
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in distributions())
    digest.update("\n".join(packages).encode())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    simple = {
        name: getattr(settings, name)
        for name in dir(settings)
        if name.isupper() and isinstance(getattr(settings, name), str | int | bool | float)
    }
    digest.update(json.dumps(simple, sort_keys=True).encode())
    return digest.hexdigest()


def shared_cache() -> bool:
    """True when the default cache is one every process reads (Redis): a process's own
    memory (``make demo``, with no Redis) never sees the versions that a Celery worker,
    beat or a management command bumps in theirs, so its pages would stay stale."""
    return not isinstance(caches["default"], LocMemCache | DummyCache)


@lru_cache(maxsize=4096)
def _cached_page_at(urlconf: str, path: str) -> bool:
    # Remembered per address: an unknown one walks every URL pattern, and the handler
    # walks them all again to answer 404.
    try:
        match = resolve(path, urlconf=urlconf)
    except Resolver404:
        return False
    return bool(getattr(match.func, "cached_page", False))


def _cacheable_view(request: HttpRequest) -> bool:
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    return _cached_page_at(str(urlconf), request.path_info)


def _session_data(request: HttpRequest) -> dict[str, Any] | None:
    session = getattr(request, "session", None)
    if session is None or not request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return None
    data: dict[str, Any] = session._get_session()  # noqa: SLF001 - loads it once, as any read
    if "_auth_user_id" not in data or "_messages" in data:
        return None
    return data


def _key(request: HttpRequest, session_data: dict[str, Any]) -> str:
    htmx = sorted(
        (name, value) for name, value in request.headers.items() if name.lower().startswith("hx-")
    )
    parts = [
        build(),
        _generation[0],
        request.get_full_path(),
        translation.get_language_from_request(request),  # the cookie's or the browser's
        sorted(request.COOKIES.items()),
        session_data,
        htmx,
        request.headers.get("Accept", ""),
        timezone.localdate().isoformat(),
    ]
    text = json.dumps(parts, sort_keys=True, default=str)
    return "page:" + hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.cookies
        # A first page makes the CSRF cookie, which the next request's key then holds.
        and request.META.get("CSRF_COOKIE", "")
        == request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
        and not request.session.modified
        and "no-store" not in response.get("Cache-Control", "")
        and len(response.content) <= MAX_BODY_BYTES
    )


class PageCacheMiddleware:
    """Serve ``cached_page`` views from the page cache (see the module).

    Goes right after ``AuthenticationMiddleware``: a hit answers before the person is
    loaded; the middleware after it (language, messages, headers) ran when the page was
    computed, and the headers they set are stored with it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method != "GET"
            or not settings.PAGE_CACHE
            or not shared_cache()
            or "messages" in request.COOKIES
            or not _cacheable_view(request)
            or not cache_reachable()
        ):
            return self.get_response(request)
        session_data = _session_data(request)
        if session_data is None:
            return self.get_response(request)
        key = _key(request, session_data)
        entry = cache.get(key)
        if entry is not None and entry[0] == ENTRY_FORMAT:
            _format, scopes, versions, headers, body = entry
            if data_versions(scopes) == versions:
                response = HttpResponse(zlib.decompress(body))
                for name, value in headers:
                    response[name] = value
                response["X-Page-Cache"] = "hit"
                return response
        before = versions_before()
        with recording() as reads:
            response = self.get_response(request)
        if not reads.wrote and _storable(request, response):
            read = versions_read(before, reads)
            headers = [(name, value) for name, value in response.items() if name != "Set-Cookie"]
            body = zlib.compress(response.content, 1)
            entry = (ENTRY_FORMAT, tuple(read), tuple(read.values()), headers, body)
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
        response["X-Page-Cache"] = "miss"
        return response
