"""The layout around every page, rendered once per person and kept in each process.

``{% layout_head %}`` writes a page from ``<!doctype html>`` to its ``<title>``, and
``{% layout_header %}`` from the end of the title to ``<main>``: the stylesheets and
scripts, the navigation's menus, the notification count, the language menu and the
person's own menu (templates/_layout_head.html, _layout_header.html, _navigation.html).

Both are rendered from a key that names everything they show: the language and, for a
signed-in person, their name, e-mail address, staff flag, department, roles and the
navigation's figures (``accounts.person_figures``). Each process keeps the last
``KEPT_LAYOUTS`` renderings by key (5–7 kB each: at most ~15 MB a process), so a
person's header is rendered once and then only again when one of those values changes,
rather than on every request (py-spy: ~30% of a signed-in 404's time was the layout).
What differs between two requests of the same key is put in afterwards: the CSRF token
(in htmx's headers, the language form and the sign-out form) and the page's address
(where the language form comes back to).

Never stale: the templates are rendered with the key's values and nothing else, so a
value missing from the key cannot show (and fails the suite's loud templates); the
figures are read as before, current and recorded for the page cache; a deploy starts
new processes; and changed settings (tests) or a changed file (the development server)
empty what was kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.loader import get_template
from django.utils.autoreload import file_changed
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from accounts.person_figures import person_figures
from accounts.selectors import Roles, user_roles
from accounts.templatetags.navigation import ADDRESS_VARIABLE

register = template.Library()

KEPT_LAYOUTS = 2_048
# Stand-ins rendered in place of the per-request values, then replaced: letters and
# digits only, so that escaping cannot change them.
_TOKEN = "keptlayoutcsrftoken7q"  # noqa: S105 (a stand-in, not a secret)
_ADDRESS = "keptlayoutpageaddress7q"


@dataclass(frozen=True)
class LayoutPerson:
    """What the header shows of the person: the ``user`` its templates see."""

    is_authenticated: bool
    pk: int | None = None
    full_name: str = ""
    email: str = ""
    is_staff: bool = False
    department_id: int | None = None


_NOBODY = LayoutPerson(is_authenticated=False)
HeaderKey = tuple[str, bool, LayoutPerson, Roles | None, tuple[tuple[str, Any], ...]]


@register.simple_tag
def layout_head() -> SafeString:
    """The page up to ``<title>`` in the active language (kept per language)."""
    return _head(get_language() or settings.LANGUAGE_CODE)


@register.simple_tag(takes_context=True)
def layout_header(context: Any) -> SafeString:
    """The page from the end of its title to ``<main>``, for the request's person."""
    request = context.get("request")
    user = request.user if request is not None else context.get("user")
    token = str(context.get("csrf_token") or "")
    has_token = bool(token) and token != "NOTPROVIDED"  # noqa: S105 (Django's marker)
    html = _header(header_key(user, has_token=has_token))
    address = escape(request.get_full_path()) if request is not None else ""
    return mark_safe(html.replace(_TOKEN, token).replace(_ADDRESS, address))  # noqa: S308


def header_key(user: Any, *, has_token: bool) -> HeaderKey:
    """Everything the header shows, hashable: (language, whether the request has a CSRF
    token, the person, their roles, their navigation figures by name)."""
    language = get_language() or settings.LANGUAGE_CODE
    if user is None or not user.is_authenticated:
        return (language, has_token, _NOBODY, None, ())
    person = LayoutPerson(
        is_authenticated=True,
        pk=user.pk,
        full_name=user.full_name,
        email=user.email,
        is_staff=user.is_staff,
        department_id=user.department_id,
    )
    figures = tuple(
        sorted(
            (name, _hashable(value))
            for name, value in person_figures(user).all().items()
            if name != "role_flags"  # read as the roles
        )
    )
    return (language, has_token, person, user_roles(user), figures)


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((key, _hashable(each)) for key, each in value.items()))
    if isinstance(value, list | set | frozenset):
        return tuple(_hashable(each) for each in value)
    return value


@lru_cache(maxsize=16)
def _head(language: str) -> SafeString:
    return mark_safe(get_template("_layout_head.html").render({"LANGUAGE_CODE": language}))  # noqa: S308


@lru_cache(maxsize=KEPT_LAYOUTS)
def _header(key: HeaderKey) -> str:
    language, has_token, person, roles, figures = key
    context: dict[str, Any] = {
        **dict(figures),
        "LANGUAGE_CODE": language,
        "user": person,
        "roles": roles,
        "csrf_token": _TOKEN if has_token else "",
        ADDRESS_VARIABLE: _ADDRESS,
    }
    return str(get_template("_layout_header.html").render(context))


def forget_layouts(**_kwargs: Any) -> None:
    """Empty what each process kept (a setting or a template changed)."""
    _head.cache_clear()
    _header.cache_clear()


setting_changed.connect(forget_layouts, dispatch_uid="layout-kept")
file_changed.connect(forget_layouts, dispatch_uid="layout-kept")
